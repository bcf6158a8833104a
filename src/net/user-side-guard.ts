/**
 * @module
 * The guard for commands a person runs on their own machine (`wharf
 * rewrite`, `wharf airgap`): they reach exactly what that person could reach
 * with curl, so nothing is refused. The server never uses it — there a
 * request made for a user must not reach the server's own network.
 */
import { createOutboundGuard } from "./create-outbound-guard.ts";
import type { OutboundGuard } from "./outbound-guard.ts";

/** Allows every address (DNS answers are still pinned for each connection). */
export const userSideGuard: OutboundGuard = createOutboundGuard({ allow: ["0.0.0.0/0", "::/0"] });
