/**
 * @module
 * Caps open connections, in all and per client address, so one client
 * cannot take every socket and file descriptor the process has. A
 * connection over a cap is closed as it arrives, before a byte is read:
 * answering it would cost what the cap is there to save.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { HttpLimits } from "./http-limits.ts";

/**
 * Applies `limits` to `server` (before it listens). `onRefused` hears each
 * connection closed by the per-address cap (the global cap is Node's own
 * `maxConnections`, whose refusals the server reports as `drop` events).
 * The per-address count uses the socket's peer address: behind a reverse
 * proxy every connection comes from the proxy, so raise the cap there.
 */
export function limitConnections(
  server: Server,
  limits: Pick<HttpLimits, "maxConnections" | "maxConnectionsPerAddress">,
  onRefused: (address: string) => void,
): void {
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      onRefused(address);
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
