/**
 * @module
 * The scale rows as a markdown section ("## Scale-out: S3 + PostgreSQL"),
 * and how it goes into the results file: in place of an earlier run's
 * section, else before the proxy section (whose writer keeps everything
 * above it), else at the end — so `--only scale` keeps every other row.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Cell } from "./rows.ts";
import { BACKEND_ROWS, NODE_ROWS, type ScaleResults } from "./scale-bench.ts";

const HEADING = "## Scale-out: S3 + PostgreSQL";
const PROXY_HEADING = "## Pull-through proxy";
const MIN_RATIO = 0.5;

function shown(cell: Cell | undefined): string {
  if (cell === undefined) return "n/a";
  if ("value" in cell) return cell.value.toFixed(1);
  if ("error" in cell) return `ERROR: ${cell.error.replace(/\|/g, "/").slice(0, 160)}`;
  return `skipped (${cell.skipped})`;
}

function ratioOf(a: Cell | undefined, b: Cell | undefined): number | undefined {
  if (!a || !b || !("value" in a) || !("value" in b) || b.value === 0) return undefined;
  return a.value / b.value;
}

/** The section: setup, the two tables, and the error that stopped the session if any. */
export function renderScaleSection(results: ScaleResults, run: { date: string; commit: string; partial: boolean }) {
  const lines = [
    HEADING,
    "",
    `- date: ${run.date}; commit: ${run.commit}${run.partial ? "; partial run (`--only scale`): the rows above are from their own run" : ""}`,
    "- every Wharf with auth on, the client sending one admin Bearer token; the same workloads and client as the table above, each row group run once",
    "- S3 is **s3rver** (a Node.js fake that keeps objects as files, in its own process), not a real object store; PostgreSQL is the tests' throwaway cluster (`initdb`, `fsync=off`); both on 127.0.0.1 and on the same 2 CPUs as Wharf and the client",
    "",
    "| workload | unit | filesystem + SQLite | S3 + PostgreSQL | ratio | target | status |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const [id, label, unit] of BACKEND_ROWS) {
    const ratio = ratioOf(results.scaleOut.get(id), results.embedded.get(id));
    const status = ratio === undefined ? "n/a" : ratio >= MIN_RATIO ? "met" : "MISSED";
    lines.push(
      `| ${label} | ${unit} | ${shown(results.embedded.get(id))} | ${shown(results.scaleOut.get(id))} | ${ratio === undefined ? "n/a" : `${ratio.toFixed(2)}×`} | ≥ ${MIN_RATIO}× | ${status} |`,
    );
  }
  lines.push(
    "",
    "Two S3 + PostgreSQL nodes against one (same bucket, same database; with two nodes request i goes to node i mod 2):",
    "",
    "| workload | unit | one node | two nodes | two ÷ one |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const [id, label, unit] of NODE_ROWS) {
    const ratio = ratioOf(results.twoNodes.get(id), results.oneNode.get(id));
    lines.push(
      `| ${label} | ${unit} | ${shown(results.oneNode.get(id))} | ${shown(results.twoNodes.get(id))} | ${ratio === undefined ? "n/a" : `${ratio.toFixed(2)}×`} |`,
    );
  }
  if (results.error) lines.push("", `Error: ${results.error}`);
  return `${lines.join("\n")}\n`;
}

/** Puts `section` into `file`: replacing an earlier one, else before the proxy section, else at the end. */
export async function writeScaleSection(file: string, section: string): Promise<void> {
  const text = await readFile(file, "utf8").catch(() => "");
  const at = text.indexOf(`\n${HEADING}`);
  if (at !== -1) {
    const next = text.indexOf("\n## ", at + 1);
    const rest = next === -1 ? "" : `\n${text.slice(next + 1)}`;
    await writeFile(file, `${text.slice(0, at).trimEnd()}\n\n${section}${rest}`);
    return;
  }
  const proxy = text.indexOf(`\n${PROXY_HEADING}`);
  if (proxy !== -1) {
    await writeFile(file, `${text.slice(0, proxy).trimEnd()}\n\n${section}\n${text.slice(proxy + 1)}`);
    return;
  }
  await writeFile(file, text.trim() === "" ? section : `${text.trimEnd()}\n\n${section}`);
}
