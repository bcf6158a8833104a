/**
 * @module
 * One HTTP/1.1 GET whose body is read into a reused buffer: the exchange
 * blob downloads take. node:http's client allocates a new buffer for every
 * socket read, and in a server with a real heap those buffers (external
 * memory) make V8 run a full garbage collection every few MiB — measured at
 * about 250 ms of CPU per 128 MiB layer, more than hashing it. Here the
 * socket reads into one buffer (`onread`, for TCP and for TLS) and the body
 * is handed on as views of it ({@link BulkBody.tap}), or as copies to a
 * plain stream reader (error bodies, redirects). The connection is closed
 * after the response (`connection: close`): blobs are large, a handshake is
 * not. Framing: Content-Length, chunked, or until the server closes.
 */
import type { IncomingHttpHeaders } from "node:http";
import { type LookupFunction, connect as netConnect, type Socket } from "node:net";
import { Readable } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import { RequestTimeoutError } from "./classify-network-error.ts";
import type { HttpRequest } from "./send-request.ts";

/** Bytes of one socket read. */
const readBytes = 256 * 1024;
/** The largest status line plus headers accepted (node:http's default limit). */
const maxHeadBytes = 16 * 1024;

/** Receives body bytes as views that are valid only during the call. */
export interface BodySink {
  /** Copy or consume `view` now; return false to pause the body until {@link BodyTap.resume}. */
  data(view: Buffer): boolean;
  /** The body is complete. */
  end(): void;
  /** The body failed (connection lost, timeout, bad framing). */
  error(error: Error): void;
}

/** The control a sink has over the body it taps. */
export interface BodyTap {
  resume(): void;
  destroy(error?: Error): void;
}

/** A response as the send loop needs it (the part of IncomingMessage it reads). */
export interface BulkResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: BulkBody;
}

/** An HTTP protocol violation; `code` makes classifyNetworkError call it `protocol`. */
class ResponseError extends Error {
  readonly code = "HPE_INVALID_RESPONSE";
}

/** The connection ended too early (`unreachable`, as node:http's reset). */
class ConnectionLostError extends Error {
  readonly code = "ECONNRESET";
}

type Framing = { kind: "length"; left: number } | ({ kind: "chunked" } & ChunkedState) | { kind: "close" };

/**
 * The body of a {@link bulkExchange}. Read it as a stream (each chunk a
 * copy) or {@link tap} it (views of the reused read buffer, no copy), never
 * both. Destroying it closes the connection.
 */
export class BulkBody extends Readable {
  #mode: "waiting" | "stream" | "tap" = "waiting";
  #sink: BodySink | undefined;
  /** Bytes that arrived (with the head) before a reader chose a mode. */
  #early: Buffer[] = [];
  #outcome: { error?: Error } | undefined;
  #pausedByStream = false;
  readonly #socket: Socket;

  constructor(socket: Socket) {
    super({ highWaterMark: readBytes });
    this.#socket = socket;
  }

  /** True once the framing said the body ended (or it failed). */
  get done(): boolean {
    return this.#outcome !== undefined;
  }

  /** Hands the body to `sink` instead of the stream interface. */
  tap(sink: BodySink): BodyTap {
    if (this.#mode !== "waiting" || this.destroyed) throw new Error("BulkBody.tap: the body is already being read");
    this.#mode = "tap";
    this.#sink = sink;
    let flowing = true;
    for (const chunk of this.#early.splice(0)) flowing = sink.data(chunk) && flowing;
    if (this.#outcome) this.#settle(this.#outcome.error);
    else if (flowing) this.#socket.resume();
    return { resume: () => this.#socket.resume(), destroy: (error) => this.destroy(error) };
  }

  /** @internal Bytes of the body, from the parser. */
  deliver(view: Buffer): void {
    if (this.#mode === "tap") {
      if (!this.#sink!.data(view)) this.#socket.pause();
    } else if (this.#mode === "stream") {
      if (!this.push(Buffer.from(view))) {
        this.#pausedByStream = true;
        this.#socket.pause();
      }
    } else {
      this.#early.push(Buffer.from(view));
      this.#socket.pause();
    }
  }

  /** @internal The body ended (or failed) according to its framing, or the connection was lost. */
  finish(error?: Error): void {
    if (this.#outcome || this.destroyed) return;
    this.#outcome = error ? { error } : {};
    if (this.#mode !== "waiting") this.#settle(error);
  }

  #settle(error: Error | undefined): void {
    if (this.#mode === "tap") {
      if (error) this.#sink!.error(error);
      else this.#sink!.end();
      this.destroy();
    } else if (error) this.destroy(error);
    else {
      this.push(null);
      this.#socket.destroy();
    }
  }

  override _read(): void {
    if (this.#mode === "waiting") {
      this.#mode = "stream";
      for (const chunk of this.#early.splice(0)) this.push(chunk);
      if (this.#outcome) this.#settle(this.#outcome.error);
      else this.#socket.resume();
      return;
    }
    if (!this.#pausedByStream) return;
    this.#pausedByStream = false;
    this.#socket.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.destroy();
    callback(error);
  }
}

/**
 * Sends `request` (a GET without body) over a connection of its own,
 * dialing only what `lookup` answers, and resolves with the status and
 * headers once they arrived; rejects when no response came (connection,
 * TLS, timeout, or a malformed head).
 */
export function bulkExchange(request: HttpRequest, lookup: LookupFunction): Promise<BulkResponse> {
  const { url } = request;
  const secure = url.protocol === "https:";
  const port = Number(url.port || (secure ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const buffer = Buffer.allocUnsafe(readBytes);
  return new Promise((resolve, reject) => {
    let head: Buffer | undefined = Buffer.alloc(0);
    let framing: Framing = { kind: "close" };
    let body: BulkBody | undefined;
    const fail = (error: Error) => {
      if (body) body.finish(error);
      else reject(error);
      socket.destroy();
    };
    const onread = {
      buffer,
      callback(bytes: number, read: Uint8Array): boolean {
        const view = Buffer.from(read.buffer, read.byteOffset, bytes);
        try {
          if (head) return parseHead(view);
          return parseBody(view);
        } catch (error) {
          fail(error as Error);
          return false;
        }
      },
    };
    const options = { host, port, lookup, onread, noDelay: true };
    const socket = secure
      ? tlsConnect({ ...options, servername: isIp(host) ? "" : host, ALPNProtocols: ["http/1.1"] })
      : netConnect(options);

    /** Collects the head; on its end resolves and hands the rest to the body. */
    function parseHead(view: Buffer): boolean {
      const seen = head!.length;
      const joined = seen === 0 ? view : Buffer.concat([head!, view]);
      const end = joined.indexOf("\r\n\r\n", Math.max(0, seen - 3));
      if (end < 0) {
        if (joined.length > maxHeadBytes) throw new ResponseError(`response headers larger than ${maxHeadBytes} bytes`);
        head = Buffer.from(joined);
        return true;
      }
      const parsed = parseResponseHead(joined.toString("latin1", 0, end));
      const rest = joined.subarray(end + 4);
      if (parsed.statusCode < 200) {
        head = Buffer.alloc(0);
        return rest.length === 0 ? true : parseHead(Buffer.from(rest));
      }
      head = undefined;
      framing = framingOf(parsed.statusCode, parsed.headers);
      body = new BulkBody(socket);
      // The body waits for its reader: nothing is read until it taps or flows.
      socket.pause();
      resolve({ ...parsed, body });
      if (rest.length > 0) parseBody(rest);
      if (framing.kind === "length" && framing.left === 0) body.finish();
      return false;
    }

    /** Hands body bytes on according to the framing; false pauses reading. */
    function parseBody(view: Buffer): boolean {
      const target = body!;
      if (framing.kind === "close") {
        target.deliver(view);
      } else if (framing.kind === "length") {
        if (view.length > framing.left) throw new ResponseError("more body bytes than Content-Length");
        framing.left -= view.length;
        if (view.length > 0) target.deliver(view);
        if (framing.left === 0) target.finish();
      } else {
        parseChunked(framing, view, target);
      }
      return !socket.isPaused();
    }

    socket.setTimeout(request.timeoutMs, () => fail(new RequestTimeoutError(request.timeoutMs)));
    socket.on("error", fail);
    socket.on("end", () => {
      if (!body) fail(new ConnectionLostError("the connection closed before a response"));
      else if (framing.kind === "close") body.finish();
      else body.finish(new ConnectionLostError("the connection closed before the body ended"));
    });
    socket.on("close", () => {
      if (!body) reject(new ConnectionLostError("the connection closed before a response"));
      else body.finish(new ConnectionLostError("the connection closed before the body ended"));
    });
    socket.once(secure ? "secureConnect" : "connect", () => {
      socket.write(requestHead(request));
    });
  });
}

/** Where a chunked body is: a size line, data, the CRLF after data, or the trailer lines. */
interface ChunkedState {
  phase: "size" | "data" | "crlf" | "trailer";
  left: number;
  line: string;
}

/** Decodes chunked framing, delivering the data of each chunk. */
function parseChunked(state: ChunkedState, view: Buffer, body: BulkBody): void {
  let at = 0;
  while (at < view.length && !body.done) {
    if (state.phase === "data") {
      const take = Math.min(state.left, view.length - at);
      body.deliver(view.subarray(at, at + take));
      state.left -= take;
      at += take;
      if (state.left === 0) state.phase = "crlf";
      continue;
    }
    const newline = view.indexOf(10, at);
    const upTo = newline < 0 ? view.length : newline;
    state.line += view.toString("latin1", at, upTo);
    if (state.line.length > 1024) throw new ResponseError("a chunk framing line longer than 1 KiB");
    at = upTo;
    if (newline < 0) break;
    at += 1;
    const line = state.line.replace(/\r$/, "");
    state.line = "";
    if (state.phase === "crlf") {
      if (line !== "") throw new ResponseError("chunk data longer than its size");
      state.phase = "size";
    } else if (state.phase === "trailer") {
      if (line === "") body.finish();
    } else {
      const digits = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
      if (!digits) throw new ResponseError("an invalid chunk size");
      state.left = Number.parseInt(digits[1]!, 16);
      state.phase = state.left === 0 ? "trailer" : "data";
    }
  }
}

/** The request line and headers (lower-case names, `connection: close`). */
function requestHead(request: HttpRequest): string {
  const lines = [
    `${request.method} ${request.url.pathname}${request.url.search} HTTP/1.1`,
    `host: ${request.url.host}`,
  ];
  for (const [name, value] of Object.entries(request.headers)) {
    if (/[\r\n]/.test(value)) throw new ResponseError(`header ${name} holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  lines.push("connection: close", "", "");
  return lines.join("\r\n");
}

/** Status and headers from the head's text; repeated headers join with ", " (set-cookie as a list). */
export function parseResponseHead(text: string): { statusCode: number; headers: IncomingHttpHeaders } {
  const [statusLine = "", ...lines] = text.split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!status) throw new ResponseError("an invalid status line");
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0 || /\s/.test(line[colon - 1]!)) throw new ResponseError("an invalid header line");
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const known = headers[name];
    if (name === "set-cookie") headers[name] = [...((known as string[] | undefined) ?? []), value];
    else headers[name] = known === undefined ? value : `${known}, ${value}`;
  }
  return { statusCode: Number(status[1]), headers: headers as IncomingHttpHeaders };
}

function framingOf(status: number, headers: IncomingHttpHeaders): Framing {
  if (status === 204 || status === 304) return { kind: "length", left: 0 };
  const coding = headers["transfer-encoding"];
  if (coding !== undefined) {
    if (!/(?:^|,)\s*chunked\s*$/i.test(coding)) throw new ResponseError(`unsupported Transfer-Encoding ${coding}`);
    return { kind: "chunked", phase: "size", left: 0, line: "" };
  }
  const length = headers["content-length"];
  if (length === undefined) return { kind: "close" };
  if (!/^\d+$/.test(length)) throw new ResponseError("an invalid Content-Length");
  return { kind: "length", left: Number(length) };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}
