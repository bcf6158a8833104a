/**
 * @module
 * Queries built once and run many times with new values. Kysely builds and
 * compiles a query anew each time it runs, which on the registry's hot paths
 * (every manifest push, every tag pull) cost more than running the SQL. A
 * template is compiled once with stand-in values ("marks"); each run swaps
 * the marks among the compiled parameters for the real values, in the
 * dialect's own parameter order.
 */
import type { CompiledQuery } from "kysely";

/** A compiled query whose marks are replaced by `values` (the same order as the marks given). */
export type QueryTemplate<R> = (...values: unknown[]) => CompiledQuery<R>;

/**
 * Makes a template of `compiled`, built with `marks` in place of the values.
 * Each mark must be distinct from every other parameter (identity for
 * objects): e.g. `-7_777_001`, `"\u0000name"`. Fails at once if a mark does
 * not occur among the parameters (the query changed shape).
 */
export function queryTemplate<R>(compiled: CompiledQuery<R>, marks: readonly unknown[]): QueryTemplate<R> {
  const slots = compiled.parameters.map((value) => marks.indexOf(value));
  for (const [index, mark] of marks.entries()) {
    if (!slots.includes(index)) throw new Error(`query template: mark ${String(mark)} not found in ${compiled.sql}`);
  }
  return (...values) => ({
    ...compiled,
    parameters: slots.map((slot, at) => (slot === -1 ? compiled.parameters[at] : values[slot])),
  });
}

/** Marks for lists: `count` distinct strings. */
export function listMarks(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, index) => `\u0000${prefix}${index}`);
}
