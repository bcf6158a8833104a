/**
 * @module
 * A worker's side of what the server's processes share through the
 * primary (server.ts `WorkerShared`): the whole server's metrics, the
 * connection counts behind the caps, the manifests served (for the pull
 * webhooks, aggregated in the primary), the memo of passwords checked a
 * moment ago (kept in this worker too, so a hit costs no round trip), and
 * the upload quotas (upload-quota-calls.ts), and when the proxy's tags were
 * last checked upstream (one round trip per lookup of a cached tag).
 */
import { createLocalPasswordMemo, type RememberedPassword } from "../accounts/password-memo.ts";
import type { ConnectionCap } from "../http/limit-connections.ts";
import type { TagCheck } from "../proxy/tag-freshness.ts";
import type { UploadQuotaLimits } from "../registry/upload-quota.ts";
import type { WorkerShared } from "../server.ts";
import type { ClusterCalls } from "./cluster-calls.ts";
import { workerUploadQuota } from "./upload-quota-calls.ts";

/** The topics the primary answers (cluster/start-cluster.ts). */
export const primaryTopics = {
  /** Answered once the primary has started (migrations, keys, administrator): then a worker may start. */
  start: "start",
  metrics: "metrics",
  pulled: "pulled",
  /** Answered once every process wrote the audit events it buffered. */
  flushAudits: "flush-audits",
  admit: "connection-admit",
  release: "connection-release",
  recall: "password-recall",
  remember: "password-remember",
  tagCheck: "tag-check",
  tagConfirm: "tag-confirm",
  tagStale: "tag-stale",
} as const;

/** The topic a worker answers: its own exposition. */
export const renderTopic = "metrics-render";
/** The topic a worker answers once it wrote its buffered audit events. */
export const flushAuditTopic = "audit-flush";

/** What `remember` carries. */
export interface RememberNote {
  readonly key: string;
  readonly entry: RememberedPassword;
}

/** What `tagCheck`, `tagConfirm` and `tagStale` carry (`reason` for the last only). */
export interface TagNote {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly now: number;
  readonly reason?: string;
}

/** The shared parts over `calls`, this worker's questions to its primary. */
export function workerShared(calls: ClusterCalls, limits: UploadQuotaLimits): WorkerShared {
  const memo = createLocalPasswordMemo();
  return {
    uploadQuota: workerUploadQuota(calls, limits),
    tagFreshness: {
      check: async (repository, tag, digest, now) =>
        (await calls.ask(primaryTopics.tagCheck, { repository, tag, digest, now } satisfies TagNote)) as
          | TagCheck
          | undefined,
      confirm: (repository, tag, digest, now) =>
        calls.tell(primaryTopics.tagConfirm, { repository, tag, digest, now } satisfies TagNote),
      servedStale: (repository, tag, digest, reason, now) =>
        calls.tell(primaryTopics.tagStale, { repository, tag, digest, reason, now } satisfies TagNote),
    },
    serverMetrics: async () => (await calls.ask(primaryTopics.metrics)) as string,
    pulled: (pull) => calls.tell(primaryTopics.pulled, pull),
    flushAudits: async () => {
      await calls.ask(primaryTopics.flushAudits);
    },
    connections: {
      admit: async (address) => (await calls.ask(primaryTopics.admit, address)) as ConnectionCap | undefined,
      release: (address) => calls.tell(primaryTopics.release, address),
    },
    passwordMemo: {
      async get(key) {
        const known = memo.get(key);
        if (known) return known;
        const shared = (await calls.ask(primaryTopics.recall, key).catch(() => undefined)) as
          | RememberedPassword
          | undefined;
        if (shared) memo.set(key, shared);
        return shared;
      },
      set(key, entry) {
        memo.set(key, entry);
        calls.tell(primaryTopics.remember, { key, entry } satisfies RememberNote);
      },
    },
  };
}
