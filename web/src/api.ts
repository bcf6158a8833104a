/**
 * @module
 * The portal's only way to the server: the management API at `/api/v1`, the
 * same one the CLI uses. The session cookie authenticates; every call that
 * changes something carries the CSRF token from the `wharf_csrf` cookie.
 */

/** An API error with the server's message (what to do next). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function csrfToken(): string {
  const found = document.cookie.split("; ").find((c) => c.startsWith("wharf_csrf="));
  return found ? found.slice("wharf_csrf=".length) : "";
}

/** Calls `method path` under `/api/v1` with an optional JSON body; the JSON answer, or undefined for 204. */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, "the server did not answer: check that Wharf is running, then try again");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(res.status, `unexpected answer (${res.status}); try again or check the server log`);
  }
  if (!res.ok) {
    const errors = (value as { errors?: { message?: string }[] }).errors;
    throw new ApiError(res.status, errors?.[0]?.message ?? `request failed (${res.status})`);
  }
  return value as T;
}

/** Encodes a path segment. */
export const seg = encodeURIComponent;
