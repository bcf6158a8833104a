/**
 * Resource bounds through the real server: hostile manifests and API bodies
 * are refused before they can block the event loop, slow clients are cut by
 * deadlines (configured short here, so nothing sleeps), connections are
 * capped per address, and upload sessions are limited per principal.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { requestFrom } from "./support/http-from.ts";
import { createManagementClient } from "./support/management-client.ts";
import { basicAuth } from "./support/registry-auth.ts";
import { sha256 } from "./support/registry-http.ts";
import { adminPassword, removeDataDir, startWharf, useWharf } from "./support/start-wharf.ts";

const ociManifest = "application/vnd.oci.image.manifest.v1+json";

function putManifest(base: string, name: string, body: Uint8Array | string): Promise<Response> {
  return fetch(`${base}/v2/${name}/manifests/latest`, {
    method: "PUT",
    headers: { "content-type": ociManifest },
    body,
  });
}

async function refusal(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { errors: { code: string; message: string }[] };
  return { status: res.status, code: body.errors[0]!.code, message: body.errors[0]!.message };
}

/** Opens a raw connection to `base`; resolves once connected. */
async function rawSocket(base: string): Promise<Socket> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  socket.on("error", () => {}); // a reset shows up as "close"; the tests look at that
  await once(socket, "connect");
  return socket;
}

/** Everything the server sends on `socket` until it closes the connection. */
async function readUntilClosed(socket: Socket): Promise<string> {
  let text = "";
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
  });
  await once(socket, "close");
  return text;
}

describe("hostile JSON", () => {
  const wharf = useWharf();

  it("8 parallel manifests of 2 million nested arrays are refused while /v2/ keeps answering", async (t) => {
    const depth = 2_000_000;
    const deep = Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`);
    let pushing = true;
    const pushes = Promise.all(
      Array.from({ length: 8 }, (_, n) => putManifest(wharf.url, `deep/n${n}`, deep).then(refusal)),
    ).finally(() => {
      pushing = false;
    });
    const latencies: number[] = [];
    const statuses: number[] = [];
    while (pushing || latencies.length < 5) {
      const started = performance.now();
      const res = await fetch(`${wharf.url}/v2/`);
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      statuses.push(res.status);
    }
    for (const answer of await pushes) {
      assert.equal(answer.status, 400);
      assert.equal(answer.code, "MANIFEST_INVALID");
      assert.match(answer.message, /deeper than 64 levels/);
    }
    assert.deepEqual(new Set(statuses), new Set([200]));
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;
    t.diagnostic(`/v2/ answered ${latencies.length} times during the pushes; p99 ${p99.toFixed(1)} ms`);
  });

  it("a manifest with a byte order mark is refused and says so", async () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: ociManifest, config: {}, layers: [] })),
    ]);
    const answer = await refusal(await putManifest(wharf.url, "bom/app", body));
    assert.equal(answer.code, "MANIFEST_INVALID");
    assert.match(answer.message, /byte order mark/);
  });

  it("a manifest with a duplicate key or invalid UTF-8 is refused and says which", async () => {
    const duplicate = await refusal(
      await putManifest(wharf.url, "dup/app", `{"schemaVersion":2,"layers":[],"layers":[]}`),
    );
    assert.equal(duplicate.code, "MANIFEST_INVALID");
    assert.match(duplicate.message, /"layers" twice/);
    const invalid = await refusal(await putManifest(wharf.url, "utf/app", Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x7d])));
    assert.equal(invalid.code, "MANIFEST_INVALID");
    assert.match(invalid.message, /not UTF-8/);
  });
});

describe("hostile API bodies", () => {
  const wharf = useWharf({ auth: true });
  const admin = ["admin", adminPassword] as const;

  it("deep, duplicate-key and oversized bodies are refused with INVALID_REQUEST or 413", async () => {
    const api = createManagementClient(wharf.url);
    const deep = await api.refuse(400, "INVALID_REQUEST", "POST", "/users", {
      as: admin,
      raw: `{"name":${"[".repeat(50_000)}`,
    });
    assert.match(deep, /deeper than 16 levels/);
    const twice = await api.refuse(400, "INVALID_REQUEST", "POST", "/users", {
      as: admin,
      raw: '{"name":"bob","password":"long-enough-1","name":"eve"}',
    });
    assert.match(twice, /"name" twice/);
    await api.refuse(413, "REQUEST_TOO_LARGE", "POST", "/users", {
      as: admin,
      raw: JSON.stringify({ name: "x".repeat(70 * 1024) }),
    });
    await api.expect(201, "POST", "/users", { as: admin, body: { name: "bob", password: "long-enough-1" } });
  });
});

describe("slow clients and connection caps", () => {
  const wharf = useWharf({
    auth: true,
    env: {
      WHARF_LIMITS__REQUEST_TIMEOUT: "300ms",
      WHARF_LIMITS__UPLOAD_RATE_WINDOW: "300ms",
      WHARF_LIMITS__UPLOAD_MIN_BYTES_PER_SECOND: "1000",
      WHARF_LIMITS__MAX_CONNECTIONS_PER_ADDRESS: "4",
    },
  });
  const authorization = basicAuth("admin", adminPassword);

  it("a token request trickling its body gets 408 and its connection closed", async () => {
    const socket = await rawSocket(wharf.url);
    socket.write(
      "POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\ng",
    );
    const answer = await readUntilClosed(socket);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /REQUEST_TIMEOUT/);
    assert.match(answer, /limits\.requestTimeout/);
  });

  it("a stalled PATCH is cut, and its session keeps what arrived and resumes", async () => {
    const started = await fetch(`${wharf.url}/v2/slow/app/blobs/uploads/`, {
      method: "POST",
      headers: { authorization },
    });
    assert.equal(started.status, 202, await started.text());
    const location = started.headers.get("location")!;
    const socket = await rawSocket(wharf.url);
    socket.write(
      `PATCH ${location} HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Length: 100000\r\n\r\n`,
    );
    socket.write(Buffer.alloc(100, 1));
    const answer = await readUntilClosed(socket);
    assert.equal(answer, "", "a cut upload gets no response: the client is not reading");
    const status = await fetch(`${wharf.url}${location}`, { headers: { authorization } });
    assert.equal(status.status, 204);
    assert.match(status.headers.get("range") ?? "", /^0-(0|99)$/);
  });

  it("connections over the per-address cap are closed; other addresses still get answers", async () => {
    // Keep-alive connections of earlier fetches count too, so open five and
    // see each one either answered (within the cap of 4) or closed unanswered.
    const sockets: Socket[] = [];
    const outcomes: Promise<"answered" | "refused">[] = [];
    for (let n = 0; n < 5; n++) {
      const socket = await rawSocket(wharf.url);
      sockets.push(socket);
      outcomes.push(
        new Promise((done) => {
          socket.once("data", () => done("answered"));
          socket.once("close", () => done("refused"));
        }),
      );
      socket.write("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    const seen = await Promise.all(outcomes);
    assert.ok(seen.includes("refused"), `all five connections were answered: ${seen}`);
    assert.ok(seen.filter((o) => o === "answered").length <= 4, String(seen));
    const other = await requestFrom("127.0.0.2", `${wharf.url}/v2/`);
    assert.equal(other.status, 401);
    for (const socket of sockets) socket.destroy();
    await Promise.all(sockets.map((socket) => (socket.closed ? undefined : once(socket, "close"))));
    const again = await fetch(`${wharf.url}/v2/`);
    assert.equal(again.status, 401, "the cap frees as connections close");
  });
});

describe("upload quotas", () => {
  const env = {
    WHARF_LIMITS__MAX_OPEN_UPLOADS_PER_PRINCIPAL: "3",
    WHARF_LIMITS__MAX_UPLOAD_BYTES_PER_PRINCIPAL: "1000",
    WHARF_LIMITS__MAX_BLOB_BYTES: "600",
  };
  const admin = basicAuth("admin", adminPassword);
  const bob = basicAuth("bob", "bob-password-1");

  const open = (base: string, authorization: string, name: string) =>
    fetch(`${base}/v2/${name}/blobs/uploads/`, { method: "POST", headers: { authorization } });
  const patch = (base: string, authorization: string, location: string, bytes: number) =>
    fetch(`${base}${location}`, {
      method: "PATCH",
      headers: { authorization, "content-type": "application/octet-stream" },
      body: Buffer.alloc(bytes, 3),
    });

  it("limits open sessions per principal, across a restart, and frees a slot on cancel", async () => {
    const first = await startWharf({ auth: true, env });
    let second: Awaited<ReturnType<typeof startWharf>> | undefined;
    try {
      await createManagementClient(first.url).expect(201, "POST", "/users", {
        as: ["admin", adminPassword],
        body: { name: "bob", password: "bob-password-1" },
      });
      const locations: string[] = [];
      for (let n = 0; n < 3; n++) {
        const res = await open(first.url, admin, "admin/app");
        assert.equal(res.status, 202, await res.text());
        locations.push(res.headers.get("location")!);
      }
      const over = await refusal(await open(first.url, admin, "admin/app"));
      assert.equal(over.code, "DENIED");
      assert.match(over.message, /3 upload sessions open.*limits\.maxOpenUploadsPerPrincipal = 3/);
      assert.equal((await open(first.url, bob, "bob/app")).status, 202, "another principal has a quota of its own");
      await first.stop();

      second = await startWharf({ auth: true, env, dataDir: first.dataDir });
      assert.equal((await refusal(await open(second.url, admin, "admin/app"))).code, "DENIED", "counted after restart");
      const cancelled = await fetch(`${second.url}${locations[0]}`, {
        method: "DELETE",
        headers: { authorization: admin },
      });
      assert.equal(cancelled.status, 204);
      assert.equal((await open(second.url, admin, "admin/app")).status, 202);
    } finally {
      await second?.stop();
      await first.stop();
      await removeDataDir(first.dataDir);
    }
  });

  describe("bytes", () => {
    const wharf = useWharf({ auth: true, env });

    it("refuses a blob over limits.maxBlobBytes with SIZE_INVALID, pushed whole or in chunks", async () => {
      const data = Buffer.alloc(601, 5);
      const whole = await fetch(`${wharf.url}/v2/admin/big/blobs/uploads/?digest=${sha256(data)}`, {
        method: "POST",
        headers: { authorization: admin },
        body: data,
      });
      const answer = await refusal(whole);
      assert.equal(answer.code, "SIZE_INVALID");
      assert.match(answer.message, /600 bytes.*limits\.maxBlobBytes/);
      const location = (await open(wharf.url, admin, "admin/big")).headers.get("location")!;
      assert.equal((await patch(wharf.url, admin, location, 600)).status, 202);
      assert.equal((await refusal(await patch(wharf.url, admin, location, 1))).code, "SIZE_INVALID");
      await fetch(`${wharf.url}${location}`, { method: "DELETE", headers: { authorization: admin } });
    });

    it("refuses more than limits.maxUploadBytesPerPrincipal in unfinished uploads with DENIED", async () => {
      const first = (await open(wharf.url, admin, "admin/held")).headers.get("location")!;
      const second = (await open(wharf.url, admin, "admin/held")).headers.get("location")!;
      assert.equal((await patch(wharf.url, admin, first, 600)).status, 202);
      const over = await refusal(await patch(wharf.url, admin, second, 500));
      assert.equal(over.code, "DENIED");
      assert.match(over.message, /more than 1000 bytes in unfinished uploads \(limits\.maxUploadBytesPerPrincipal\)/);
      assert.equal((await patch(wharf.url, admin, second, 400)).status, 202, "up to the quota is fine");
      // Finishing the first upload frees its bytes.
      const done = await fetch(
        `${wharf.url}${first}${first.includes("?") ? "&" : "?"}digest=${sha256(Buffer.alloc(600, 3))}`,
        {
          method: "PUT",
          headers: { authorization: admin },
        },
      );
      assert.equal(done.status, 201, await done.text());
      assert.equal((await patch(wharf.url, admin, second, 1)).status, 202);
    });
  });
});
