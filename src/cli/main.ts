/**
 * @module
 * The `wharf` command line. Each command lives in its own module and
 * registers itself here; this file only assembles them.
 */
import { requireNode } from "./require-node.ts";

requireNode(24);
// Uploads fsync on libuv's thread pool; the default 4 threads would queue
// concurrent pushes behind each other's fsyncs. Set before any pool use.
process.env.UV_THREADPOOL_SIZE ??= "16";

const { Command } = await import("commander");

const program = new Command("wharf")
  .description("Wharf: a container registry for software vendors")
  .version("0.1.0")
  .showHelpAfterError();

// `wharf airgap …` moves gigabytes on a customer's machine, timed against
// skopeo: it loads only its own module, not every command's (measured on
// `airgap push`: about 0.2 s of CPU at start-up).
if (process.argv[2] === "airgap") {
  const { registerAirgapCommands } = await import("./airgap-command.ts");
  registerAirgapCommands(program);
} else {
  await registerAll(program);
}

await program.parseAsync(process.argv);

async function registerAll(program: InstanceType<typeof Command>): Promise<void> {
  const { registerAirgapCommands } = await import("./airgap-command.ts");
  const { registerAppCommands } = await import("./app-command.ts");
  const { registerAuditCommand } = await import("./audit-command.ts");
  const { registerGcCommand } = await import("./gc-command.ts");
  const { registerChartCommands } = await import("./chart-command.ts");
  const { registerQuotaCommands } = await import("./quota-command.ts");
  const { registerConfigCommand } = await import("./config-command.ts");
  const { registerExternalCommands } = await import("./external-command.ts");
  const { registerCustomerCommands } = await import("./customer-command.ts");
  const { registerKeysCommand } = await import("./keys-command.ts");
  const { registerLicenseCommands } = await import("./license-command.ts");
  const { registerLoginCommands } = await import("./login-command.ts");
  const { registerMigrateCommand } = await import("./migrate-command.ts");
  const { registerBackupCommands } = await import("./backup-command.ts");
  const { registerOrgCommands } = await import("./org-command.ts");
  const { registerPasswordCommand } = await import("./password-command.ts");
  const { registerRefCommand } = await import("./ref-command.ts");
  const { registerReleaseCommands } = await import("./release-command.ts");
  const { registerRepoCommands } = await import("./repo-command.ts");
  const { registerRewriteCommand } = await import("./rewrite-command.ts");
  const { registerRobotCommands } = await import("./robot-command.ts");
  const { registerSecretCommands } = await import("./secret-command.ts");
  const { registerSecretsCommands } = await import("./secrets-command.ts");
  const { registerServeCommand } = await import("./serve-command.ts");
  const { registerServiceCommands } = await import("./service-command.ts");
  const { registerTeamCommands } = await import("./team-command.ts");
  const { registerTokenCommands } = await import("./token-command.ts");
  const { registerUserCommands } = await import("./user-command.ts");
  const { registerWebhookCommands } = await import("./webhook-command.ts");

  registerServeCommand(program);
  registerRefCommand(program);
  registerConfigCommand(program);
  registerKeysCommand(program);
  registerLoginCommands(program);
  registerUserCommands(program);
  registerPasswordCommand(program);
  registerOrgCommands(program);
  registerTeamCommands(program);
  registerAppCommands(program);
  registerReleaseCommands(program);
  registerChartCommands(program);
  registerRepoCommands(program);
  registerTokenCommands(program);
  registerRobotCommands(program);
  registerAuditCommand(program);
  registerSecretCommands(program);
  registerSecretsCommands(program);
  registerServiceCommands(program);
  registerExternalCommands(program);
  registerRewriteCommand(program);
  registerAirgapCommands(program);
  registerCustomerCommands(program);
  registerLicenseCommands(program);
  registerMigrateCommand(program);
  registerBackupCommands(program);
  registerGcCommand(program);
  registerQuotaCommands(program);
  registerWebhookCommands(program);
}
