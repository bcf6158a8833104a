/**
 * @module
 * The accounts part of the metadata port, as plain rows. Services decide
 * what the rows mean (who may do what); this layer only stores them.
 */
import type { Role } from "../accounts/roles.ts";

export interface UserRow {
  readonly id: number;
  readonly name: string;
  readonly email: string | null;
  readonly passwordHash: string;
  readonly isAdmin: boolean;
  readonly disabled: boolean;
  /** Goes up on every password change and disable; refresh tokens stamped with an older one are dead. */
  readonly credentialsEpoch: number;
}

export interface OrganizationRow {
  readonly id: number;
  readonly name: string;
}

export interface TeamRow {
  readonly id: number;
  readonly orgId: number;
  readonly name: string;
  readonly role: Role;
}

export interface NamespaceRow {
  readonly name: string;
  readonly kind: "user" | "organization" | "application";
  readonly userId: number | null;
  readonly orgId: number | null;
  readonly public: boolean;
}

export interface TokenRow {
  readonly id: number;
  readonly userId: number;
  readonly name: string;
  readonly scopes: string[];
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface RobotRow {
  readonly id: number;
  readonly orgId: number;
  readonly orgName: string;
  readonly name: string;
  readonly scopes: string[];
  readonly revokedAt: number | null;
  readonly createdAt: number;
}

export interface GrantRow {
  readonly repository: string;
  readonly teamId: number | null;
  readonly userId: number | null;
  readonly role: Role;
}

export interface AuditRow {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail: unknown;
  readonly remote: string | null;
}

/** What {@link AuditStore.listAudit} selects; every field given must match. */
export interface AuditFilter {
  /** Events at or after this time (ms). */
  readonly since: number;
  readonly actor?: string;
  readonly action?: string;
  /** The exact target. */
  readonly target?: string;
  /** Targets that start with this text (compared exactly, case and all; `%` and `_` are plain characters). */
  readonly targetPrefix?: string;
  /** Only events with an id below this one: the next page after the event with this id. */
  readonly beforeId?: number;
}

/** A new audit event. */
export interface AuditEvent {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail?: unknown;
  readonly remote?: string;
}

/** People: local user accounts. Absence is `undefined`, never an exception. */
export interface UserStore {
  createUser(name: string, email: string | null, passwordHash: string, isAdmin: boolean): Promise<UserRow>;
  findUser(name: string): Promise<UserRow | undefined>;
  findUserById(id: number): Promise<UserRow | undefined>;
  listUsers(): Promise<UserRow[]>;
  /** Sets the password hash and bumps the user's credentials epoch. */
  setUserPassword(id: number, passwordHash: string): Promise<void>;
  /** Disabling also bumps the user's credentials epoch (re-enabling does not). */
  setUserDisabled(id: number, disabled: boolean): Promise<void>;
  countUsers(): Promise<number>;
}

/** Organizations and their members (owners or plain members). */
export interface OrganizationStore {
  createOrganization(name: string, ownerId: number): Promise<OrganizationRow>;
  findOrganization(name: string): Promise<OrganizationRow | undefined>;
  listOrganizations(userId?: number): Promise<OrganizationRow[]>;
  /** `owner`, `member` or undefined for a non-member. */
  membership(orgId: number, userId: number): Promise<"owner" | "member" | undefined>;
  setMembership(orgId: number, userId: number, owner: boolean): Promise<void>;
  /** Removes the member and, in the same transaction, from every team of the organization; a non-member is a no-op. */
  removeMember(orgId: number, userId: number): Promise<void>;
  listMembers(orgId: number): Promise<{ name: string; owner: boolean }[]>;
}

/** Teams of an organization, their role and their members. */
export interface TeamStore {
  createTeam(orgId: number, name: string, role: Role): Promise<TeamRow>;
  findTeam(orgId: number, name: string): Promise<TeamRow | undefined>;
  listTeams(orgId: number): Promise<(TeamRow & { members: string[] })[]>;
  setTeamRole(teamId: number, role: Role): Promise<void>;
  /** Deletes the team with its memberships and its repository grants. */
  deleteTeam(teamId: number): Promise<void>;
  addTeamMember(teamId: number, userId: number): Promise<void>;
  removeTeamMember(teamId: number, userId: number): Promise<void>;
  /** The teams of `orgId` that `userId` belongs to, by name. */
  teamsOfUser(orgId: number, userId: number): Promise<TeamRow[]>;
}

/** Namespaces, repository visibility and per-repository grants to teams or users. */
export interface NamespaceStore {
  createNamespace(row: Omit<NamespaceRow, "public">): Promise<void>;
  findNamespace(name: string): Promise<NamespaceRow | undefined>;
  listNamespaces(orgId: number): Promise<NamespaceRow[]>;
  setNamespacePublic(name: string, open: boolean): Promise<void>;
  /** A repository's own visibility override, or undefined to inherit its namespace's. */
  repositoryPublic(repository: string): Promise<boolean | undefined>;
  setRepositoryPublic(repository: string, open: boolean): Promise<void>;
  /**
   * The repository's grants in a fixed order, the same on every backend:
   * grants to teams first, by team id, then grants to users, by user id.
   */
  grantsFor(repository: string): Promise<GrantRow[]>;
  /** Grants `grant.role` to its team or user on its repository, replacing their earlier grant there (one row each, also under concurrency). */
  setGrant(grant: GrantRow): Promise<void>;
  removeGrant(repository: string, teamId: number | null, userId: number | null): Promise<void>;
}

/** Users' API tokens, stored by hash only. */
export interface TokenStore {
  createToken(
    userId: number,
    name: string,
    tokenHash: string,
    scopes: string[],
    expiresAt: number | null,
  ): Promise<TokenRow>;
  findTokenByHash(tokenHash: string): Promise<TokenRow | undefined>;
  findTokenById(id: number): Promise<TokenRow | undefined>;
  listTokens(userId: number): Promise<TokenRow[]>;
  revokeToken(id: number, at: number): Promise<void>;
  touchToken(id: number, at: number): Promise<void>;
}

/** An organization's robot accounts, stored by secret hash only. */
export interface RobotStore {
  createRobot(orgId: number, name: string, secretHash: string, scopes: string[]): Promise<RobotRow>;
  findRobotByHash(secretHash: string): Promise<RobotRow | undefined>;
  findRobotById(id: number): Promise<RobotRow | undefined>;
  listRobots(orgId: number): Promise<RobotRow[]>;
  revokeRobot(id: number, at: number): Promise<void>;
}

/** The append-only audit log. */
export interface AuditStore {
  /** Writes a batch of events in one transaction. */
  appendAudit(events: readonly { readonly event: AuditEvent; readonly at: number }[]): Promise<void>;
  /**
   * Up to `limit` events matching every filter given, newest first (by id:
   * the order they were written). A page ends where the next one starts
   * with `beforeId` set to the last id it held; events written meanwhile
   * never shift a later page.
   */
  listAudit(filter: AuditFilter, limit: number): Promise<AuditRow[]>;
}

/** Login-failure windows per key (account, address), shared by every node. */
export interface LoginLimitStore {
  /** Failures counted under `key` since `windowStart`; older windows restart at zero. */
  countFailure(key: string, now: number, windowMs: number): Promise<number>;
  /** The failures and window start under `key`, when its window started at or after `windowStart`. */
  failureWindow(key: string, windowStart: number): Promise<{ failures: number; startedAt: number } | undefined>;
  clearFailures(key: string): Promise<void>;
  /**
   * Atomically reads the windows under `keys` (an expired window reads as
   * undefined) and passes them to `decide`, in the order of `keys`. When
   * `decide` returns undefined, one attempt is counted under every key (an
   * expired window restarts at `now`); otherwise nothing changes. Returns
   * what `decide` returned. No other reservation or count interleaves.
   */
  reserveAttempt<T>(
    keys: readonly string[],
    now: number,
    windowMs: number,
    decide: (windows: readonly ({ failures: number; startedAt: number } | undefined)[]) => T | undefined,
  ): Promise<T | undefined>;
  /** Takes back one counted attempt under each key (never below zero). */
  releaseAttempt(keys: readonly string[]): Promise<void>;
}

/**
 * Everything the accounts services store: the role stores combined. A service
 * takes the smallest role (or intersection of roles) it uses; only the wiring
 * in `create-accounts.ts` and tests hold the whole.
 */
export interface AccountsMetadata
  extends UserStore,
    OrganizationStore,
    TeamStore,
    NamespaceStore,
    TokenStore,
    RobotStore,
    AuditStore,
    LoginLimitStore {}
