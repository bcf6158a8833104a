/**
 * @module
 * Tag retention rules (`gc.retention`), applied by the garbage collector:
 * the first rule whose `repositories` pattern matches a repository decides.
 * A tag is kept when any of the rule's criteria keeps it: among the
 * `keepLast` most recently pushed, matching one of `keepTags`, pushed within
 * `keepPushedWithin`, pulled within `keepPulledWithin` (pull times are
 * recorded in batches; a tag never pulled since they were recorded counts as
 * not pulled), or a version in the `keepSemver` range. The collector deletes
 * the other tags, each with the reason it went (their manifests then follow
 * the untagged rule: `untaggedAfter`, else `gc.untaggedGrace`). A rule with
 * no criterion, or a repository no rule matches, keeps every tag.
 * Patterns are globs where `*` matches any run of characters (`shop/*`,
 * `v*`, `release-*`), anchored at both ends.
 */
import type { GcTag } from "../metadata/gc-metadata.ts";
import { compileSemverRange } from "./semver-range.ts";

/** One retention rule, as configured (windows in ms). */
export interface RetentionRule {
  readonly repositories: string;
  readonly keepLast?: number;
  readonly keepTags?: readonly string[];
  readonly keepPushedWithin?: number;
  readonly keepPulledWithin?: number;
  /** A semver range (`>=2.0.0 <3`, `^1.2`) of tags to keep. */
  readonly keepSemver?: string;
  /** Untagged manifests of these repositories last referenced longer ago than this go (ms). */
  readonly untaggedAfter?: number;
}

/** A tag retention lets go, and why (for the dry run). */
export interface ExpiredTag extends GcTag {
  readonly reason: string;
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

/** `90061000` → `1d 1h`: an age for people. */
export function formatAge(ms: number): string {
  const units: [string, number][] = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, ms);
  for (const [name, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
  }
  return parts.length === 0 ? "0s" : parts.join(" ");
}

function hasCriteria(rule: RetentionRule): boolean {
  return [rule.keepLast, rule.keepTags, rule.keepPushedWithin, rule.keepPulledWithin, rule.keepSemver].some(
    (c) => c !== undefined,
  );
}

/** The tags `rule` lets go at time `now`, newest first, each with its reason; see the module comment. */
export function expiredTags(tags: readonly GcTag[], rule: RetentionRule | undefined, now = Date.now()): ExpiredTag[] {
  if (!rule || !hasCriteria(rule)) return [];
  const newestFirst = [...tags].sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name));
  const recent = new Set(newestFirst.slice(0, rule.keepLast ?? 0).map((t) => t.name));
  const inRange = rule.keepSemver === undefined ? undefined : compileSemverRange(rule.keepSemver);
  const expired: ExpiredTag[] = [];
  for (const tag of newestFirst) {
    const why: string[] = [];
    if (rule.keepLast !== undefined) {
      if (recent.has(tag.name)) continue;
      why.push(`not among the ${rule.keepLast} newest`);
    }
    if (rule.keepTags !== undefined) {
      if (matchesAny(tag.name, rule.keepTags)) continue;
      why.push(`matches none of ${rule.keepTags.join(", ")}`);
    }
    if (rule.keepPushedWithin !== undefined) {
      if (now - tag.updatedAt <= rule.keepPushedWithin) continue;
      why.push(`pushed ${formatAge(now - tag.updatedAt)} ago`);
    }
    if (rule.keepPulledWithin !== undefined) {
      if (tag.pulledAt !== undefined && now - tag.pulledAt <= rule.keepPulledWithin) continue;
      why.push(tag.pulledAt === undefined ? "never pulled" : `last pulled ${formatAge(now - tag.pulledAt)} ago`);
    }
    if (inRange !== undefined) {
      if (inRange(tag.name)) continue;
      why.push(`not a version in ${rule.keepSemver}`);
    }
    expired.push({ ...tag, reason: why.join("; ") });
  }
  return expired;
}
