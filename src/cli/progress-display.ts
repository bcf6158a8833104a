/**
 * @module
 * Progress of long commands: one line redrawn in place on a terminal
 * (bytes, blobs, rate, time left), JSON lines on anything else (at most one
 * a second, plus the last), always on stderr so stdout stays the command's
 * answer.
 */
import type { BundleProgress } from "../airgap/bundle-progress.ts";

/** A progress display for `what` (`build`, `verify`, `push`) on `stream`. */
export function createProgressDisplay(
  what: string,
  stream: NodeJS.WriteStream = process.stderr,
  now = Date.now,
): BundleProgress {
  let total = 0;
  let blobs = 0;
  let done = 0;
  let doneBlobs = 0;
  let started = now();
  let shown = 0;
  const draw = (final: boolean) => {
    const elapsed = Math.max(1, now() - started) / 1000;
    const rate = done / elapsed;
    const eta = rate > 0 ? Math.round((total - done) / rate) : undefined;
    if (stream.isTTY) {
      const line = `${what}: ${size(done)} / ${size(total)}  ${doneBlobs}/${blobs} blobs  ${size(rate)}/s  ${final ? "done" : `ETA ${eta === undefined ? "?" : clock(eta)}`}`;
      stream.write(`\r${line.padEnd(78)}${final ? "\n" : ""}`);
    } else {
      stream.write(
        `${JSON.stringify({ progress: what, bytes: done, totalBytes: total, blobs: doneBlobs, totalBlobs: blobs, bytesPerSecond: Math.round(rate), ...(final && { done: true }) })}\n`,
      );
    }
  };
  const maybeDraw = () => {
    if (now() - shown < (stream.isTTY ? 200 : 1000)) return;
    shown = now();
    draw(false);
  };
  return {
    start(totalBytes, totalBlobs, doneBytes, doneBlobsSoFar) {
      total = totalBytes;
      blobs = totalBlobs;
      done = doneBytes;
      doneBlobs = doneBlobsSoFar;
      started = now();
    },
    advance(bytes) {
      done += bytes;
      maybeDraw();
    },
    blobDone() {
      doneBlobs += 1;
      maybeDraw();
    },
    finish: () => draw(true),
  };
}

function size(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${String(seconds % 60).padStart(2, "0")}`;
}
