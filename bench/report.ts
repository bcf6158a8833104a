/**
 * @module
 * The results table — workload | Wharf | Distribution | Wharf/Distribution |
 * target | status — rendered for the terminal and as bench/RESULTS.md, with
 * errors as numbered notes under the table.
 */
import type { Limits } from "./limits.ts";
import { type Cell, type Results, ROWS, type RowSpec } from "./rows.ts";
import type { ServerKind } from "./servers.ts";

/** Where and how the run happened. */
export interface RunInfo {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly machine: string;
  readonly mode: string;
  readonly distribution: string;
  readonly limits: Limits;
}

export type AllResults = ReadonlyMap<ServerKind, Results>;

interface Table {
  readonly header: string[];
  readonly rows: string[][];
  readonly notes: string[];
}

const HEADER = ["workload", "Wharf", "Distribution", "Wharf/Distribution", "target", "status"];

function formatNumber(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function numberIn(cell: Cell | undefined): number | undefined {
  return cell !== undefined && "value" in cell ? cell.value : undefined;
}

/** An error shown once under the table, with the rows it stopped. */
interface Note {
  readonly server: string;
  readonly error: string;
  readonly rows: string[];
}

function describe(cell: Cell | undefined, server: string, row: string, notes: Note[]): string {
  if (cell === undefined) return "not run";
  if ("value" in cell) return formatNumber(cell.value);
  if ("skipped" in cell) return `skipped (${cell.skipped})`;
  let index = notes.findIndex((note) => note.server === server && note.error === cell.error);
  if (index < 0) index = notes.push({ server, error: cell.error, rows: [] }) - 1;
  notes[index]!.rows.push(row);
  return `error [${index + 1}]`;
}

function noteLines(notes: readonly Note[]): string[] {
  return notes.map((note, index) => `[${index + 1}] ${note.server} (${note.rows.join(", ")}): ${note.error}`);
}

function ratio(row: RowSpec, wharf: number | undefined, dist: number | undefined): string {
  if (wharf === undefined || dist === undefined || dist === 0) return "—";
  return `${(wharf / dist).toFixed(2)}×${row.lowerIsBetter ? " (lower is better)" : ""}`;
}

function status(row: RowSpec, wharf: number | undefined, dist: number | undefined, limits: Limits) {
  if (row.target === undefined) return "—";
  if (wharf === undefined) return "n/a";
  const met = row.target.check(wharf, dist, limits);
  return met === undefined ? "n/a" : met ? "met" : "MISSED";
}

function tableRow(row: RowSpec, results: AllResults, limits: Limits, notes: Note[]): string[] {
  const cell = (server: ServerKind, name: string) =>
    results.has(server) ? describe(results.get(server)?.get(row.id), name, row.id, notes) : "not run";
  const wharf = numberIn(results.get("wharf")?.get(row.id));
  const dist = numberIn(results.get("distribution")?.get(row.id));
  return [
    `${row.label}, ${row.unit}`,
    cell("wharf", "Wharf"),
    cell("distribution", "Distribution"),
    ratio(row, wharf, dist),
    row.target?.text(limits) ?? "—",
    status(row, wharf, dist, limits),
  ];
}

function buildTable(results: AllResults, limits: Limits): Table {
  const notes: Note[] = [];
  const rows = ROWS.map((row) => tableRow(row, results, limits, notes));
  return { header: HEADER, rows, notes: noteLines(notes) };
}

function limitsLine(limits: Limits): string {
  return (
    `machine limits: SHA-256 ${formatNumber(limits.sha256)} MB/s (node:crypto, 256 MiB in memory); ` +
    `disk write ${formatNumber(limits.diskWrite)} MB/s (1 GiB in 4 MiB writes + fdatasync, median of 3)`
  );
}

/** The plain-text table for the terminal. */
export function renderConsole(info: RunInfo, results: AllResults): string {
  const table = buildTable(results, info.limits);
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, col) => Math.max(...all.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => cell.padEnd(widths[col]!)).join(" | ");
  const rule = widths.map((width) => "-".repeat(width)).join("-+-");
  return [
    limitsLine(info.limits),
    "",
    line(table.header),
    rule,
    ...table.rows.map(line),
    ...(table.notes.length ? ["", ...table.notes] : []),
  ].join("\n");
}

function markdownRow(row: string[]): string {
  return `| ${row.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`;
}

/** bench/RESULTS.md. */
export function renderMarkdown(info: RunInfo, results: AllResults): string {
  const table = buildTable(results, info.limits);
  return [
    "# Wharf benchmark results",
    "",
    "Written by `npm run bench` (bench/run.ts); see bench/README.md for how to read it.",
    "",
    `- date: ${info.date}`,
    `- commit: ${info.commit}`,
    `- node: ${info.node}`,
    `- machine: ${info.machine}`,
    `- mode: ${info.mode}`,
    `- peer: ${info.distribution}`,
    `- ${limitsLine(info.limits)}`,
    "",
    markdownRow(table.header),
    markdownRow(table.header.map(() => "---")),
    ...table.rows.map(markdownRow),
    ...(table.notes.length ? ["", "Errors:", "", ...table.notes.map((note) => `- ${note}`)] : []),
    "",
  ].join("\n");
}
