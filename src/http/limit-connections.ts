/**
 * @module
 * Caps open connections, in all and per client address, so one client
 * cannot take every socket and file descriptor the server has. A
 * connection over a cap is closed as it arrives, before a byte is read:
 * answering it would cost what the cap is there to save. With
 * `server.workers` the caps are for the whole server: each worker checks
 * its own counts first, then asks the primary, which counts every
 * worker's connections ({@link SharedConnectionCounts}); the connection is
 * served, or closed unread, once the answer arrives (one IPC round trip).
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { HttpLimits } from "./http-limits.ts";

/** Which cap refused a connection. */
export type ConnectionCap = "maxConnections" | "maxConnectionsPerAddress";

/** Connection counts shared by the processes of one server (the cluster's primary keeps them). */
export interface SharedConnectionCounts {
  /** Counts a connection from `address`, or names the cap of the whole server it would pass. */
  admit(address: string): Promise<ConnectionCap | undefined>;
  /** A counted connection from `address` closed. */
  release(address: string): void;
}

/**
 * Applies `limits` to `server` (before it listens). `onRefused` hears each
 * connection closed by the per-address cap, or by a cap of the whole server
 * (`shared`); the process's own global cap is Node's `maxConnections`,
 * whose refusals the server reports as `drop` events. The per-address count
 * uses the socket's peer address: behind a reverse proxy every connection
 * comes from the proxy, so raise the cap there.
 */
export function limitConnections(
  server: Server,
  limits: Pick<HttpLimits, "maxConnections" | "maxConnectionsPerAddress">,
  onRefused: (address: string, cap: ConnectionCap) => void,
  shared?: SharedConnectionCounts,
): void {
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  // With shared counts, the server's own handling of a connection (TLS, the
  // HTTP parser) starts only once the primary admitted it; until then its
  // bytes wait in the socket, unread.
  const serve = shared ? server.listeners("connection") : [];
  if (shared) server.removeAllListeners("connection");
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      onRefused(address, "maxConnectionsPerAddress");
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
    if (!shared) return;
    // A reset while waiting must not become an unhandled error.
    const dropped = () => socket.destroy();
    socket.on("error", dropped);
    const hand = () => {
      socket.off("error", dropped);
      if (socket.destroyed) return;
      for (const listener of serve) listener.call(server, socket);
    };
    shared.admit(address).then(
      (refusedBy) => {
        if (refusedBy !== undefined) {
          onRefused(address, refusedBy);
          socket.destroy();
          return;
        }
        if (socket.destroyed) shared.release(address);
        else socket.once("close", () => shared.release(address));
        hand();
      },
      // Without an answer (the primary is gone and this worker is ending) the local caps stand.
      hand,
    );
  });
}
