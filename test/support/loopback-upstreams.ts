/**
 * @module
 * A Wharf under test whose upstream registries (external registries, the
 * proxy's upstreams) listen on loopback: Debian's docker-registry on
 * 127.0.0.1, or a closed port there. Wharf's outbound guard refuses loopback
 * unless allowed, so such tests start their server here, with the loopback
 * ranges of src/net/testing/allow-loopback.ts in `outbound.allow`.
 */
import { loopbackCidrs } from "../../src/net/testing/allow-loopback.ts";
import { type StartOptions, useWharf, type WharfProcess } from "./start-wharf.ts";

/** useWharf (auth on unless said otherwise) with loopback allowed as an outbound target. */
export function useWharfWithLoopbackUpstreams(options: StartOptions = {}): WharfProcess {
  return useWharf({ auth: true, ...options, outboundAllow: loopbackCidrs });
}
