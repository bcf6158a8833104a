/**
 * @module
 * Campaign 4: the data directory on a small tmpfs (mounted here, so it needs
 * root) fills up during uploads. Proves the client gets a clean error (an
 * answer with an error envelope, no reset), the server keeps serving reads
 * byte-identically, no partial blob is served, `PRAGMA integrity_check` is
 * ok, and the same pushes succeed once space returns.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, statfs, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sha256 } from "../support/registry-http.ts";
import type { WharfProcess } from "../support/start-wharf.ts";
import { call, integrityCheck, type Outcome, seededRandom, startCampaignWharf } from "./campaign-kit.ts";

const run = promisify(execFile);
const mib = 1024 * 1024;

const describe = (outcome: Outcome) =>
  "error" in outcome
    ? `transport error ${outcome.error}`
    : `${outcome.status} ${outcome.body.toString().slice(0, 240)}`;
const clean = (outcome: Outcome) =>
  !("error" in outcome) &&
  /"errors":\[\{"code":"[A-Z_]+"/.test(outcome.body.toString()) &&
  !/\n\s+at /.test(outcome.body.toString());

async function chunkedPush(base: string, repository: string, data: Buffer): Promise<Outcome> {
  const started = await call(`${base}/v2/${repository}/blobs/uploads/`, { method: "POST" });
  if ("error" in started || started.status !== 202) return started;
  const location = new URL(started.headers.get("location") ?? "", base);
  const patched = await call(location.href, {
    method: "PATCH",
    headers: { "content-type": "application/octet-stream", "content-range": `0-${data.length - 1}` },
    body: data,
  });
  if ("error" in patched || patched.status !== 202) return patched;
  const finish = new URL(patched.headers.get("location") ?? "", base);
  finish.searchParams.set("digest", sha256(data));
  return call(finish.href, { method: "PUT" });
}

/** Runs the campaign; `ok` false when a promise did not hold (or it was skipped). */
export async function runDiskFullCampaign(options: { log: (line: string) => void }) {
  const mount = await mkdtemp(join(tmpdir(), "wharf-diskfull-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mount]);
  } catch (error) {
    await rm(mount, { recursive: true, force: true });
    const summary = `skipped: mounting a 64 MiB tmpfs failed (${String(error).split("\n")[0]}); run as root.`;
    options.log(summary);
    return { ok: false, summary };
  }
  const lines: string[] = [];
  const note = (line: string) => {
    lines.push(`- ${line}`);
    options.log(line);
  };
  let ok = true;
  const expect = (holds: boolean, what: string) => {
    if (!holds) ok = false;
    note(`${holds ? "ok" : "FAILED"}: ${what}`);
  };
  let wharf: WharfProcess | undefined;
  try {
    const random = seededRandom(4);
    wharf = await startCampaignWharf({ dataDir: mount }, true);
    const base = wharf.url;
    const layer = random.bytes(200_000);
    const pushedLayer = await call(`${base}/v2/shop/full/blobs/uploads/?digest=${sha256(layer)}`, {
      method: "POST",
      body: layer,
    });
    expect(
      !("error" in pushedLayer) && pushedLayer.status === 201,
      `a 200 kB blob pushes before the disk fills (${describe(pushedLayer)})`,
    );
    const free = await statfs(mount);
    const filler = join(mount, "filler");
    await writeFile(filler, Buffer.alloc(Math.max(0, free.bavail * free.bsize - 512 * 1024)));
    note(`filled the 64 MiB tmpfs to ${(await statfs(mount)).bavail * free.bsize} free bytes`);
    const big = random.bytes(4 * mib);
    const monolithic = await call(`${base}/v2/shop/full/blobs/uploads/?digest=${sha256(big)}`, {
      method: "POST",
      body: big,
    });
    expect(clean(monolithic), `monolithic 4 MiB push into a full disk: ${describe(monolithic)}`);
    const bigChunked = random.bytes(4 * mib);
    const chunked = await chunkedPush(base, "shop/full", bigChunked);
    expect(clean(chunked), `chunked 4 MiB push into a full disk: ${describe(chunked)}`);
    const read = await call(`${base}/v2/shop/full/blobs/${sha256(layer)}`);
    expect(
      !("error" in read) && read.status === 200 && sha256(read.body) === sha256(layer),
      `reads still served byte-identically (${describe(read).slice(0, 3)})`,
    );
    for (const [name, data] of [
      ["monolithic", big],
      ["chunked", bigChunked],
    ] as const) {
      const partial = await call(`${base}/v2/shop/full/blobs/${sha256(data)}`);
      expect(
        !("error" in partial) && partial.status === 404,
        `the failed ${name} blob is not served (${describe(partial).slice(0, 3)})`,
      );
    }
    await rm(filler);
    note("removed the filler: space is back");
    const again = await call(`${base}/v2/shop/full/blobs/uploads/?digest=${sha256(big)}`, {
      method: "POST",
      body: big,
    });
    expect(
      !("error" in again) && again.status === 201,
      `the monolithic push succeeds again (${describe(again).slice(0, 3)})`,
    );
    const againChunked = await chunkedPush(base, "shop/full", bigChunked);
    expect(
      !("error" in againChunked) && againChunked.status === 201,
      `the chunked push succeeds again (${describe(againChunked).slice(0, 3)})`,
    );
    for (const data of [big, bigChunked]) {
      const back = await call(`${base}/v2/shop/full/blobs/${sha256(data)}`);
      expect(
        !("error" in back) && back.status === 200 && sha256(back.body) === sha256(data),
        "it pulls back byte-identically",
      );
    }
    const alive = wharf.child.exitCode === null;
    expect(alive, "the server ran through all of it");
    await wharf.stop();
    wharf = undefined;
    const integrity = integrityCheck(mount);
    expect(integrity === "ok", `PRAGMA integrity_check: ${integrity}`);
  } finally {
    await wharf?.stop();
    await run("umount", [mount]).catch(() => undefined);
    await rm(mount, { recursive: true, force: true });
  }
  return {
    ok,
    summary: `a 64 MiB tmpfs as the data directory (database and blobs), filled to 512 KiB free by a file, then 4 MiB pushes:\n\n${lines.join("\n")}`,
  };
}
