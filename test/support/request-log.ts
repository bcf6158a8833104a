/**
 * @module
 * Reads Wharf's own request log (one JSON line per finished request, written
 * by the HTTP edge at level info) out of a test process's output, so a test
 * can check which requests a real client made — e.g. that skopeo mounted a
 * layer instead of uploading it again.
 */

/** One finished request as logged by Wharf. */
export interface LoggedRequest {
  readonly method: string;
  /** The raw request target: path and query, URL-encoded as sent. */
  readonly path: string;
  readonly status: number;
  /** The client address Wharf logged (the peer, or the client behind a trusted proxy). */
  readonly remote?: string;
}

/** Every request line in `output`, in the order they finished. */
export function loggedRequests(output: string): LoggedRequest[] {
  const requests: LoggedRequest[] = [];
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as Partial<LoggedRequest> & { msg?: string };
      if (
        entry.msg === "request" &&
        typeof entry.method === "string" &&
        typeof entry.path === "string" &&
        typeof entry.status === "number"
      ) {
        requests.push({ method: entry.method, path: entry.path, status: entry.status, remote: entry.remote });
      }
    } catch {
      // Not a log line (or a line cut by a crash): ignore it.
    }
  }
  return requests;
}

/** The query parameters of a logged request's path. */
export function queryOf(request: LoggedRequest): URLSearchParams {
  const at = request.path.indexOf("?");
  return new URLSearchParams(at < 0 ? "" : request.path.slice(at + 1));
}

/**
 * Waits until `output()` logs a request matching `predicate` (Wharf writes the
 * line after the response, so a client may exit before it arrives); returns
 * every request logged by then. Fails after `timeoutMs`.
 */
export async function waitForRequest(
  output: () => string,
  predicate: (request: LoggedRequest) => boolean,
  timeoutMs = 10_000,
): Promise<LoggedRequest[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const requests = loggedRequests(output());
    if (requests.some(predicate)) return requests;
    if (Date.now() > deadline) throw new Error("the expected request was never logged");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
