/**
 * @module
 * Pulls driven by `curl` processes (C, light on the CPU) instead of the Node
 * client: N simultaneous `curl -o /dev/null` of one URL, each checked for
 * status 200 and the full size; the figure is the aggregate MB/s over the
 * wall-clock time from the first spawn to the last exit.
 */
import { spawn } from "node:child_process";
import { mbPerSecond } from "./limits.ts";

export const CURL = "curl";

/** One curl GET of `url` to /dev/null; rejects unless it answers 200 with `size` bytes. */
function curlOnce(url: string, headers: Readonly<Record<string, string>>, size: number): Promise<void> {
  const args = ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "--noproxy", "*"];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(CURL, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (out += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (err += text));
    child.once("error", reject);
    child.once("close", (code) => {
      const [status, bytes] = out.trim().split(" ");
      if (code === 0 && status === "200" && Number(bytes) === size) resolve();
      else reject(new Error(`curl ${url}: exit ${code}, status ${status}, ${bytes} of ${size} bytes ${err.trim()}`));
    });
  });
}

/** `concurrency` simultaneous curl pulls of `url` (`size` bytes each); aggregate MB/s. */
export async function curlPull(
  url: string,
  headers: Readonly<Record<string, string>>,
  size: number,
  concurrency: number,
): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => curlOnce(url, headers, size)));
  return mbPerSecond(size * concurrency, (performance.now() - started) / 1000);
}

/** The median of `rounds` runs of {@link curlPull}. */
export async function medianCurlPull(
  url: string,
  headers: Readonly<Record<string, string>>,
  size: number,
  concurrency: number,
  rounds: number,
): Promise<number> {
  const figures: number[] = [];
  for (let round = 0; round < rounds; round++) figures.push(await curlPull(url, headers, size, concurrency));
  figures.sort((a, b) => a - b);
  return figures[Math.floor(figures.length / 2)]!;
}
