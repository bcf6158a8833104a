/**
 * @module
 * Built-in TLS end to end: a root CA, an intermediate and a leaf for
 * 127.0.0.1 are made here with openssl; Wharf serves the leaf with the
 * intermediate in the same PEM file (a chain). skopeo (and podman where it
 * runs) push and pull with `--cert-dir` holding only the root, and refuse a
 * server whose CA they were not given. Only TLS 1.2+ and HTTP/1.1 are
 * offered. The certificate is reloaded when its files change and on
 * SIGHUP; a broken replacement keeps the old certificate in service.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connect, type PeerCertificate } from "node:tls";
import { type ClientSandbox, createClientSandbox } from "./support/container-clients.ts";
import { buildImage, seededBytes, writeOciLayout } from "./support/oci-layout.ts";
import { runCommand, runOk } from "./support/run-command.ts";
import { removeDataDir, repoRoot, startWharf, type WharfProcess } from "./support/start-wharf.ts";

let work: string;
let wharf: WharfProcess;
let clients: ClientSandbox;
let trusted: string;
let untrusted: string;
let layout: string;

const openssl = (...args: string[]) => runOk("openssl", args, { cwd: work });

async function makeCa(name: string, signer?: string): Promise<void> {
  if (!signer) {
    await openssl(
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"],
      ...["-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.crt`],
      ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    );
    return;
  }
  await openssl(
    ...["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
    ...["-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.csr`],
  );
  await writeFile(
    join(work, `${name}.ext`),
    "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
  );
  await openssl(
    ...["x509", "-req", "-in", `${name}.csr`, "-CA", `${signer}.crt`, "-CAkey", `${signer}.key`],
    ...["-CAcreateserial", "-days", "2", "-out", `${name}.crt`, "-extfile", `${name}.ext`],
  );
}

/** A leaf for 127.0.0.1/localhost signed by `signer`; writes `<name>.crt` (leaf + signer) and `<name>.key`. */
async function makeLeaf(name: string, signer: string): Promise<void> {
  await openssl(
    ...["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
    ...["-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.csr`],
  );
  await writeFile(
    join(work, `${name}.ext`),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
  );
  await openssl(
    ...["x509", "-req", "-in", `${name}.csr`, "-CA", `${signer}.crt`, "-CAkey", `${signer}.key`],
    ...["-CAcreateserial", "-days", "2", "-out", `${name}.leaf.crt`, "-extfile", `${name}.ext`],
  );
  const chain = Buffer.concat([
    await readFile(join(work, `${name}.leaf.crt`)),
    await readFile(join(work, `${signer}.crt`)),
  ]);
  await writeFile(join(work, `${name}.crt`), chain);
}

/** The certificate the server presents, and the negotiated protocol details. */
function handshake(options: { maxVersion?: "TLSv1.1" | "TLSv1.2"; alpn?: string[] } = {}) {
  const [host, port] = wharf.host.split(":");
  return new Promise<{ cert: PeerCertificate; protocol: string | null; alpn: string | false | null }>(
    (resolve, reject) => {
      const socket = connect({
        host,
        port: Number(port),
        rejectUnauthorized: false,
        maxVersion: options.maxVersion,
        minVersion: options.maxVersion === "TLSv1.1" ? "TLSv1" : undefined,
        ALPNProtocols: options.alpn,
      });
      socket.once("secureConnect", () => {
        resolve({ cert: socket.getPeerCertificate(), protocol: socket.getProtocol(), alpn: socket.alpnProtocol });
        socket.end();
      });
      socket.once("error", reject);
    },
  );
}

/** Resolves once the server's output matches `pattern` (counting from `from`). */
function outputMatches(pattern: RegExp, from: number): Promise<void> {
  return new Promise((resolve) => {
    const look = () => {
      if (pattern.test(wharf.output().slice(from))) {
        wharf.child.stdout?.off("data", look);
        wharf.child.stderr?.off("data", look);
        resolve();
      }
    };
    wharf.child.stdout?.on("data", look);
    wharf.child.stderr?.on("data", look);
    look();
  });
}

function fingerprintOf(name: string): Promise<string> {
  return readFile(join(work, `${name}.leaf.crt`)).then((pem) => new X509Certificate(pem).fingerprint256);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-tls-"));
  await makeCa("root");
  await makeCa("intermediate", "root");
  await makeLeaf("leaf1", "intermediate");
  await makeLeaf("leaf2", "intermediate");
  await makeCa("stranger");
  trusted = join(work, "trusted");
  untrusted = join(work, "untrusted");
  await mkdir(trusted);
  await mkdir(untrusted);
  await copyFile(join(work, "root.crt"), join(trusted, "ca.crt"));
  await copyFile(join(work, "stranger.crt"), join(untrusted, "ca.crt"));
  await mkdir(join(work, "serving"));
  await copyFile(join(work, "leaf1.crt"), join(work, "serving", "tls.crt"));
  await copyFile(join(work, "leaf1.key"), join(work, "serving", "tls.key"));
  layout = join(work, "layout");
  await writeOciLayout(layout, [
    {
      tag: "app",
      item: buildImage({
        architecture: "amd64",
        layers: [[{ name: "usr/bin/app", content: seededBytes("tls app", 300_000) }]],
      }),
    },
  ]);
  wharf = await startWharf({
    args: ["--tls-cert", join(work, "serving", "tls.crt"), "--tls-key", join(work, "serving", "tls.key")],
  });
  clients = await createClientSandbox("wharf-tls-clients-");
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
  await clients?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("built-in TLS", () => {
  test("serves HTTPS and prints an https URL", async () => {
    assert.match(wharf.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const { cert } = await handshake();
    assert.equal(cert.fingerprint256, await fingerprintOf("leaf1"));
  });

  test("skopeo pushes and inspects with --cert-dir holding only the root CA (chain served)", async () => {
    await clients.skopeoOk([
      "copy",
      "--dest-cert-dir",
      trusted,
      `oci:${layout}:app`,
      `docker://${wharf.host}/acme/app:1`,
    ]);
    const raw = await clients.skopeoOk([
      "inspect",
      "--cert-dir",
      trusted,
      "--raw",
      `docker://${wharf.host}/acme/app:1`,
    ]);
    assert.equal(JSON.parse(raw).schemaVersion, 2);
  });

  test("skopeo refuses the server when given a different CA", async () => {
    const result = await clients.skopeo([
      "inspect",
      "--cert-dir",
      untrusted,
      "--raw",
      `docker://${wharf.host}/acme/app:1`,
    ]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /certificate signed by unknown authority|x509/);
  });

  test("podman pushes and pulls with --cert-dir, and refuses a wrong CA", async (t) => {
    if (clients.podmanUnavailable) {
      t.skip(`podman cannot run here: ${clients.podmanUnavailable}`);
      return;
    }
    await clients.podmanOk(["pull", "--cert-dir", trusted, `${wharf.host}/acme/app:1`]);
    await clients.podmanOk(["push", "--cert-dir", trusted, `${wharf.host}/acme/app:1`, `${wharf.host}/acme/again:1`]);
    const wrong = await clients.podman(["pull", "--cert-dir", untrusted, `${wharf.host}/acme/again:1`]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /unknown authority|x509/);
  });

  test("offers TLS 1.2+ only and HTTP/1.1 only", async () => {
    const modern = await handshake({ alpn: ["h2", "http/1.1"] });
    assert.equal(modern.alpn, "http/1.1");
    assert.equal(modern.protocol, "TLSv1.3");
    assert.equal((await handshake({ maxVersion: "TLSv1.2" })).protocol, "TLSv1.2");
    await assert.rejects(handshake({ maxVersion: "TLSv1.1" }));
  });

  test("reloads the certificate when its files change", async () => {
    const from = wharf.output().length;
    await copyFile(join(work, "leaf2.key"), join(work, "serving", "tls.key"));
    await copyFile(join(work, "leaf2.crt"), join(work, "serving", "tls.crt"));
    await outputMatches(/reloaded the TLS certificate/, from);
    // The last change may still be settling: wait for a reload that sees leaf2.
    const expected = await fingerprintOf("leaf2");
    while ((await handshake()).cert.fingerprint256 !== expected) {
      await outputMatches(/reloaded the TLS certificate|TLS reload failed/, wharf.output().length);
    }
  });

  test("reloads on SIGHUP, and keeps the certificate in use when the new files are broken", async () => {
    let from = wharf.output().length;
    wharf.child.kill("SIGHUP");
    await outputMatches(/"reason":"SIGHUP".*reloaded the TLS certificate/, from);
    from = wharf.output().length;
    await writeFile(join(work, "serving", "tls.crt"), "not a certificate\n");
    wharf.child.kill("SIGHUP");
    await outputMatches(/"reason":"SIGHUP".*TLS reload failed/, from);
    assert.equal((await handshake()).cert.fingerprint256, await fingerprintOf("leaf2"));
  });
});

describe("TLS files that cannot serve", () => {
  test("a key that does not match the certificate, or a missing key, stops the start with a message", async () => {
    const serve = (...args: string[]) =>
      runCommand(join(repoRoot, "bin", "wharf"), [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data",
        join(work, "unused"),
        ...args,
      ]);
    const mismatch = await serve("--tls-cert", join(work, "leaf1.crt"), "--tls-key", join(work, "leaf2.key"));
    assert.equal(mismatch.code, 2, mismatch.stderr);
    assert.match(mismatch.stderr, /not a usable PEM certificate and matching key/);
    const half = await serve("--tls-cert", join(work, "leaf1.crt"));
    assert.equal(half.code, 2, half.stderr);
    assert.match(half.stderr, /set tls\.key \(--tls-key\) too/);
    const missing = await serve("--tls-cert", join(work, "nope.crt"), "--tls-key", join(work, "leaf1.key"));
    assert.match(missing.stderr, /cannot read the TLS certificate \(tls\.cert\)/);
  });
});

describe("SIGHUP without TLS", () => {
  test("is logged and does not stop the server (systemctl reload is safe)", async () => {
    const plain = await startWharf();
    try {
      const seen = new Promise<void>((resolve) => {
        const look = () => plain.output().includes("SIGHUP: nothing to reload") && resolve();
        plain.child.stdout?.on("data", look);
        plain.child.stderr?.on("data", look);
      });
      plain.child.kill("SIGHUP");
      await seen;
      assert.equal((await fetch(`${plain.url}/healthz`)).status, 200);
    } finally {
      await plain.stop();
      await removeDataDir(plain.dataDir);
    }
  });
});
