/**
 * @module
 * A small client for the management API in tests. It remembers every
 * response body it saw and every secret the test registered (passwords,
 * tokens, robot secrets, with the response allowed to show each), so a test
 * can prove that no answer ever leaked a secret except its own creation.
 */
import assert from "node:assert/strict";

/** The decoded outcome of one call. */
export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON fields
  readonly body: any;
}

/** Credentials for a call: `[username, password or token]`. */
export type Credentials = readonly [string, string];

/** Options of one call. */
export interface CallOptions {
  readonly as?: Credentials;
  readonly body?: unknown;
  /** A raw body (sent as is), for malformed-input tests. */
  readonly raw?: string;
}

/** A recording management API client for `base`. */
export function createManagementClient(base: string) {
  const seen: { label: string; text: string }[] = [];
  const secrets = new Map<string, string | undefined>();

  async function call(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer> {
    const headers: Record<string, string> = {};
    if (options.as)
      headers.authorization = `Basic ${Buffer.from(`${options.as[0]}:${options.as[1]}`).toString("base64")}`;
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: payload });
    const text = await res.text();
    const label = `${method} ${path} #${seen.length}`;
    seen.push({ label, text });
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, text, body };
  }

  return {
    call,
    /** Calls and asserts the status; returns the answer. */
    async expect(status: number, method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer> {
      const answer = await call(method, path, options);
      assert.equal(answer.status, status, `${method} ${path}: ${answer.text}`);
      return answer;
    },
    /** Calls and asserts an error envelope with `status` and `code`; returns the message. */
    async refuse(status: number, code: string, method: string, path: string, options: CallOptions = {}) {
      const answer = await call(method, path, options);
      assert.equal(answer.status, status, `${method} ${path}: ${answer.text}`);
      assert.equal(answer.body?.errors?.[0]?.code, code, answer.text);
      return answer.body.errors[0].message as string;
    },
    /** Registers a secret; `shownBy` is the label of the one answer allowed to contain it (the last one by default). */
    secret(value: string, shownBy: string | undefined = seen.at(-1)?.label): void {
      secrets.set(value, shownBy);
    },
    /** Every (secret, answer) pair where an answer other than the secret's creation contained it. */
    leaks(): string[] {
      const found: string[] = [];
      for (const [secret, allowed] of secrets) {
        for (const { label, text } of seen) {
          if (label !== allowed && text.includes(secret)) found.push(`${label} contains ${secret.slice(0, 14)}…`);
        }
      }
      return found;
    },
    /** The secrets registered so far. */
    secrets: () => [...secrets.keys()],
  };
}
