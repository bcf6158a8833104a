/**
 * @module
 * The push workload of the crash and GC campaigns: `clients` concurrent
 * clients push monolithic blobs, chunked blobs, cross-repository mounts and
 * whole images (config, layer, manifest under a fresh tag) into `shop/r*`,
 * and a {@link Ledger} remembers every push the server acknowledged (201)
 * and every blob anyone tried to write, so a check after a crash can prove
 * that nothing acknowledged is lost and nothing partial is served.
 */
import { sha256 } from "../support/registry-http.ts";
import { call, eachLimited, type Outcome, type Random } from "./campaign-kit.ts";

/** A blob the server acknowledged in a repository. */
export interface AckedBlob {
  readonly repository: string;
  readonly digest: string;
  readonly size: number;
}

/** A manifest the server acknowledged under a tag. */
export interface AckedManifest {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly body: string;
  readonly blobs: readonly AckedBlob[];
}

/** What the server acknowledged, and every blob that was attempted. */
export interface Ledger {
  readonly blobs: AckedBlob[];
  readonly manifests: AckedManifest[];
  /** digest → repository and size of every blob any client started to push. */
  readonly attempted: Map<string, AckedBlob>;
  /** Counts per kind of push: acknowledged, refused with a 4xx, 5xx, cut by the crash. */
  readonly counts: Record<
    string,
    { acked: number; refused: number; errors5xx: number; cut: number; codes: Record<string, number> }
  >;
}

/** An empty ledger. */
export function createLedger(): Ledger {
  return { blobs: [], manifests: [], attempted: new Map(), counts: {} };
}

const kinds = ["monolithic", "chunked", "mount", "manifest"] as const;
const repositories = Array.from({ length: 8 }, (_, i) => `shop/r${i}`);

function tally(ledger: Ledger, kind: string, outcome: Outcome, acked: boolean): void {
  ledger.counts[kind] ??= { acked: 0, refused: 0, errors5xx: 0, cut: 0, codes: {} };
  const count = ledger.counts[kind];
  if (acked) count.acked++;
  else if ("error" in outcome) count.cut++;
  else if (outcome.status >= 500) count.errors5xx++;
  else {
    count.refused++;
    const code = /"code":"([A-Z_]+)"/.exec(outcome.body.toString())?.[1] ?? "";
    const key = `${outcome.status} ${code}`.trim();
    count.codes[key] = (count.codes[key] ?? 0) + 1;
  }
}

async function monolithic(base: string, repository: string, data: Buffer, ledger: Ledger): Promise<Outcome> {
  const digest = sha256(data);
  ledger.attempted.set(digest, { repository, digest, size: data.length });
  return call(`${base}/v2/${repository}/blobs/uploads/?digest=${digest}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: data,
  });
}

async function chunked(base: string, repository: string, data: Buffer, random: Random, ledger: Ledger) {
  const digest = sha256(data);
  ledger.attempted.set(digest, { repository, digest, size: data.length });
  let answer = await call(`${base}/v2/${repository}/blobs/uploads/`, { method: "POST" });
  let offset = 0;
  while (!("error" in answer) && answer.status === 202 && offset < data.length) {
    const location = new URL(answer.headers.get("location") ?? "", base);
    const end = Math.min(data.length, offset + random.int(8 * 1024, 64 * 1024));
    answer = await call(location.href, {
      method: "PATCH",
      headers: { "content-type": "application/octet-stream", "content-range": `${offset}-${end - 1}` },
      body: data.subarray(offset, end),
    });
    offset = end;
  }
  if ("error" in answer || answer.status !== 202) return answer;
  const location = new URL(answer.headers.get("location") ?? "", base);
  location.searchParams.set("digest", digest);
  return call(location.href, { method: "PUT" });
}

/** Runs the workload until `stop()` says so; every finished push is in `ledger`. */
export async function runPushClients(options: {
  readonly base: () => string;
  readonly clients: number;
  readonly random: Random;
  readonly ledger: Ledger;
  /** Prefix of this round's tags, so tags never move. */
  readonly round: string;
  /** Called as each push starts; answers false once the workload should stop. */
  readonly proceed: () => boolean;
}): Promise<void> {
  const { ledger, random } = options;
  let serial = 0;
  const client = async (id: number) => {
    while (options.proceed()) {
      const base = options.base();
      const kind = random.pick(kinds);
      const repository = random.pick(repositories);
      if (kind === "monolithic" || kind === "chunked") {
        const data = random.bytes(random.int(1, kind === "chunked" ? 256 * 1024 : 64 * 1024));
        const answer =
          kind === "monolithic"
            ? await monolithic(base, repository, data, ledger)
            : await chunked(base, repository, data, random, ledger);
        const acked = !("error" in answer) && answer.status === 201;
        if (acked) ledger.blobs.push({ repository, digest: sha256(data), size: data.length });
        tally(ledger, kind, answer, acked);
      } else if (kind === "mount") {
        const source = ledger.blobs.filter((blob) => blob.repository !== repository).at(-random.int(1, 50));
        if (!source) continue;
        const answer = await call(
          `${base}/v2/${repository}/blobs/uploads/?mount=${source.digest}&from=${source.repository}`,
          { method: "POST" },
        );
        const acked = !("error" in answer) && answer.status === 201;
        if (acked) ledger.blobs.push({ ...source, repository });
        // 202: the source is gone (collected), the server opened an upload instead; close it.
        if (!("error" in answer) && answer.status === 202)
          await call(new URL(answer.headers.get("location") ?? "", base).href, { method: "DELETE" });
        tally(ledger, kind, answer, acked);
      } else {
        const tag = `${options.round}-c${id}-${serial++}`;
        const configData = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", tag }));
        const layerData = random.bytes(random.int(1, 64 * 1024));
        const pushed = [await monolithic(base, repository, configData, ledger)];
        if (!("error" in pushed[0]!) && pushed[0]!.status === 201)
          pushed.push(await monolithic(base, repository, layerData, ledger));
        const blobs = [configData, layerData].map((data) => ({ repository, digest: sha256(data), size: data.length }));
        const body = JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { mediaType: "application/vnd.oci.image.config.v1+json", ...pick(blobs[0]!) },
          layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...pick(blobs[1]!) }],
        });
        const last = pushed.at(-1)!;
        const answer =
          pushed.length === 2 && !("error" in last) && last.status === 201
            ? await call(`${base}/v2/${repository}/manifests/${tag}`, {
                method: "PUT",
                headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
                body,
              })
            : last;
        const acked = !("error" in answer) && answer.status === 201;
        if (acked) ledger.manifests.push({ repository, tag, digest: sha256(body), body, blobs });
        tally(ledger, kind, answer, acked);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, id) => client(id)));
}

function pick(blob: AckedBlob) {
  return { digest: blob.digest, size: blob.size };
}

/** What a check of the ledger against a running server found. */
export interface LedgerCheck {
  readonly checkedBlobs: number;
  readonly checkedManifests: number;
  readonly lost: string[];
  readonly partial: string[];
}

/**
 * Pulls every acknowledged manifest (by tag and by digest) with its blobs and
 * every acknowledged blob (`standaloneBlobs`: false when GC may rightly have
 * collected blobs no manifest references), and GETs every attempted blob: a
 * 200 must carry exactly the digest's bytes.
 */
export async function checkLedger(base: string, ledger: Ledger, standaloneBlobs: boolean): Promise<LedgerCheck> {
  const lost: string[] = [];
  const partial: string[] = [];
  const blobs = new Map<string, AckedBlob>();
  for (const manifest of ledger.manifests)
    for (const blob of manifest.blobs) blobs.set(`${blob.repository}@${blob.digest}`, blob);
  if (standaloneBlobs) for (const blob of ledger.blobs) blobs.set(`${blob.repository}@${blob.digest}`, blob);
  await eachLimited(ledger.manifests, 16, async (manifest) => {
    for (const reference of [manifest.tag, manifest.digest]) {
      const answer = await call(`${base}/v2/${manifest.repository}/manifests/${reference}`, {
        headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
      });
      if ("error" in answer || answer.status !== 200 || answer.body.toString() !== manifest.body)
        lost.push(`manifest ${manifest.repository}:${reference} → ${"error" in answer ? answer.error : answer.status}`);
    }
  });
  await eachLimited([...blobs.values()], 16, async (blob) => {
    const answer = await call(`${base}/v2/${blob.repository}/blobs/${blob.digest}`);
    if ("error" in answer || answer.status !== 200 || sha256(answer.body) !== blob.digest)
      lost.push(`blob ${blob.repository}@${blob.digest} → ${"error" in answer ? answer.error : answer.status}`);
  });
  await eachLimited([...ledger.attempted.values()], 16, async (blob) => {
    const answer = await call(`${base}/v2/${blob.repository}/blobs/${blob.digest}`);
    if (!("error" in answer) && answer.status === 200 && sha256(answer.body) !== blob.digest)
      partial.push(`${blob.repository}@${blob.digest}: ${answer.body.length} of ${blob.size} bytes`);
  });
  return { checkedBlobs: blobs.size, checkedManifests: ledger.manifests.length, lost, partial };
}
