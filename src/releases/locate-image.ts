/**
 * @module
 * Where one release image lives, decided from its `source`: the
 * application's own repository `<app>/<name>` in this Wharf (read from its
 * own metadata and storage, never over the network), a public image
 * (anonymous, Docker Hub by default: `redis` is `docker.io/library/redis`),
 * or an image of one of the organization's external registries — found by
 * short name (or host) in the upstream directory, its prefix joined to the
 * name as the pull-through proxy does, with the stored credentials.
 */
import type { UpstreamDirectory } from "../external/upstream-registry.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import { parseReference } from "../reference/parse-reference.ts";
import type { RegistryCredentials } from "../registry-client/registry-client-options.ts";
import { ReleaseError } from "./release-error.ts";
import type { ImageEntry } from "./release-input.ts";

/** Where an image is read from. */
export type ImageLocation =
  | { readonly kind: "own"; readonly repository: string }
  | {
      readonly kind: "remote";
      /** The repository (and the entry's tag or digest) on the registry to dial. */
      readonly ref: ImageReference;
      readonly credentials?: RegistryCredentials;
      readonly insecure: boolean;
    };

/** The source word for public images. */
export const publicSource = "public";

/** Locates `entry` of application `app`; ReleaseError `invalid` when the source is unknown or the name unaddressable. */
export async function locateImage(
  directory: Pick<UpstreamDirectory, "find">,
  app: string,
  entry: ImageEntry,
): Promise<ImageLocation> {
  const pin = entry.digest !== undefined ? `@${entry.digest}` : `:${entry.tag}`;
  if (entry.source === app) return { kind: "own", repository: `${app}/${entry.name}` };
  if (entry.source === publicSource)
    return { kind: "remote", ref: parse(`${entry.name}${pin}`, entry), insecure: false };
  const registry = await directory.find(app, entry.source);
  if (registry === undefined) {
    throw new ReleaseError(
      "invalid",
      `image ${entry.name}: source ${JSON.stringify(entry.source)} is neither public, the application ${app}, nor an external registry of its organization (see wharf external list)`,
    );
  }
  const prefix = registry.prefix.replace(/^\/+|\/+$/g, "");
  const ref = parse(`${registry.baseUrl.host}/${prefix === "" ? "" : `${prefix}/`}${entry.name}${pin}`, entry);
  return {
    kind: "remote",
    ref,
    insecure: registry.insecure || registry.baseUrl.protocol === "http:",
    ...(registry.credentials && { credentials: registry.credentials }),
  };
}

function parse(text: string, entry: ImageEntry): ImageReference {
  const parsed = parseReference(text);
  if (!parsed.ok) throw new ReleaseError("invalid", `image ${entry.name} (${entry.source}): ${parsed.error}`);
  return parsed.reference;
}
