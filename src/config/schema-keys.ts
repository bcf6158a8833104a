/**
 * @module
 * What the configuration schema allows at a key path, for error messages
 * that suggest the key a user probably meant (`levl` → `level`). Reads the
 * zod schema itself, so a new key is suggested without a second list.
 */
import { z } from "zod";
import { configSchema, durationMeta } from "./config-schema.ts";

interface Definition {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
}

/** The object schema under wrappers (default, optional), or undefined. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let node: z.ZodType | undefined = schema;
  for (let depth = 0; node !== undefined && depth < 8; depth++) {
    const def: Definition = (node as unknown as { def: Definition }).def;
    if (def.type === "object") return def.shape;
    node = def.innerType;
  }
  return undefined;
}

/** The keys the schema allows at `path` (`["log"]` → `["level"]`); [] when `path` is not an object. */
export function schemaKeysAt(path: readonly PropertyKey[]): string[] {
  let shape = objectShape(configSchema);
  for (const key of path) {
    const child = shape?.[String(key)];
    shape = child === undefined ? undefined : objectShape(child);
  }
  return shape ? Object.keys(shape) : [];
}

/** Edit distance between two short strings (case-insensitive). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * The allowed key at `path` closest to `key`, when it is close enough to be
 * a typo (at most a third of its letters differ); undefined otherwise.
 */
export function closestKey(path: readonly PropertyKey[], key: string): string | undefined {
  let best: { key: string; score: number } | undefined;
  for (const candidate of schemaKeysAt(path)) {
    const score = distance(key, candidate);
    if (best === undefined || score < best.score) best = { key: candidate, score };
  }
  return best && best.score <= Math.max(1, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

/** The key paths whose values are durations (`[["uploads", "expireAfter"], …]`). */
export function durationPaths(): string[][] {
  const found: string[][] = [];
  const visit = (shape: Record<string, z.ZodType>, path: string[]) => {
    for (const [key, child] of Object.entries(shape)) {
      const inner = objectShape(child);
      if (inner) visit(inner, [...path, key]);
      else if (isDuration(child)) found.push([...path, key]);
    }
  };
  visit(objectShape(configSchema) ?? {}, []);
  return found;
}

function isDuration(schema: z.ZodType): boolean {
  let node: z.ZodType | undefined = schema;
  for (let depth = 0; node !== undefined && depth < 8; depth++) {
    if (z.globalRegistry.get(node)?.format === durationMeta.format) return true;
    node = (node as unknown as { def: Definition }).def.innerType;
  }
  return false;
}
