/**
 * @module
 * A small HTTP forwarder on a loopback port in front of a real upstream
 * registry, for the proxy's tests: it records every request line (so a test
 * counts what reached the upstream), and can be switched to answer 429 with
 * Retry-After (a rate-limiting registry) or to stop listening (a registry
 * that went down) and listen again on the same port.
 */
import { createServer, request, type Server } from "node:http";
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
    });
  }

  await forwarder.resume();
  return forwarder;
}
