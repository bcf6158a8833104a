/**
 * @module
 * `wharf quota set <namespace> <size>`, `wharf quota show [namespace]`,
 * `wharf quota remove <namespace>`: namespace quotas (server administrators);
 * `set --warn 80%` sets the warning threshold, `show` shows it and the state.
 */
import type { Command } from "commander";
import { formatByteSize } from "../quota/byte-size.ts";
import { type ApiOptions, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface QuotaStatus {
  readonly namespace: string;
  readonly limit: number | null;
  readonly used: number;
  readonly warnPercent?: number;
  readonly warnedAt?: string | null;
}

function state(q: QuotaStatus): string {
  if (q.limit === null) return "";
  if (q.used > q.limit) return "over quota";
  return q.warnedAt ? `warning since ${q.warnedAt.slice(0, 19).replace("T", " ")}` : "ok";
}

function rows(quotas: readonly QuotaStatus[]): string[] {
  return table(
    ["namespace", "used", "quota", "bytes used", "bytes allowed", "warn at", "state"],
    quotas.map((q) => [
      q.namespace,
      formatByteSize(q.used),
      q.limit === null ? "none" : formatByteSize(q.limit),
      q.used,
      q.limit ?? "",
      q.limit === null || q.warnPercent === undefined ? "" : `${q.warnPercent}%`,
      state(q),
    ]),
  );
}

async function setQuota(namespace: string, size: string, options: ApiOptions & { warn?: string }): Promise<void> {
  const body = {
    size: /^\d+$/.test(size) ? Number(size) : size,
    ...(options.warn !== undefined && { warn: options.warn }),
  };
  const answer = (await (
    await connect(options)
  ).request("PUT", `/quotas/${encodeURIComponent(namespace)}`, body)) as QuotaStatus;
  emit(options, answer, rows([answer]));
}

async function showQuota(namespace: string | undefined, options: ApiOptions): Promise<void> {
  const api = await connect(options);
  if (namespace !== undefined) {
    const answer = (await api.request("GET", `/quotas/${encodeURIComponent(namespace)}`)) as QuotaStatus;
    emit(options, answer, rows([answer]));
    return;
  }
  const answer = (await api.request("GET", "/quotas")) as { quotas: QuotaStatus[] };
  emit(options, answer, answer.quotas.length === 0 ? "no quotas are set" : rows(answer.quotas));
}

async function removeQuota(namespace: string, options: ApiOptions): Promise<void> {
  await (await connect(options)).request("DELETE", `/quotas/${encodeURIComponent(namespace)}`);
  emit(options, { removed: namespace }, `removed the quota of ${namespace}`);
}

/** Registers `quota set|show|remove`. */
export function registerQuotaCommands(program: Command): void {
  const quota = program.command("quota").description("namespace storage quotas (server administrators)");
  withApiOptions(
    quota
      .command("set <namespace> <size>")
      .description("limit a namespace to a size (10GiB, 500MB, or bytes): distinct blobs in its repositories")
      .option(
        "--warn <percent>",
        "warn (audit event, webhook) when usage reaches this share of the size (default 80%)",
      ),
  ).action(action(setQuota));
  withApiOptions(quota.command("show [namespace]").description("a namespace's usage and quota, or every quota")).action(
    action(showQuota),
  );
  withApiOptions(quota.command("remove <namespace>").description("remove a namespace's quota")).action(
    action(removeQuota),
  );
}
