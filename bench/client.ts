/**
 * @module
 * The one HTTP client every registry is measured with: `node:http` over a
 * keep-alive Agent, request bodies streamed (Buffer or Readable), response
 * bodies either kept (small) or counted and discarded (blobs).
 */
import http from "node:http";
import type { Readable } from "node:stream";

/** A keep-alive connection pool to one registry. */
export interface Client {
  readonly base: URL;
  readonly agent: http.Agent;
  /** Sent with every request (Authorization: Bearer … for Wharf+auth). */
  readonly headers: Readonly<Record<string, string>>;
}

export type Body = Buffer | Readable;

export interface Call {
  readonly method: string;
  /** A path (`/v2/...`) or an absolute URL (a Location header). */
  readonly target: string;
  readonly headers?: Record<string, string>;
  readonly body?: Body;
  /** Count the response body and throw it away instead of keeping it. */
  readonly discard?: boolean;
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body, unless discarded (error bodies are always kept). */
  readonly body: Buffer;
  /** Bytes of body received. */
  readonly bytes: number;
}

const IDLE_TIMEOUT_MS = 120_000;
const MAX_SOCKETS = 64;

export function createClient(baseUrl: string, headers: Record<string, string> = {}): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  return { base: new URL(baseUrl), agent, headers };
}

export function closeClient(client: Client): void {
  client.agent.destroy();
}

/** Sends one request and resolves with the complete response. */
export function send(client: Client, call: Call): Promise<Reply> {
  const url = new URL(call.target, client.base);
  const headers = { ...client.headers, ...call.headers };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: call.method, agent: client.agent, headers }, (res) => {
      collect(res, call.discard === true).then(resolve, reject);
    });
    req.setTimeout(IDLE_TIMEOUT_MS, () => {
      req.destroy(new Error(`${call.method} ${url.pathname}: no progress for 120 s`));
    });
    req.on("error", reject);
    writeBody(req, call.body);
  });
}

function writeBody(req: http.ClientRequest, body: Body | undefined): void {
  if (body === undefined || Buffer.isBuffer(body)) {
    req.end(body);
    return;
  }
  body.on("error", (err) => req.destroy(err));
  req.on("close", () => body.destroy());
  body.pipe(req);
}

function collect(res: http.IncomingMessage, discard: boolean): Promise<Reply> {
  const keep = !discard || (res.statusCode ?? 0) >= 400;
  const chunks: Buffer[] = [];
  let bytes = 0;
  return new Promise((resolve, reject) => {
    res.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (keep) chunks.push(chunk);
    });
    res.on("error", reject);
    res.on("end", () => {
      const status = res.statusCode ?? 0;
      resolve({ status, headers: res.headers, body: Buffer.concat(chunks), bytes });
    });
  });
}

/** Throws a readable error unless the reply has one of the expected statuses. */
export function expectStatus(reply: Reply, expected: number, what: string): Reply {
  if (reply.status === expected) return reply;
  const text = reply.body.toString("utf8").replace(/\s+/g, " ").trim().slice(0, 300);
  throw new Error(`${what}: HTTP ${reply.status} (expected ${expected})${text ? `: ${text}` : ""}`);
}
