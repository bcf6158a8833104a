/**
 * @module
 * The referrers of a manifest (signatures, SBOMs, attestations): the OCI
 * 1.1 referrers API, or — on registries that predate it, such as
 * Distribution 2.8 — the referrers tag schema (`sha256-<hex>` tag holding
 * an index of referrers). Either way the answer is the index's descriptors.
 */
import { tryParseDigest } from "../digest/digest.ts";
import { getManifest } from "./get-manifest.ts";
import { maxSmallBodyBytes, readBody } from "./read-body.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { type RepositoryRef, repositoryAddress } from "./repository-address.ts";

/** One referrer: a manifest descriptor with its artifact type. */
export interface ReferrerDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
}

const indexType = "application/vnd.oci.image.index.v1+json";

/** Lists the referrers of `digest` in `repo`; an empty list when there are none or the registry knows neither way. */
export async function listReferrers(
  transport: RegistryTransport,
  repo: RepositoryRef,
  digest: string,
): Promise<RegistryResult<ReferrerDescriptor[]>> {
  const parsed = tryParseDigest(digest);
  if (parsed === undefined) return failed("protocol", "invalid manifest digest");
  const { host, base, scope } = repositoryAddress(repo);
  const sent = await transport.send({
    host,
    method: "GET",
    path: `${base}/referrers/${digest}`,
    scope,
    headers: { accept: indexType },
  });
  if (sent.ok) {
    const body = await readBody(sent.value.body, maxSmallBodyBytes, "the referrers index");
    if (!body.ok) return body;
    return descriptorsOf(body.value);
  }
  if (sent.failure.kind !== "not-found") return sent;
  const tag = `${parsed.algorithm}-${parsed.encoded}`;
  const fallback = await getManifest(transport, { domain: repo.domain, path: repo.path, tag }, { accept: [indexType] });
  if (!fallback.ok) return fallback.failure.kind === "not-found" ? success([]) : fallback;
  return descriptorsOf(fallback.value.bytes);
}

function descriptorsOf(bytes: Uint8Array): RegistryResult<ReferrerDescriptor[]> {
  try {
    const index = JSON.parse(Buffer.from(bytes).toString("utf8")) as { manifests?: unknown };
    const list = Array.isArray(index.manifests) ? index.manifests : [];
    return success(
      list.filter(
        (d): d is ReferrerDescriptor =>
          typeof d?.mediaType === "string" && typeof d?.digest === "string" && Number.isSafeInteger(d?.size),
      ),
    );
  } catch {
    return failed("protocol", "the referrers index is not valid JSON");
  }
}
