/**
 * @module
 * Immutable tag rules stored in the database (`wharf repo immutable`): a
 * tag pattern that a namespace (a target without '/') or one repository
 * keeps immutable. One rule per target and pattern.
 */

/** A stored rule. */
export interface ImmutableTagRuleRow {
  /** A namespace (`shop`) or a repository (`shop/api`). */
  readonly target: string;
  /** A tag `*` glob (`v*`). */
  readonly pattern: string;
  readonly createdAt: number;
}

/** The rules' store. */
export interface ImmutableTagMetadata {
  /** Adds a rule; false when it existed already (nothing changes). */
  addRule(target: string, pattern: string): Promise<boolean>;
  /** Removes a rule; false when there was none. */
  removeRule(target: string, pattern: string): Promise<boolean>;
  /** The rules of these targets (every rule when undefined), by target then pattern. */
  rules(targets?: readonly string[]): Promise<ImmutableTagRuleRow[]>;
}
