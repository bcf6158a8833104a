/**
 * Proves the X-Accel-Redirect offload (`storage.filesystem.accelRedirect`)
 * with Debian's nginx running examples/nginx/wharf.conf (TLS lines turned
 * into a plain loopback listener, paths and ports filled in): nginx serves
 * the blob's file with the same bytes Wharf would, answers a Range with 206,
 * refuses a private blob without credentials (Wharf still decides), and its
 * internal location is unreachable from outside.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type NginxFront, nginxUnavailable, startNginx } from "./support/nginx-front.ts";
import { basicAuth, bearerAuth, parseChallenge } from "./support/registry-auth.ts";
import { sha256 } from "./support/registry-http.ts";
import { skipOption } from "./support/skip-missing-tool.ts";
import { adminPassword, repoRoot, useWharf } from "./support/start-wharf.ts";

const PREFIX = "/_wharf_blobs";
const REPO = "offload/app";

/** The `example` with a plain listener on `listen`, Wharf at `upstream`, blobs under `storageRoot`. */
function serverBlock(example: string, listen: string, upstream: string, storageRoot: string): string {
  const server = example
    .replace("server 127.0.0.1:5000;", `server ${upstream};`)
    .replace(/listen 443 ssl http2;.*\n/, `listen ${listen};\n`)
    .replace(/^\s*ssl_\w+.*\n/gm, "")
    .replace("alias /var/lib/wharf/blobs/;", `alias ${storageRoot}/;`);
  // The TLS listener and its ssl_ lines are gone (not "443" anywhere: an ephemeral port or path may hold those digits).
  assert.ok(
    !/listen\s+443\b/.test(server) && !/^\s*ssl_/m.test(server) && server.includes(storageRoot),
    "the example's lines changed: update this test",
  );
  return server;
}

describe("blob offload through nginx (X-Accel-Redirect)", { skip: skipOption(nginxUnavailable()) }, () => {
  const wharf = useWharf({ auth: true, env: { WHARF_STORAGE__FILESYSTEM__ACCEL_REDIRECT: PREFIX } });
  let nginx: NginxFront | undefined;
  let front: string;
  let token: string;
  const data = Buffer.alloc(300_000, 0);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
  const digest = sha256(data);

  before(async () => {
    const challenge = parseChallenge((await fetch(`${wharf.url}/v2/`)).headers.get("www-authenticate"));
    const tokenUrl = `${challenge.params.realm}?service=${encodeURIComponent(challenge.params.service ?? "")}&scope=repository:${REPO}:pull,push`;
    const reply = await fetch(tokenUrl, { headers: { authorization: basicAuth("admin", adminPassword) } });
    assert.equal(reply.status, 200, await reply.clone().text());
    token = ((await reply.json()) as { token: string }).token;
    const pushed = await fetch(`${wharf.url}/v2/${REPO}/blobs/uploads/?digest=${digest}`, {
      method: "POST",
      body: data,
      headers: { authorization: bearerAuth(token) },
    });
    assert.equal(pushed.status, 201, await pushed.text());

    const example = await readFile(join(repoRoot, "examples", "nginx", "wharf.conf"), "utf8");
    nginx = await startNginx((listen) => serverBlock(example, listen, wharf.host, join(wharf.dataDir, "blobs")));
    front = nginx.url;
  });

  after(async () => {
    await nginx?.stop();
  });

  it("Wharf itself answers a blob GET with the header and no body", async () => {
    const res = await fetch(`${wharf.url}/v2/${REPO}/blobs/${digest}`, {
      headers: { authorization: bearerAuth(token) },
    });
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get("x-accel-redirect"),
      `${PREFIX}/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`,
    );
    assert.equal(res.headers.get("docker-content-digest"), digest);
    assert.equal((await res.arrayBuffer()).byteLength, 0);
  });

  it("through nginx: the same bytes, the registry's headers, and a Range as 206", async () => {
    const auth = { authorization: bearerAuth(token) };
    const whole = await fetch(`${front}/v2/${REPO}/blobs/${digest}`, { headers: auth });
    assert.equal(whole.status, 200);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), data);
    assert.equal(whole.headers.get("docker-content-digest"), digest);
    assert.equal(whole.headers.get("x-accel-redirect"), null);
    const part = await fetch(`${front}/v2/${REPO}/blobs/${digest}`, { headers: { ...auth, range: "bytes=1000-1999" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 1000-1999/${data.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), data.subarray(1000, 2000));
    const head = await fetch(`${front}/v2/${REPO}/blobs/${digest}`, { method: "HEAD", headers: auth });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(data.length));
  });

  it("a private blob without credentials is refused, and the internal location is unreachable", async () => {
    const anonymous = await fetch(`${front}/v2/${REPO}/blobs/${digest}`);
    assert.equal(anonymous.status, 401);
    assert.notDeepEqual(Buffer.from(await anonymous.arrayBuffer()), data);
    const internal = await fetch(`${front}${PREFIX}/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`);
    assert.equal(internal.status, 404);
    assert.notDeepEqual(Buffer.from(await internal.arrayBuffer()), data);
  });
});
