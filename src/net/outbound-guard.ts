/**
 * @module
 * The contract of the outbound guard: before Wharf opens a connection to
 * another host for a user (a pull-secret check, the proxy, an external
 * registry, an airgap push), the guard resolves the host and says whether
 * it may be reached, and the connection then goes only to the addresses it
 * checked — so a DNS answer that changes between check and connect
 * (rebinding) cannot steer the request inside.
 */
import type { LookupFunction } from "node:net";

/** An address the guard checked and allows, in `dns.lookup` form. */
export interface CheckedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Why a URL may not be reached; `message` is one sentence saying how to allow it. */
export interface OutboundRefusal {
  /** The host as the URL names it (`127.0.0.1`, `[::1]`, `metadata.internal`). */
  readonly host: string;
  /** The refused address (the first one, when a name resolved to several), or the scheme. */
  readonly address: string;
  /**
   * E.g. "127.0.0.1 is a loopback address; to allow it add its CIDR to
   * outbound.allow in the config (WHARF_OUTBOUND__ALLOW)".
   */
  readonly message: string;
}

/** The guard's answer for one URL. */
export type OutboundDecision =
  | {
      readonly outcome: "allowed";
      /** Only the allowed addresses, in resolver order. */
      readonly addresses: readonly CheckedAddress[];
      /**
       * Pass as `lookup` to `http.request`/`https.request`/`net.connect`: it
       * answers with `addresses` whatever name it is asked, so the
       * connection goes where the check said, while the Host header and
       * TLS server name still carry the URL's host name.
       */
      readonly lookup: LookupFunction;
    }
  | { readonly outcome: "refused"; readonly refusal: OutboundRefusal }
  /** The name did not resolve (ENOTFOUND, a resolver timeout): the resolver's error. */
  | { readonly outcome: "unresolved"; readonly error: Error };

/** Decides where Wharf may connect. */
export interface OutboundGuard {
  /**
   * Checks `url` (call again for every redirect hop). Refused: schemes
   * other than http and https, and hosts whose addresses are all special
   * (see classifyAddress) and outside the allow list. A name that resolves
   * to some allowed and some refused addresses is allowed, and only the
   * allowed ones are used. Never rejects.
   */
  check(url: URL): Promise<OutboundDecision>;
}
