/**
 * @module
 * `wharf gc [--dry-run] [--grace <duration>]`: runs garbage collection on
 * the server now (server administrators) and prints what went — or, with
 * `--dry-run`, what would go and how many bytes.
 */
import type { Command } from "commander";
import type { GcReport } from "../gc/create-garbage-collector.ts";
import { formatByteSize } from "../quota/byte-size.ts";
import { type ApiOptions, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface GcOptions extends ApiOptions {
  readonly dryRun?: boolean;
  readonly grace?: string;
}

/** What `POST /api/v1/gc` answers: the collector's report. */
type GcAnswer = GcReport;

async function gc(options: GcOptions): Promise<void> {
  const body = { dryRun: options.dryRun === true, ...(options.grace && { grace: options.grace }) };
  const answer = (await (await connect(options)).request("POST", "/gc", body)) as GcAnswer;
  const verb = answer.dryRun ? "would delete" : "deleted";
  const lines = [
    ...table(
      ["kind", "digest", "where / size", "why"],
      [
        ...answer.deletedTags.map((t) => ["tag", t.tag, t.repository, t.reason]),
        ...answer.deletedManifests.map((m) => ["manifest", m.digest, m.repository, ""]),
        ...answer.deletedBlobs.map((b) => ["blob", b.digest, formatByteSize(b.size), ""]),
      ],
    ),
    `${verb} ${answer.blobs} blobs (${formatByteSize(answer.bytes)}, ${answer.bytes} bytes), ${answer.tags} tags, ${answer.manifests} manifests and ${answer.links} blob links in ${answer.repositories} repositories${answer.resumed > 0 ? `; finished ${answer.resumed} blobs of an interrupted run` : ""}`,
  ];
  emit(options, answer, lines);
}

/** Registers `gc`. */
export function registerGcCommand(program: Command): void {
  withApiOptions(
    program
      .command("gc")
      .description("run garbage collection on the server now (server administrators)")
      .option("--dry-run", "delete nothing; print what would be deleted and how many bytes")
      .option("--grace <duration>", "keep what was referenced within this window (default: the server's gc.grace)"),
  ).action(action(gc));
}
