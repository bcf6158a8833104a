/**
 * @module
 * A small HTTP forwarder on a loopback port in front of a real upstream
 * registry, for the proxy's tests: it records every request line (so a test
 * counts what reached the upstream), and can be switched to answer 429 with
 * Retry-After (a rate-limiting registry), to hold blob downloads until the
 * test lets them go, or to stop listening (a registry
 * that went down) and listen again on the same port.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the forwarder answers. */
export type ForwarderMode = "forward" | "rate-limit";

/** A running forwarder. */
export interface UpstreamForwarder {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  /** `METHOD /path -> status` of every request answered, in order. */
  readonly requests: string[];
  mode: ForwarderMode;
  /**
   * While set, blob GETs wait for this promise before they are forwarded
   * (a test lines up concurrent cold pulls behind one slow download).
   */
  holdBlobs: Promise<void> | undefined;
  /** Stops listening (connections are refused) until {@link resume}. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a forwarder to `target` (`host:port`). */
export async function startForwarder(target: string): Promise<UpstreamForwarder> {
  const [targetHost, targetPort] = target.split(":") as [string, string];
  const requests: string[] = [];
  let server: Server | undefined;
  let port = 0;
  const forwarder = {
    host: "",
    requests,
    mode: "forward" as ForwarderMode,
    holdBlobs: undefined as Promise<void> | undefined,
    async pause() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    async resume() {
      server = listen();
      await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", () => resolve()));
      port = (server.address() as AddressInfo).port;
      forwarder.host = `127.0.0.1:${port}`;
    },
    close: () => forwarder.pause(),
  };

  function listen(): Server {
    return createServer((req, res) => {
      if (forwarder.mode === "rate-limit") {
        requests.push(`${req.method} ${req.url} -> 429`);
        res.writeHead(429, { "content-type": "application/json", "retry-after": "120" });
        res.end(JSON.stringify({ errors: [{ code: "TOOMANYREQUESTS", message: "upstream pull limit for acme" }] }));
        req.resume();
        return;
      }
      const held = req.method === "GET" && /\/blobs\/sha256:/.test(req.url ?? "") ? forwarder.holdBlobs : undefined;
      if (held) {
        held.then(() => forward(req, res));
        return;
      }
      forward(req, res);
    });
  }

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const outgoing = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      (incoming) => {
        requests.push(`${req.method} ${req.url} -> ${incoming.statusCode}`);
        res.writeHead(incoming.statusCode ?? 502, incoming.headers);
        incoming.pipe(res);
      },
    );
    outgoing.on("error", () => res.destroy());
    req.pipe(outgoing);
  }

  await forwarder.resume();
  return forwarder;
}
