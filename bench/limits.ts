/**
 * @module
 * The machine's own limits, printed beside the results: SHA-256 throughput of
 * node:crypto on 256 MiB in memory, and disk write throughput (1 GiB in 4 MiB
 * writes with one fdatasync at the end, median of three) in the benchmark's
 * work directory.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { GiB, MiB } from "./fixtures.ts";

export interface Limits {
  /** node:crypto SHA-256, MB/s (10^6 bytes per second). */
  readonly sha256: number;
  /** Sequential write with fdatasync, MB/s. */
  readonly diskWrite: number;
  /** The bare node:http server pulled by one curl (median of 3), MB/s; see node-limit.ts. */
  readonly nodePull1?: number;
  /** The same, eight curl clients at once (total), MB/s. */
  readonly nodePull8?: number;
}

const SHA_BYTES = 256 * MiB;
const DISK_BYTES = GiB;
const DISK_WRITE = 4 * MiB;

/** Flushes dirty pages so that one measurement does not pay for the previous one's writes. */
export function syncDisk(): void {
  spawnSync("sync", { stdio: "ignore" });
}

export function measureSha256(): number {
  const data = randomFillSync(Buffer.allocUnsafe(SHA_BYTES));
  const started = performance.now();
  createHash("sha256").update(data).digest();
  return mbPerSecond(SHA_BYTES, (performance.now() - started) / 1000);
}

export async function measureDiskWrite(dir: string): Promise<number> {
  const path = join(dir, "disk-write-test.bin");
  const data = randomFillSync(Buffer.allocUnsafe(DISK_WRITE));
  syncDisk();
  const file = await open(path, "w");
  let seconds = 0;
  try {
    const started = performance.now();
    for (let done = 0; done < DISK_BYTES; done += DISK_WRITE) await file.write(data);
    await file.datasync();
    seconds = (performance.now() - started) / 1000;
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
  return mbPerSecond(DISK_BYTES, seconds);
}

const DISK_ROUNDS = 3;

/** SHA-256 once; the disk write as the median of three rounds (a VM's disk is noisy). */
export async function measureLimits(dir: string): Promise<Limits> {
  const rounds: number[] = [];
  for (let round = 0; round < DISK_ROUNDS; round++) rounds.push(await measureDiskWrite(dir));
  rounds.sort((a, b) => a - b);
  return { sha256: measureSha256(), diskWrite: rounds[Math.floor(DISK_ROUNDS / 2)]! };
}

export function mbPerSecond(bytes: number, seconds: number): number {
  return bytes / 1e6 / seconds;
}
