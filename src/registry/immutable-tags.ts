/**
 * @module
 * Immutable tags (`immutableTags` in the configuration): each rule names
 * repositories (a name or `*` glob: `shop/*`) and tag globs (`v*`). A tag
 * matching a rule may be created once; a push that would point it at other
 * content, or a delete of it, is refused with `tag-immutable` naming the rule.
 * Pushing the same content again is allowed (idempotent). Garbage
 * collection's retention never deletes such a tag either.
 */
import { globPattern, matchesAny } from "../gc/retention.ts";

/** One rule, as configured. */
export interface ImmutableTagRule {
  readonly repositories: string;
  readonly tags: readonly string[];
}

/** Answers which rule, if any, makes `tag` of `repository` immutable. */
export type ImmutableTags = (repository: string, tag: string) => ImmutableTagRule | undefined;

/** Compiles the rules into a lookup. */
export function createImmutableTags(rules: readonly ImmutableTagRule[]): ImmutableTags {
  const compiled = rules.map((rule) => ({ rule, pattern: globPattern(rule.repositories) }));
  return (repository, tag) => compiled.find((c) => c.pattern.test(repository) && matchesAny(tag, c.rule.tags))?.rule;
}

/** How a rule reads in messages: `shop/*: v*, stable`. */
export function describeRule(rule: ImmutableTagRule): string {
  return `${rule.repositories}: ${rule.tags.join(", ")}`;
}
