/**
 * @module
 * Repositories as people browse and remove them: `repo list` shows the
 * repositories a caller may pull (of one namespace, or all), with tag and
 * manifest counts and the last push; `repo tags` shows each tag with its
 * digest, size, platforms and push time; a repository delete removes its
 * tags, manifests, blob links, visibility setting and grants, after which
 * the registry answers NAME_UNKNOWN for it. Blob bytes stay on disk until a
 * garbage collector (not built yet) removes blobs no repository links.
 * Who may delete is who manages the namespace: its user, the owning
 * organization's owners and admins, and server administrators.
 */

import type { AccountRemoval } from "../metadata/account-removal.ts";
import type { RepositoryRemoval } from "../metadata/registry-metadata.ts";
import type { RepositoryContents, RepositorySummaryRow } from "../metadata/repository-contents.ts";
import { isValidRepositoryName } from "../reference/grammar.ts";
import { describeTags, type TagView } from "../registry/describe-tags.ts";
import { AccountsError } from "./accounts-error.ts";
import {
  type Caller,
  type ManagementDeps,
  recordChange,
  requireManager,
  requireNamespaceManager,
} from "./management-access.ts";
import type { ContentManagementDeps } from "./management-deps.ts";
import { namespaceOf } from "./permission-resolver.ts";

/** What browsing and removing repositories needs beyond the accounts services. */
export interface ContentDeps extends ManagementDeps {
  readonly registry: RepositoryRemoval;
  readonly contents: RepositoryContents;
  readonly removal: AccountRemoval;
}

/** A repository as `repo list` shows it. */
export interface RepositoryView {
  readonly name: string;
  readonly tags: number;
  readonly manifests: number;
  /** Bytes of the distinct blobs linked in the repository. */
  readonly bytes: number;
  readonly createdAt: string;
  readonly pushedAt: string | null;
}

/** What a repository delete removed (or, for a dry run, would remove). */
export interface RepositoryDeletion {
  readonly repository: string;
  readonly tags: number;
  readonly manifests: number;
  readonly deleted: boolean;
}

const maxListed = 5000;
const maxTags = 10_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(row: RepositorySummaryRow): RepositoryView {
  return {
    name: row.name,
    tags: row.tags,
    manifests: row.manifests,
    bytes: row.bytes,
    createdAt: iso(row.createdAt)!,
    pushedAt: iso(row.pushedAt),
  };
}

function assertRepositoryName(name: string): void {
  if (!isValidRepositoryName(name)) {
    throw new AccountsError("invalid-input", `${JSON.stringify(name.slice(0, 100))} is not a repository name`);
  }
}

/** Repository browsing and removal. */
export type ContentManagement = ReturnType<typeof createContentManagement>;

/** Creates the repository browsing and removal service. */
export function createContentManagement(deps: ContentManagementDeps) {
  const { contents, registry, removal, resolver } = deps;

  async function summaryOf(name: string): Promise<RepositorySummaryRow | undefined> {
    return (await contents.summaries(name, 1)).find((r) => r.name === name);
  }

  return {
    /** Repositories the caller may pull, of `namespace` or of every namespace, by name. */
    async list(caller: Caller, namespace?: string): Promise<RepositoryView[]> {
      const manager = requireManager(caller);
      const rows = await contents.summaries(namespace, maxListed);
      if (manager.isAdmin) return rows.map(view);
      const visible: RepositoryView[] = [];
      for (const row of rows) if (await resolver.canPull(caller.principal, row.name)) visible.push(view(row));
      return visible;
    },

    /** The tags of a repository the caller may pull; `not-found` for one that does not exist or is not theirs to see. */
    async tags(caller: Caller, repository: string): Promise<TagView[]> {
      requireManager(caller);
      assertRepositoryName(repository);
      const missing = () =>
        new AccountsError("not-found", `repository ${repository} does not exist or you may not pull from it`);
      if (!(await resolver.canPull(caller.principal, repository))) throw missing();
      const rows = await contents.tagDetails(repository, maxTags);
      if (!rows) throw missing();
      return describeTags(rows, (digests) => contents.manifests(repository, digests));
    },

    /** Deletes a repository (or with `dryRun` says what that would delete). `not-found` when it does not exist. */
    async remove(caller: Caller, repository: string, dryRun = false): Promise<RepositoryDeletion> {
      assertRepositoryName(repository);
      const manager = requireManager(caller);
      if (!manager.isAdmin) await requireNamespaceManager(deps, caller, namespaceOf(repository));
      const summary = await summaryOf(repository);
      if (!summary) throw new AccountsError("not-found", `repository ${repository} does not exist`);
      if (dryRun) return { repository, tags: summary.tags, manifests: summary.manifests, deleted: false };
      const removed = (await registry.deleteRepository(repository)) ?? { tags: 0, manifests: 0 };
      await removal.forgetRepositories(repository, "repository");
      recordChange(deps, caller, "repository.delete", `repository:${repository}`, removed);
      return { repository, ...removed, deleted: true };
    },
  };
}
