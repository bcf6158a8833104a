/**
 * @module
 * Answers for requests Node's HTTP parser refuses before any handler runs
 * (headers over `limits.maxHeaderBytes`, a malformed request line): the
 * spec's JSON error envelope with 431 or 400 and `Connection: close`, then
 * a lingering close. Node's default answer destroys the socket right after
 * writing, so a client still sending its oversized headers meets a reset
 * instead of the answer; here the socket's write side is ended, whatever
 * the client still sends is read and dropped, and the socket is destroyed
 * only when the client closes, after `lingerMs`, or after `lingerBytes`.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { errorCodes } from "../errors/error-codes.ts";

/** How long and how much a refused connection is read before it is cut. */
export interface Linger {
  readonly lingerMs: number;
  readonly lingerBytes: number;
}

const defaultLinger: Linger = { lingerMs: 5_000, lingerBytes: 1024 * 1024 };

function answer(code: "REQUEST_HEADERS_TOO_LARGE" | "INVALID_REQUEST", message: string): string {
  const { status } = errorCodes[code];
  const reason = status === 431 ? "Request Header Fields Too Large" : "Bad Request";
  const body = JSON.stringify({ errors: [{ code, message }] });
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** Ends `socket` after writing `text`, reading and dropping what still arrives, within `linger`. */
export function lingerClose(socket: Socket, text: string, linger: Linger = defaultLinger): void {
  let read = 0;
  const cut = () => socket.destroy();
  const timer = setTimeout(cut, linger.lingerMs);
  timer.unref();
  socket.on("data", (chunk: Buffer) => {
    read += chunk.length;
    if (read > linger.lingerBytes) cut();
  });
  socket.once("close", () => clearTimeout(timer));
  socket.once("end", cut);
  socket.resume();
  socket.end(text);
}

/** Installs the answers on `server` (replacing Node's default `clientError` behaviour). */
export function answerClientErrors(server: Server, maxHeaderBytes: number, linger: Linger = defaultLinger): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === "ECONNRESET" || (socket as { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    if (error.code === "HPE_HEADER_OVERFLOW") {
      const message = `the request's headers exceed ${maxHeaderBytes} bytes (limits.maxHeaderBytes): send shorter headers (scopes, cookies, tokens)`;
      lingerClose(socket, answer("REQUEST_HEADERS_TOO_LARGE", message), linger);
      return;
    }
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT" || error.code === "HPE_HEADERS_TIMEOUT") {
      socket.destroy();
      return;
    }
    lingerClose(socket, answer("INVALID_REQUEST", "the request is not valid HTTP/1.1"), linger);
  });
}
