/**
 * @module
 * Who is asking and what they ask for: the principal an authenticated
 * request acts as, and the accesses (Docker token scopes) a request needs.
 * Shared by the accounts services and the HTTP authorization seam.
 */
import type { ScopePattern } from "./scope-pattern.ts";

/** An action on a resource, as in Docker token scopes. */
export type Action = "pull" | "push" | "delete" | "*";

/** A resource and the actions a request needs on it (`repository:<name>:pull,push`). */
export interface Access {
  readonly type: "repository" | "registry";
  readonly name: string;
  readonly actions: readonly Action[];
}

/** The identity a request acts as. `name` is what audit logs and tokens show. */
export type Principal =
  | { readonly kind: "anonymous"; readonly name: "anonymous" }
  | { readonly kind: "user"; readonly name: string; readonly userId: number; readonly isAdmin: boolean }
  | {
      readonly kind: "token";
      readonly name: string;
      readonly userId: number;
      readonly isAdmin: boolean;
      readonly tokenId: number;
      readonly tokenName: string;
      readonly scopes: readonly ScopePattern[];
      /** True when the token may use the management API as its owner. */
      readonly api: boolean;
    }
  | {
      readonly kind: "robot";
      readonly name: string;
      readonly robotId: number;
      readonly orgId: number;
      readonly scopes: readonly ScopePattern[];
    }
  | {
      /** A customer's license (its id is both username and password); it may only pull what it is entitled to. */
      readonly kind: "license";
      /** `license:<customer>`, as audit logs show it. */
      readonly name: string;
      /** The license's row id (never the secret license id). */
      readonly licenseId: number;
      /** The license's public, non-secret handle (`lic_…`). */
      readonly publicId: string;
      readonly customer: string;
      readonly appSlug: string;
      /** Entitlement patterns: `<app-slug>/<path>` and `<registry-short-name>/<path>`, `*` wildcards. */
      readonly entitlements: readonly string[];
      /** The release channel the license follows (`stable`, `beta`, …); null or absent: the default channel. */
      readonly channel?: string | null;
    };

/** The principal of a request with no credentials. */
export const anonymous: Principal = { kind: "anonymous", name: "anonymous" };
