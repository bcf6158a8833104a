import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { lookup } from "node:dns";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type LookupFunction, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createServer as createTlsServer, getCACertificates, setDefaultCACertificates } from "node:tls";
import { parseDigest } from "../digest/digest.ts";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { type BodySink, bulkExchange } from "./bulk-exchange.ts";
import { classifyNetworkError } from "./classify-network-error.ts";
import { tapVerified } from "./digest-verifying-stream.ts";

/** A raw TCP server: each connection gets the next scripted answer, written piece by piece. */
let server: Server;
let answer: (socket: Socket) => void = () => undefined;
let port = 0;

before(async () => {
  server = createServer((socket) => {
    socket.once("data", () => answer(socket));
    socket.on("error", () => undefined);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(path = "/blob") {
  return bulkExchange(
    {
      method: "GET",
      url: new URL(`http://127.0.0.1:${port}${path}`),
      headers: {},
      timeoutMs: 5000,
      guard: allowLoopback,
    },
    lookup as LookupFunction,
  );
}

/** Writes `pieces` one after the other, each in its own write (and so, often, its own read). */
function script(...pieces: (string | Buffer)[]): void {
  answer = (socket) => {
    let at = 0;
    const next = () => {
      if (at === pieces.length) return void socket.end();
      socket.write(pieces[at++]!, () => setImmediate(next));
    };
    next();
  };
}

/** Taps a body, copying views, into a promise of the bytes (or the error). */
function tapped(body: { tap(sink: BodySink): unknown }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.tap({
      data: (view) => {
        chunks.push(Buffer.from(view));
        return true;
      },
      end: () => resolve(Buffer.concat(chunks)),
      error: reject,
    });
  });
}

describe("bulkExchange", () => {
  test("a Content-Length body arrives whole, tapped or read as a stream", async () => {
    const bytes = randomBytes(700_000);
    const head = `HTTP/1.1 200 OK\r\nContent-Length: ${bytes.length}\r\nDocker-Content-Digest: sha256:x\r\n\r\n`;
    script(head, bytes.subarray(0, 1000), bytes.subarray(1000));
    const first = await get();
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers["docker-content-digest"], "sha256:x");
    assert.deepEqual(await tapped(first.body), bytes);
    script(Buffer.concat([Buffer.from(head), bytes.subarray(0, 10)]), bytes.subarray(10));
    const second = await get();
    assert.deepEqual(Buffer.concat(await second.body.toArray()), bytes);
  });

  test("a chunked body is decoded, with extensions and trailers, however its framing is split", async () => {
    const bytes = randomBytes(100_000);
    const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    const a = bytes.subarray(0, 70_000);
    const b = bytes.subarray(70_000);
    script(
      `${head}${a.length.toString(16)};name=value\r`,
      "\n",
      a.subarray(0, 5),
      a.subarray(5),
      `\r\n${b.length.toString(16)}\r\n`,
      b,
      "\r",
      "\n0\r\nx-trailer: 1\r\n",
      "\r\n",
    );
    assert.deepEqual(await tapped((await get()).body), bytes);
  });

  test("a body without length ends when the server closes; a small body sent with the head waits for its reader", async () => {
    script("HTTP/1.1 200 OK\r\n\r\nall", " of it");
    assert.equal((await tapped((await get()).body)).toString(), "all of it");
    script("HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\nContent-Type: text/plain\r\n\r\nmissing");
    const missing = await get();
    assert.equal(missing.statusCode, 404);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(Buffer.concat(await missing.body.toArray()).toString(), "missing");
  });

  test("a body cut short fails as a lost connection; a malformed head as a protocol error", async () => {
    script("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "only this");
    const cut = await get();
    const error = await tapped(cut.body).then(
      () => assert.fail("a short body must fail"),
      (failure: Error) => failure,
    );
    const lost = classifyNetworkError(error, "GET blob");
    assert.equal(lost.ok ? "ok" : lost.failure.kind, "unreachable");
    script("HTTP/1.1 2OO OK\r\n\r\n");
    const refused = await get().then(
      () => assert.fail("a malformed status line must fail"),
      (failure: Error) => classifyNetworkError(failure, "GET blob"),
    );
    assert.equal(refused.ok ? "ok" : refused.failure.kind, "protocol");
    script("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef");
    const longer = await get();
    await assert.rejects(tapped(longer.body), /more body bytes than Content-Length/);
  });
});

describe("tapVerified over a bulk body", () => {
  test("a small blob that arrived with its head is checked within tap(): good bytes end, a wrong byte fails as protocol", async () => {
    const bytes = Buffer.from("a small config blob");
    const digest = parseDigest(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    const outcome = async (sent: Buffer) => {
      script(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${sent.length}\r\n\r\n`), sent]));
      const response = await get();
      await new Promise((resolve) => setImmediate(resolve));
      let result = "nothing";
      // No throw out of tap(): the outcome goes to the sink only.
      tapVerified(response.body, digest, sent.length, "GET blob", {
        data: () => true,
        end: () => {
          result = "end";
        },
        error: (error) => {
          result = `${(error as { failure?: { kind: string } }).failure?.kind}: ${error.message}`;
        },
      });
      return result;
    };
    assert.equal(await outcome(bytes), "end");
    const wrong = Buffer.from(bytes);
    wrong[0]! ^= 1;
    assert.match(await outcome(wrong), /^protocol: GET blob: content digest is sha256:/);
  });
});

describe("bulkExchange over TLS", () => {
  test("reads a body into its reused buffer over TLS, and refuses a certificate it cannot verify as tls", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wharf-bulk-tls-"));
    const original = getCACertificates("default");
    try {
      execFileSync(
        "openssl",
        [
          ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
          ...[
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            join(dir, "key.pem"),
            "-out",
            join(dir, "cert.pem"),
          ],
        ],
        { stdio: "ignore" },
      );
      const cert = readFileSync(join(dir, "cert.pem"), "utf8");
      const bytes = randomBytes(300_000);
      const tlsServer = createTlsServer({ key: readFileSync(join(dir, "key.pem")), cert }, (socket) => {
        socket.on("error", () => undefined);
        socket.once("data", () =>
          socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${bytes.length}\r\n\r\n`), bytes])),
        );
      });
      tlsServer.listen(0, "127.0.0.1");
      await once(tlsServer, "listening");
      const url = new URL(`https://localhost:${(tlsServer.address() as { port: number }).port}/blob`);
      const toLoopback = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
        options.all
          ? callback(null, [{ address: "127.0.0.1", family: 4 }])
          : callback(null, "127.0.0.1", 4)) as LookupFunction;
      const request = { method: "GET" as const, url, headers: {}, timeoutMs: 5000, guard: allowLoopback };
      try {
        const refused = await bulkExchange(request, toLoopback).then(
          () => assert.fail("a self-signed certificate must be refused"),
          (error: Error) => classifyNetworkError(error, "GET blob"),
        );
        assert.equal(refused.ok ? "ok" : refused.failure.kind, "tls");
        setDefaultCACertificates([...original, cert]);
        assert.deepEqual(await tapped((await bulkExchange(request, toLoopback)).body), bytes);
      } finally {
        tlsServer.close();
      }
    } finally {
      setDefaultCACertificates(original);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
