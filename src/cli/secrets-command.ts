/**
 * @module
 * `wharf secrets rotate-key`: asks the server to add a new master-key
 * version and re-encrypt every pull secret under it while it keeps serving
 * (server administrators). When the server's key comes from
 * `WHARF_MASTER_KEY`, the new version is added there first (`v1:…,v2:…`)
 * and this only re-encrypts. Secrets that could not be opened are listed
 * on stderr and the exit status is 1; running again resumes.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { action, emit, withApiOptions } from "./cli-output.ts";

interface RotationReport {
  readonly source: "file" | "environment";
  readonly addedVersion: number | null;
  readonly keyVersion: number;
  readonly reencrypted: number;
  readonly changedMeanwhile: number;
  readonly failed: { orgId: number; secret: string; reason: string }[];
}

async function rotateKey(options: ApiOptions): Promise<void> {
  const report = (await (await connect(options)).request("POST", "/secrets/rotate-key")) as RotationReport;
  const added =
    report.addedVersion === null
      ? `The master key comes from WHARF_MASTER_KEY: no version added, current version ${report.keyVersion}`
      : `Added master key version ${report.addedVersion}`;
  const meanwhile = report.changedMeanwhile > 0 ? ` (${report.changedMeanwhile} changed meanwhile)` : "";
  emit(options, report, `${added}; re-encrypted ${report.reencrypted} pull secrets${meanwhile}`);
  for (const failure of report.failed) {
    process.stderr.write(`wharf: could not re-encrypt secret ${failure.secret}: ${failure.reason}\n`);
  }
  if (report.failed.length > 0) process.exitCode = 1;
}

/** Registers `secrets …` (operations on every pull secret of the server). */
export function registerSecretsCommands(program: Command): void {
  const secrets = program.command("secrets").description("operations on all pull secrets of the server");
  withApiOptions(
    secrets
      .command("rotate-key")
      .description("add a master-key version and re-encrypt every pull secret under it (server administrators)"),
  ).action(action(rotateKey));
}
