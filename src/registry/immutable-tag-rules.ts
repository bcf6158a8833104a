/**
 * @module
 * Immutable tags from both sources: the configuration's `immutableTags`
 * (checked first, without a query) and rules stored per namespace or
 * repository (`wharf repo immutable <target> <pattern>`). A stored rule on
 * a namespace (`shop`) covers every repository of it; one on a repository
 * (`shop/api`) covers that repository only. The lookup costs one indexed
 * query per tag push or delete, so a rule added on any node applies at once.
 */
import { globPattern } from "../gc/retention.ts";
import type { ImmutableTagMetadata, ImmutableTagRuleRow } from "../metadata/immutable-tag-metadata.ts";
import { createImmutableTags, type ImmutableTagRule } from "./immutable-tags.ts";

/** The rules service. */
export type ImmutableTagRules = ReturnType<typeof createImmutableTagRules>;

function targetsOf(repository: string): string[] {
  const namespace = repository.split("/", 1)[0]!;
  return namespace === repository ? [repository] : [namespace, repository];
}

/** Creates the service over the store and the configured rules. */
export function createImmutableTagRules(store: ImmutableTagMetadata, configured: readonly ImmutableTagRule[]) {
  const fromConfig = createImmutableTags(configured);
  return {
    /** The rule (configured first, then stored) that makes `tag` of `repository` immutable, if any. */
    async lookup(repository: string, tag: string): Promise<ImmutableTagRule | undefined> {
      const configuredRule = fromConfig(repository, tag);
      if (configuredRule) return configuredRule;
      const row = (await store.rules(targetsOf(repository))).find((r) => globPattern(r.pattern).test(tag));
      if (!row) return undefined;
      const repositories = row.target.includes("/") ? row.target : `${row.target}/*`;
      return { repositories, tags: [row.pattern], stored: row.target };
    },

    /** Stores a rule; `added` false when it existed already. */
    async add(target: string, pattern: string): Promise<{ target: string; pattern: string; added: boolean }> {
      return { target, pattern, added: await store.addRule(target, pattern) };
    },

    /** Removes a rule; false when there was none. */
    remove(target: string, pattern: string): Promise<boolean> {
      return store.removeRule(target, pattern);
    },

    /** The stored rules of `target` (every stored rule when undefined). */
    list(target?: string): Promise<ImmutableTagRuleRow[]> {
      return store.rules(target === undefined ? undefined : [target]);
    },
  };
}
