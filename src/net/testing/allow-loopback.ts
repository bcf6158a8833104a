/**
 * @module
 * The one place tests allow loopback targets. Since the outbound guard
 * refuses loopback by default, tests that talk to a registry on 127.0.0.1
 * (Debian's docker-registry, a Wharf under test, a tiny node:http server)
 * say so explicitly, with these ranges — as `outbound.allow` of a server,
 * or as the guard of a registry client.
 */
import { createOutboundGuard } from "../create-outbound-guard.ts";
import type { OutboundGuard } from "../outbound-guard.ts";

/** Loopback in both families: what tests put in `outbound.allow`. */
export const loopbackCidrs: readonly string[] = ["127.0.0.0/8", "::1/128"];

/** A guard that also allows {@link loopbackCidrs}. */
export const allowLoopback: OutboundGuard = createOutboundGuard({ allow: loopbackCidrs });
