/**
 * @module
 * The values Wharf injects into a chart for one license, under
 * `global.wharf` (Helm passes `global` to every subchart). The names and
 * types are documented in the README ("Helm charts"); change them only
 * together with that table, since chart templates depend on them.
 */
import type { LicenseFacts } from "../licensing/license-facts.ts";

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
  /** Custom license fields (none are defined yet: always an empty map). */
  readonly licenseFields: Readonly<Record<string, unknown>>;
  /** The registry host customers pull from, e.g. `registry.example.com`. */
  readonly imageRegistry: string;
  /** `<imageRegistry>/proxy/<app>`: prefix of proxied images (`<proxyPrefix>/<upstream>/<path>`). */
  readonly proxyPrefix: string;
  /** `<imageRegistry>/<app>`: prefix of the application's own images. */
  readonly appPrefix: string;
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
    licenseFields: {},
    imageRegistry: registry,
    proxyPrefix: `${registry}/proxy/${facts.app}`,
    appPrefix: `${registry}/${facts.app}`,
  };
}
