/**
 * @module
 * Why Wharf's TLS listener offers HTTP/1.1 only: does Node's HTTP/2
 * compatibility layer (the `(req, res)` API Wharf's handlers use) stream a
 * large upload correctly, and at what cost? Streams `WHARF_H2_MIB` (1024)
 * MiB as one PATCH body, with backpressure, to a handler that hashes it, once
 * over HTTPS/1.1 and once over HTTP/2 (`createSecureServer` with
 * `allowHTTP1`), and prints bytes received, the digest and MiB/s. The
 * certificate is made with openssl in a temporary folder.
 *
 *   node bench/http2-upload.ts
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http2 from "node:http2";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";

const mib = Number(process.env.WHARF_H2_MIB ?? 1024);
const chunk = Buffer.alloc(1024 * 1024, 7);

type Handler = (
  req: http2.Http2ServerRequest | import("node:http").IncomingMessage,
  res: { end(text: string): void },
) => void;

const handler: Handler = (req, res) => {
  const hash = createHash("sha256");
  let bytes = 0;
  req.on("data", (data: Buffer) => {
    bytes += data.length;
    hash.update(data);
  });
  req.on("end", () => res.end(`${bytes} ${hash.digest("hex").slice(0, 16)}`));
};

function pump(body: Writable): void {
  let sent = 0;
  const more = () => {
    while (sent < mib) {
      sent++;
      if (!body.write(chunk)) {
        body.once("drain", more);
        return;
      }
    }
    body.end();
  };
  more();
}

async function measure(kind: "http/1.1" | "h2", key: Buffer, cert: Buffer): Promise<void> {
  const server =
    kind === "h2"
      ? http2.createSecureServer({ key, cert, allowHTTP1: true }, handler as never)
      : https.createServer({ key, cert }, handler as never);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const started = performance.now();
  const answer = await new Promise<string>((resolve, reject) => {
    let text = "";
    if (kind === "h2") {
      const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
      const stream = session.request({ ":method": "PATCH", ":path": "/upload" });
      stream.on("data", (data: Buffer) => {
        text += data;
      });
      stream.on("end", () => {
        session.close();
        resolve(text);
      });
      stream.on("error", reject);
      pump(stream);
    } else {
      const request = https.request({ host: "127.0.0.1", port, method: "PATCH", rejectUnauthorized: false }, (res) => {
        res.on("data", (data: Buffer) => {
          text += data;
        });
        res.on("end", () => resolve(text));
      });
      request.on("error", reject);
      pump(request);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  server.close();
  process.stdout.write(`${kind.padEnd(9)} received ${answer}  ${(mib / seconds).toFixed(0)} MiB/s\n`);
}

const dir = mkdtempSync(join(tmpdir(), "wharf-h2-"));
try {
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"],
      ...["-subj", "/CN=127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
    ],
    { stdio: "ignore" },
  );
  const key = readFileSync(join(dir, "key.pem"));
  const cert = readFileSync(join(dir, "cert.pem"));
  const expected = createHash("sha256");
  for (let i = 0; i < mib; i++) expected.update(chunk);
  process.stdout.write(`sent      ${mib * chunk.length} ${expected.digest("hex").slice(0, 16)}\n`);
  for (const kind of ["http/1.1", "h2", "http/1.1", "h2"] as const) await measure(kind, key, cert);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
