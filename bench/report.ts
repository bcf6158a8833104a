/**
 * @module
 * The results table — workload | Wharf | Wharf+auth | Distribution |
 * Wharf/Distribution | auth cost | target | status — rendered for the terminal
 * and as bench/RESULTS.md, with errors as numbered notes under the table.
 * Target and status hold two verdicts: Wharf against Distribution (and the
 * disk), and Wharf+auth against Wharf.
 */
import type { Limits } from "./limits.ts";
import { authTargetMet, authTargetText, type Cell, type Results, ROWS, type RowSpec } from "./rows.ts";
import { SERVER_KINDS, SERVER_LABELS, type ServerKind } from "./servers.ts";

/** Where and how the run happened. */
export interface RunInfo {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly machine: string;
  readonly mode: string;
  readonly distribution: string;
  /** How the two Wharfs were configured and how the client authenticated. */
  readonly wharf: string;
  readonly limits: Limits;
}

export type AllResults = ReadonlyMap<ServerKind, Results>;

interface Table {
  readonly header: string[];
  readonly rows: string[][];
  readonly notes: string[];
}

const HEADER = [
  "workload",
  ...SERVER_KINDS.map((kind) => SERVER_LABELS[kind]),
  "Wharf/Distribution",
  "auth cost (Wharf+auth/Wharf)",
  "target",
  "status",
];

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

function ratio(numerator: number | undefined, denominator: number | undefined, suffix = ""): string {
  if (numerator === undefined || denominator === undefined || denominator === 0) return "—";
  return `${(numerator / denominator).toFixed(2)}×${suffix}`;
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? "n/a" : met ? "met" : "MISSED";
}

/** The Wharf-vs-Distribution verdict (undefined when the row has no such target), then the auth one. */
function status(row: RowSpec, values: Values, limits: Limits): string {
  const auth = `auth ${verdict(authTargetMet(row, values.wharf, values.auth))}`;
  if (row.target === undefined) return auth;
  const met = values.wharf === undefined ? undefined : row.target.check(values.wharf, values.dist, limits);
  return `${verdict(met)}; ${auth}`;
}

function target(row: RowSpec, limits: Limits): string {
  const auth = authTargetText(row);
  return row.target === undefined ? auth : `${row.target.text(limits)}; ${auth}`;
}

interface Values {
  readonly wharf: number | undefined;
  readonly auth: number | undefined;
  readonly dist: number | undefined;
}

function tableRow(row: RowSpec, results: AllResults, limits: Limits, notes: Note[]): string[] {
  const cell = (kind: ServerKind) =>
    results.has(kind) ? describe(results.get(kind)?.get(row.id), SERVER_LABELS[kind], row.id, notes) : "not run";
  const value = (kind: ServerKind) => numberIn(results.get(kind)?.get(row.id));
  const values: Values = { wharf: value("wharf"), auth: value("wharf-auth"), dist: value("distribution") };
  return [
    `${row.label}, ${row.unit}`,
    ...SERVER_KINDS.map(cell),
    ratio(values.wharf, values.dist, row.lowerIsBetter ? " (lower is better)" : ""),
    ratio(values.auth, values.wharf),
    target(row, limits),
    status(row, values, limits),
  ];
}

function buildTable(results: AllResults, limits: Limits): Table {
  const notes: Note[] = [];
  const rows = ROWS.map((row) => tableRow(row, results, limits, notes));
  return { header: HEADER, rows, notes: noteLines(notes) };
}

function optionalNumber(value: number | undefined): string {
  return value === undefined ? "n/a" : formatNumber(value);
}

function limitsLine(limits: Limits): string {
  return (
    `machine limits: SHA-256 ${formatNumber(limits.sha256)} MB/s (node:crypto, 256 MiB in memory); ` +
    `disk write ${formatNumber(limits.diskWrite)} MB/s (1 GiB in 4 MiB writes + fdatasync, median of 3); ` +
    `Node limit (bare node:http + fs.createReadStream, 256 KiB reads, same file, curl clients) ` +
    `${optionalNumber(limits.nodePull1)} MB/s for 1 curl (median of 3), ${optionalNumber(limits.nodePull8)} MB/s for 8 concurrent`
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
    `- Wharf: ${info.wharf}`,
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
