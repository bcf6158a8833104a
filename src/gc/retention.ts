/**
 * @module
 * Tag retention rules (`gc.retention`), applied by the garbage collector:
 * the first rule whose `repositories` pattern matches a repository decides;
 * it keeps the `keepLast` most recently pushed tags and every tag matching
 * one of `keepTags`, and the collector deletes the other tags (their
 * manifests then follow the untagged rule: `untaggedAfter`, else
 * `gc.untaggedGrace`). A repository no rule matches keeps every tag.
 * Patterns are globs where `*` matches any run of characters (`shop/*`,
 * `v*`, `release-*`), anchored at both ends.
 */
import type { GcTag } from "../metadata/gc-metadata.ts";

/** One retention rule, as configured. */
export interface RetentionRule {
  readonly repositories: string;
  readonly keepLast?: number;
  readonly keepTags?: readonly string[];
  /** Untagged manifests of these repositories last referenced longer ago than this go (ms). */
  readonly untaggedAfter?: number;
}

/** Compiles a `*` glob into an anchored pattern. */
export function globPattern(glob: string): RegExp {
  const source = glob
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`);
}

/** True when `name` matches one of the globs. */
export function matchesAny(name: string, globs: readonly string[]): boolean {
  return globs.some((glob) => globPattern(glob).test(name));
}

/** The rule that governs `repository`, or undefined. */
export function ruleFor(repository: string, rules: readonly RetentionRule[]): RetentionRule | undefined {
  return rules.find((rule) => globPattern(rule.repositories).test(repository));
}

/** The tags `rule` lets go: not among the last `keepLast` pushed and matching no `keepTags` pattern. */
export function expiredTags(tags: readonly GcTag[], rule: RetentionRule | undefined): GcTag[] {
  if (!rule || (rule.keepLast === undefined && rule.keepTags === undefined)) return [];
  const newestFirst = [...tags].sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name));
  const recent = new Set(newestFirst.slice(0, rule.keepLast ?? 0).map((t) => t.name));
  return newestFirst.filter((t) => !recent.has(t.name) && !matchesAny(t.name, rule.keepTags ?? []));
}
