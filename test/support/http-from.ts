/**
 * @module
 * HTTP requests sent from a chosen loopback source address (any of
 * 127.0.0.0/8 on Linux), so the simulated clients of one test each have an
 * address of their own. Wharf rate-limits failed logins per client address
 * (30 per 15 minutes): a test that deliberately presents many bad
 * credentials would otherwise get every other client on 127.0.0.1 refused
 * with 429, and prove nothing about what it meant to test.
 */
import { request } from "node:http";

/** A finished response, body read. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** What to send. */
export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** Sends one request to `url` from `localAddress` and reads the whole answer. */
export function requestFrom(localAddress: string, url: string, init: HttpRequest = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: init.method ?? "GET",
        headers: {
          ...init.headers,
          ...(init.body === undefined ? {} : { "content-length": String(Buffer.byteLength(init.body)) }),
        },
        localAddress,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.once("error", reject);
        res.once("end", () => {
          const headers = new Headers();
          for (let n = 0; n + 1 < res.rawHeaders.length; n += 2)
            headers.append(res.rawHeaders[n]!, res.rawHeaders[n + 1]!);
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    req.once("error", reject);
    req.end(init.body);
  });
}
