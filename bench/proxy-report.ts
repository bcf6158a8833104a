/**
 * @module
 * The proxy rows as a markdown section ("## Pull-through proxy"), and how it
 * goes into the results file: replacing the section of an earlier run, or
 * appended, so a proxy-only run keeps every other row of the file.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { ProxyResults } from "./proxy-bench.ts";

const HEADING = "## Pull-through proxy";

function ms(value: number | undefined): string {
  return value === undefined ? "n/a" : value.toFixed(0);
}

function verdict(ratio: number | undefined, limit: number, extra = true): [string, string] {
  if (ratio === undefined) return ["n/a", "n/a"];
  return [`${ratio.toFixed(2)}×`, ratio <= limit && extra ? "met" : "MISSED"];
}

function divide(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/** The section: what was measured, the table, and the error if the session failed. */
export function renderProxySection(results: ProxyResults, run: { date: string; commit: string; partial: boolean }) {
  const mib = results.layerBytes / 1024 / 1024;
  const single = results.upstreamSingle;
  const oneFetch = single !== undefined && results.upstreamConcurrent === single;
  const rows = [
    ["cold pull through the proxy (median of 3)", results.cold, "direct pull from the upstream", results.direct, 1.15],
    [
      "warm pull through the proxy (median of 3)",
      results.warm,
      "pull of the same image pushed to Wharf",
      results.pushed,
      1.05,
    ],
    [
      "8 concurrent cold pulls of one image, total",
      results.concurrent,
      "one cold pull through the proxy",
      results.cold,
      1.3,
    ],
  ] as const;
  const lines = [
    HEADING,
    "",
    `- date: ${run.date}; commit: ${run.commit}${run.partial ? "; partial run (`--only proxy`): the rows above are from their own run" : ""}`,
    `- an image = OCI manifest + small config + one ${mib} MiB random layer; a pull = GET manifest by tag, then both blobs at once (the benchmark's node:http client, bodies discarded); times in ms`,
    "- upstream: Distribution 2.8.2 (no auth, as above); Wharf with auth on and `outbound.allow: 127.0.0.0/8`, external registry `up` of app `benchapp`; the client sends one admin Bearer token",
    `- upstream requests made by the proxy: ${single ?? "n/a"} per cold pull, ${results.upstreamConcurrent ?? "n/a"} for the 8 concurrent cold pulls (one upstream fetch: ${single === undefined ? "n/a" : oneFetch ? "yes" : "NO"})`,
    "",
    "| workload | Wharf proxy, ms | reference | reference, ms | ratio | target | status |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const [label, value, reference, referenceValue, limit] of rows) {
    const extra = limit === 1.3 ? oneFetch : true;
    const [ratio, status] = verdict(divide(value, referenceValue), limit, extra);
    const target = limit === 1.3 ? `≤ ${limit}× and one upstream fetch` : `≤ ${limit}×`;
    lines.push(`| ${label} | ${ms(value)} | ${reference} | ${ms(referenceValue)} | ${ratio} | ${target} | ${status} |`);
  }
  if (results.error) lines.push("", `Error: ${results.error}`);
  return `${lines.join("\n")}\n`;
}

/** Puts `section` into `file` in place of an earlier proxy section (the sections after it stay), or at its end. */
export async function writeProxySection(file: string, section: string): Promise<void> {
  const text = await readFile(file, "utf8").catch(() => "");
  const at = text.indexOf(`\n${HEADING}`);
  const kept = (at === -1 ? text : text.slice(0, at)).trimEnd();
  // The sections after this one (earlier runs' analysis) stay.
  const next = at === -1 ? -1 : text.indexOf("\n## ", at + 1);
  const after = next === -1 ? "" : `\n${text.slice(next + 1)}`;
  await writeFile(file, `${kept === "" ? section : `${kept}\n\n${section}`}${after}`);
}
