/**
 * @module
 * What a license holder sees of its own license (the portal's customer view,
 * `GET /api/v1/license/self`): the license's facts, the repositories of the
 * application it is entitled to (images and Helm charts, with their newest
 * tags), the proxied paths its other entitlements open, the releases of its
 * channel with their bundle links, the Kubernetes pull Secret to install
 * and the exact `kubectl` / `helm` lines. Everything is read fresh, so a
 * revoked or expired license gets `denied` on its very next request. The
 * pull secret holds the id the holder presented (its own credential): Wharf
 * keeps only the id's hash.
 */
import type { LicensePrincipal } from "../accounts/license-authority.ts";
import { chartConfigMediaType } from "../charts/chart-media-types.ts";
import type { RepositoryContents } from "../metadata/repository-contents.ts";
import { entitlementCovers } from "./entitlements.ts";
import type { FindLicenseFacts } from "./license-facts.ts";
import { renderLicensePullSecret } from "./license-pull-secret.ts";
import { LicensingError } from "./licensing-error.ts";

/** A release as the holder sees it. */
export interface SelfRelease {
  readonly version: string;
  readonly channels: readonly string[];
  readonly createdAt: string;
  readonly images: readonly { readonly name: string; readonly source: string; readonly digest: string }[];
}

/** What the view is built from. */
export interface LicenseSelfDeps {
  readonly facts: FindLicenseFacts;
  readonly contents: Pick<RepositoryContents, "summaries" | "tagDetails">;
  /** The releases the license's channel sees (the releases service decides). */
  readonly releases: (principal: LicensePrincipal) => Promise<readonly SelfRelease[]>;
}

/** Who asks, with the credential it presented. */
export interface SelfRequest {
  readonly principal: LicensePrincipal;
  /** The license id the request authenticated with (never stored, never logged). */
  readonly licenseId: string;
  /** `host[:port]` customers pull from. */
  readonly registry: string;
  /** The namespace the pull Secret and commands are written for. */
  readonly namespace: string;
}

/** An entitled repository of the application. */
export interface SelfRepository {
  readonly name: string;
  readonly kind: "image" | "chart";
  /** Newest tags first, at most 10. */
  readonly tags: readonly string[];
  readonly pull: string;
}

const maxRepositories = 200;
const maxTags = 10;
/** Tags read per repository to find the newest (tag details are read by name, not by time). */
const maxTagsRead = 200;
const quote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

function isChart(content: Uint8Array): boolean {
  try {
    const manifest = JSON.parse(Buffer.from(content).toString("utf8")) as { config?: { mediaType?: string } };
    return manifest.config?.mediaType === chartConfigMediaType;
  } catch {
    return false;
  }
}

/** Creates the view. */
export function createLicenseSelf(deps: LicenseSelfDeps) {
  async function repositories(principal: LicensePrincipal, registry: string): Promise<SelfRepository[]> {
    const own = principal.entitlements.filter((e) => e.startsWith(`${principal.appSlug}/`));
    const rows = await deps.contents.summaries(principal.appSlug, maxRepositories);
    const found: SelfRepository[] = [];
    for (const row of rows) {
      if (row.tags === 0 || !own.some((pattern) => entitlementCovers(pattern, row.name))) continue;
      const tags = [...((await deps.contents.tagDetails(row.name, maxTagsRead)) ?? [])].sort(
        (a, b) => b.pushedAt - a.pushedAt,
      );
      const kind = tags[0] && isChart(tags[0].content) ? "chart" : "image";
      const pull = kind === "chart" ? `oci://${registry}/${row.name}` : `${registry}/${row.name}`;
      found.push({ name: row.name, kind, tags: tags.slice(0, maxTags).map((t) => t.tag), pull });
    }
    return found;
  }

  return {
    /** The holder's view; LicensingError `denied` when the license is revoked or expired, `invalid` for a bad namespace. */
    async show(request: SelfRequest) {
      const { principal, licenseId, registry, namespace } = request;
      const facts = await deps.facts(principal.licenseId);
      if (facts === undefined) {
        throw new LicensingError(
          "denied",
          "this license is revoked or expired: ask your vendor for a new license, then sign in with it",
        );
      }
      const app = facts.app;
      const secretName = `${app}-registry`;
      const yaml = renderLicensePullSecret({
        name: secretName,
        namespaces: [namespace],
        registry,
        licenseId,
        email: facts.email ?? undefined,
      });
      const repos = await repositories(principal, registry);
      const chart = repos.find((r) => r.kind === "chart");
      const username = facts.email ?? licenseId;
      const proxied = facts.entitlements
        .filter((e) => !e.startsWith(`${app}/`))
        .map((pattern) => ({ pattern, pull: `${registry}/proxy/${app}/${pattern}` }));
      const releases = (await deps.releases(principal)).map((r) => ({
        ...r,
        bundle: `/api/v1/apps/${app}/releases/${encodeURIComponent(r.version)}/bundle`,
      }));
      return {
        license: facts.licenseId,
        app,
        customer: facts.customer,
        email: facts.email,
        channel: facts.channel,
        expiresAt: facts.expiresAt,
        registry,
        entitlements: facts.entitlements,
        repositories: repos,
        proxied,
        releases,
        pullSecret: { name: secretName, namespace, yaml },
        commands: {
          kubectlApply: `kubectl apply -n ${quote(namespace)} -f ${secretName}.yaml`,
          kubectlCreateSecret: [
            `kubectl create secret docker-registry ${secretName} -n ${quote(namespace)}`,
            `--docker-server=${registry} --docker-username=${quote(licenseId)} --docker-password=${quote(licenseId)}`,
            ...(facts.email ? [`--docker-email=${quote(facts.email)}`] : []),
          ].join(" "),
          helmRegistryLogin: `helm registry login ${registry} --username ${quote(username)} --password ${quote(licenseId)}`,
          helmInstall: chart
            ? `helm install ${chart.name.split("/").at(-1)} ${chart.pull}${chart.tags[0] ? ` --version ${chart.tags[0]}` : ""} -n ${quote(namespace)}`
            : null,
        },
      };
    },
  };
}

/** The view's service. */
export type LicenseSelf = ReturnType<typeof createLicenseSelf>;

/** The holder's view, as the API answers it. */
export type LicenseSelfView = Awaited<ReturnType<LicenseSelf["show"]>>;
