/**
 * @module
 * Measures the "Node limit" in the run: starts bench/node-limit-server.ts (a
 * bare `node:http` server streaming the monolithic fixture file) as its own
 * process and pulls it with curl, one client (median of 3) and eight at once.
 */
import { join } from "node:path";
import { curlPull, medianCurlPull } from "./curl-pull.ts";
import { spawnManaged } from "./proc.ts";
import type { FileBlob } from "./registry-ops.ts";
import { freePort } from "./servers.ts";

/** What the bare Node server reached with curl clients, MB/s. */
export interface NodeLimit {
  readonly pull1: number;
  readonly pull8: number;
}

const READY_TIMEOUT_MS = 10_000;

/** Serves `blob`'s file from a bare node:http process and pulls it with curl. */
export async function measureNodeLimit(benchDir: string, blob: FileBlob): Promise<NodeLimit> {
  const port = await freePort();
  const script = join(benchDir, "node-limit-server.ts");
  const proc = spawnManaged(process.execPath, [script, blob.path, String(port)], benchDir);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`node limit server: not ready (${proc.outputSummary()})`)),
        READY_TIMEOUT_MS,
      );
      proc.onStdoutLine((line) => {
        if (line.startsWith("listening on")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.exited.then(() => reject(new Error(`node limit server ${proc.exitInfo()}: ${proc.outputSummary()}`)));
    });
    const url = `http://127.0.0.1:${port}/blob`;
    const pull1 = await medianCurlPull(url, {}, blob.size, 1, 3);
    const pull8 = await curlPull(url, {}, blob.size, 8);
    return { pull1, pull8 };
  } finally {
    await proc.stop();
  }
}
