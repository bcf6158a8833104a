/**
 * @module
 * The upload quotas of a server with workers: the primary holds the one
 * keeper (registry/upload-quota.ts, loaded from the owners' marker files as
 * a single process does) and answers its workers over cluster-calls; a
 * worker's keeper is a stand-in that asks. So `limits.maxOpenUploadsPerPrincipal`
 * and `limits.maxUploadBytesPerPrincipal` hold for the whole server at the
 * cost of one round trip per check, not a directory listing per request.
 * Marker files stay the truth across restarts and across nodes.
 */
import { RepositoryError } from "../registry/repository-error.ts";
import { overUploadBytes, type UploadQuota, type UploadQuotaLimits } from "../registry/upload-quota.ts";
import type { CallHandlers, ClusterCalls } from "./cluster-calls.ts";

/** The topics the primary answers for its workers' keepers. */
export const uploadQuotaTopics = {
  open: "upload-quota-open",
  allowance: "upload-quota-allowance",
  grew: "upload-quota-grew",
  close: "upload-quota-close",
  sweep: "upload-quota-sweep",
} as const;

interface OwnerPath {
  readonly owner: string;
  readonly path: string;
}

interface Growth {
  readonly path: string;
  readonly size: number;
}

/** What `open` answers: nothing when the session is counted, the refusal's message when it is not. */
type OpenAnswer = { readonly refused: string } | undefined;

/** The primary's handlers over `quota()` (the primary's keeper, once it has started). */
export function uploadQuotaHandlers(quota: () => UploadQuota): CallHandlers {
  return {
    [uploadQuotaTopics.open]: async (body): Promise<OpenAnswer> => {
      const { owner, path } = body as OwnerPath;
      try {
        await quota().open(owner, path);
        return undefined;
      } catch (error) {
        if (error instanceof RepositoryError && error.kind === "quota-exceeded") return { refused: error.message };
        throw error;
      }
    },
    // Infinity does not survive the JSON of the IPC channel: null stands for it.
    [uploadQuotaTopics.allowance]: async (body) => {
      const { owner, path } = body as OwnerPath;
      const bytes = await quota().allowance(owner, path);
      return Number.isFinite(bytes) ? bytes : null;
    },
    [uploadQuotaTopics.grew]: (body) => quota().grew((body as Growth).path, (body as Growth).size),
    [uploadQuotaTopics.close]: (path) => quota().close(String(path)),
    [uploadQuotaTopics.sweep]: () => quota().sweep(),
  };
}

/** A worker's keeper: every check is answered by the primary over `calls`. */
export function workerUploadQuota(calls: ClusterCalls, limits: UploadQuotaLimits): UploadQuota {
  return {
    async open(owner, path) {
      const answer = (await calls.ask(uploadQuotaTopics.open, { owner, path } satisfies OwnerPath)) as OpenAnswer;
      if (answer) throw new RepositoryError("quota-exceeded", answer.refused);
    },
    async allowance(owner, path) {
      const bytes = (await calls.ask(uploadQuotaTopics.allowance, { owner, path } satisfies OwnerPath)) as
        | number
        | null;
      return bytes ?? Number.POSITIVE_INFINITY;
    },
    overQuota: (owner) => overUploadBytes(owner, limits),
    // One-way: the channel keeps its order, so this worker's next check sees it; another worker's
    // check comes after this worker's response, long after the note was sent.
    grew: (path, size) => calls.tell(uploadQuotaTopics.grew, { path, size } satisfies Growth),
    async close(path) {
      await calls.ask(uploadQuotaTopics.close, path);
    },
    sweep: async () => (await calls.ask(uploadQuotaTopics.sweep)) as number,
  };
}
