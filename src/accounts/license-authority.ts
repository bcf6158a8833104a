/**
 * @module
 * The seam through which accounts learn about customer licenses without
 * depending on the licensing module: the credential verifier asks it to
 * authenticate a license id and to re-resolve a license principal (on every
 * request, so revocation and expiry bite at once), and the permission
 * resolver asks it what a license may pull. `licensing/` implements it;
 * without one, license ids are unknown credentials and licenses get nothing.
 */
import type { Principal } from "./access.ts";

/** The principal of a license. */
export type LicensePrincipal = Extract<Principal, { kind: "license" }>;

/** What accounts need from licensing. */
export interface LicenseAuthority {
  /** True when `secret` has the shape of a license id (then it is neither rate-limited nor tried as a password). */
  recognizes(secret: string): boolean;
  /**
   * The principal for a license id presented as `username` and `secret`
   * (`secret` is the license id; `username` the id or the customer's
   * e-mail address); undefined when unknown, revoked or expired. Never
   * throws for bad input.
   */
  authenticate(username: string, secret: string): Promise<LicensePrincipal | undefined>;
  /** The current principal of license row `id`; undefined when deleted, revoked or expired. */
  principalOf(id: number): Promise<LicensePrincipal | undefined>;
  /** True when `principal` may pull `repository` (its app's own images or proxied external ones it is entitled to). */
  canPull(principal: LicensePrincipal, repository: string): Promise<boolean>;
}
