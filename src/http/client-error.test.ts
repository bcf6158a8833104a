/**
 * @module
 * What a client gets when the request never reaches a handler (headers over
 * the limit, not HTTP) and when a request is refused while its body still
 * streams: the JSON error envelope read whole, never a reset, and a refused
 * body is read only up to a bound before the connection is cut.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { WharfError } from "../errors/wharf-error.ts";
import { answerClientErrors } from "./client-error.ts";
import { writeError } from "./write-error.ts";

let server: Server;
let port: number;

before(async () => {
  server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
    if (req.url === "/refuse") writeError(res, new WharfError("DENIED", "over quota"));
    else {
      req.resume();
      req.on("end", () => res.end("ok"));
    }
  });
  answerClientErrors(server, 16 * 1024);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `parts` one after another, then ends; everything the server answered, and any socket error. */
function exchange(parts: readonly (string | Buffer)[]): Promise<{ text: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on("data", (chunk) => received.push(chunk));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code;
    });
    socket.on("close", () => resolve({ text: Buffer.concat(received).toString("utf8"), ...(error && { error }) }));
    socket.on("connect", async () => {
      for (const part of parts) {
        if (!socket.write(part)) await new Promise((r) => socket.once("drain", r));
      }
      socket.end();
    });
  });
}

describe("requests the parser refuses", () => {
  test("headers over the limit: 431 with the JSON envelope, read whole while the client still sends", async () => {
    const filler = `X-Scope: ${"a".repeat(8 * 1024)}\r\n`;
    const parts = ["GET /v2/ HTTP/1.1\r\nHost: x\r\n", ...Array.from({ length: 8 }, () => filler), "\r\n"];
    const { text, error } = await exchange(parts);
    assert.equal(error, undefined, "no reset");
    assert.match(text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.match(text, /Connection: close/);
    const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
    assert.equal(body.errors[0].code, "REQUEST_HEADERS_TOO_LARGE");
    assert.match(body.errors[0].message, /limits\.maxHeaderBytes/);
  });

  test("not HTTP: 400 INVALID_REQUEST", async () => {
    const { text } = await exchange(["HELLO THERE\r\n\r\n"]);
    assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.equal(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).errors[0].code, "INVALID_REQUEST");
  });

  test("a good request on the same server still works", async () => {
    const { text } = await exchange([
      "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
    ]);
    assert.match(text, /^HTTP\/1\.1 200 OK/);
  });
});

describe("a body refused while it streams", () => {
  test("the client reads the error, and the server stops reading after a bound", async () => {
    const total = 256 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const result = await new Promise<{ text: string; sent: number }>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      const received: Buffer[] = [];
      let sent = 0;
      socket.on("data", (data) => received.push(data));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve({ text: Buffer.concat(received).toString("utf8"), sent }));
      socket.on("connect", async () => {
        socket.write(`PUT /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\n\r\n`);
        while (sent < total && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) {
            await new Promise((r) => {
              socket.once("drain", r);
              socket.once("close", r);
            });
          }
        }
      });
    });
    assert.match(result.text, /^HTTP\/1\.1 403 Forbidden/);
    assert.match(result.text, /over quota/);
    assert.ok(result.sent < total, `the server read the whole ${total} bytes of a refused body`);
  });
});
