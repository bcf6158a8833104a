/**
 * @module
 * A real webhook receiver for end-to-end tests: an HTTP server on a loopback
 * port that keeps every request (headers and raw body) and answers each with
 * the next status of its queue (204 when the queue is empty).
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got. */
export interface ReceivedHook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status the receiver answered. */
  readonly status: number;
}

/** A running receiver. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedHook[];
  /** Answers the next requests with these statuses, in order. */
  answer(...statuses: number[]): void;
  /** Resolves with the first request (already received or to come) that `match` accepts. */
  waitFor(match: (hook: ReceivedHook) => boolean): Promise<ReceivedHook>;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (an ephemeral port). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const queue: number[] = [];
  const waiters: { match: (hook: ReceivedHook) => boolean; done: (hook: ReceivedHook) => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const hook = { headers: req.headers, body: Buffer.concat(chunks).toString(), status: queue.shift() ?? 204 };
      received.push(hook);
      res.statusCode = hook.status;
      res.end();
      for (const w of [...waiters]) {
        if (!w.match(hook)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.done(hook);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (...statuses) => queue.push(...statuses),
    waitFor(match) {
      const found = received.find(match);
      return found ? Promise.resolve(found) : new Promise((done) => waiters.push({ match, done }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
