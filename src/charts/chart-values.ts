/**
 * @module
 * The values Wharf injects into a chart for one license, under
 * `global.wharf` (Helm passes `global` to every subchart). The names and
 * types are documented in the README ("Helm charts"); change them only
 * together with that table, since chart templates depend on them.
 */
import type { LicenseFacts } from "../licensing/license-facts.ts";
import { renderDockerConfigJson } from "../secrets/render-docker-config.ts";

/** `global.wharf` for one license. */
export interface WharfValues {
  readonly customerName: string;
  /** Empty when the customer has no e-mail address. */
  readonly customerEmail: string;
  /** The license's public handle (`lic_…`), never the secret id. */
  readonly licenseId: string;
  /** ISO time; empty for a license that never expires. */
  readonly expiresAt: string;
  readonly channel: string;
  readonly entitlements: readonly string[];
  /** Custom license fields the license sets, typed (integer, string, boolean; enum and secret as strings). */
  readonly licenseFields: Readonly<Record<string, unknown>>;
  /** The registry host customers pull from, e.g. `registry.example.com`. */
  readonly imageRegistry: string;
  /** `<imageRegistry>/proxy/<app>`: prefix of proxied images (`<proxyPrefix>/<upstream>/<path>`). */
  readonly proxyPrefix: string;
  /** `<imageRegistry>/<app>`: prefix of the application's own images. */
  readonly appPrefix: string;
  /**
   * base64 of a `.dockerconfigjson` with the license id as username and
   * password for `imageRegistry` (the `data` of a kubernetes.io/dockerconfigjson
   * Secret); "" for licenses whose id Wharf does not keep.
   */
  readonly dockerconfigjson: string;
}

function dockerConfig(registry: string, id: string): string {
  const json = renderDockerConfigJson([{ kind: "password", registryKey: registry, username: id, password: id }]);
  return Buffer.from(json, "utf8").toString("base64");
}

/** The values for `facts`, pulled through registry host `registry` (`host[:port]`). Same input, same output. */
export function wharfValues(facts: LicenseFacts, registry: string): WharfValues {
  return {
    customerName: facts.customer,
    customerEmail: facts.email ?? "",
    licenseId: facts.licenseId,
    expiresAt: facts.expiresAt ?? "",
    channel: facts.channel,
    entitlements: [...facts.entitlements],
    licenseFields: { ...facts.fields },
    imageRegistry: registry,
    proxyPrefix: `${registry}/proxy/${facts.app}`,
    appPrefix: `${registry}/${facts.app}`,
    dockerconfigjson: facts.secretId === undefined ? "" : dockerConfig(registry, facts.secretId),
  };
}
