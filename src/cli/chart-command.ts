/**
 * @module
 * `wharf chart promote|demote|channels`: which chart versions each channel
 * sees. `promote web:1.0.0 --app myapp --channel beta` puts tag 1.0.0 of
 * `myapp/web` on channel beta; once a chart has any promotion, licenses see
 * only their channel's tags of it (licensing/chart-channels.ts).
 */
import type { Command } from "commander";
import { type ApiOptions, CliError, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

type Options = ApiOptions & { app: string; channel: string };

const channelsPath = (app: string) => `/apps/${encodeURIComponent(app)}/chart-channels`;

/** `<chart>:<tag>` split; CliError without a tag. */
function chartTag(given: string): { chart: string; tag: string } {
  const at = given.lastIndexOf(":");
  if (at <= 0 || at === given.length - 1)
    throw new CliError(`give <chart>:<tag>, e.g. web:1.0.0 (not ${given.slice(0, 60)})`);
  return { chart: given.slice(0, at), tag: given.slice(at + 1) };
}

/** Registers `chart …`. */
export function registerChartCommands(program: Command): void {
  const chart = program.command("chart").description("Helm chart versions on channels");
  for (const verb of ["promote", "demote"] as const) {
    withApiOptions(
      chart
        .command(`${verb} <chart:tag>`)
        .description(verb === "promote" ? "put a chart version on a channel" : "take a chart version off a channel")
        .requiredOption("--app <slug>", "the application")
        .requiredOption("--channel <name>", "the channel, e.g. stable or beta"),
    ).action(
      action(async (given: string, options: Options) => {
        const body = { ...chartTag(given), channel: options.channel };
        const answer = await (await connect(options)).request("POST", `${channelsPath(options.app)}/${verb}`, body);
        const done = verb === "promote" ? "is on" : "is no longer on";
        emit(options, answer ?? body, `${options.app}/${body.chart}:${body.tag} ${done} channel ${options.channel}`);
      }),
    );
  }
  withApiOptions(
    chart
      .command("channels")
      .description("list chart versions by channel")
      .requiredOption("--app <slug>", "the application"),
  ).action(
    action(async (options: ApiOptions & { app: string }) => {
      const answer = (await (await connect(options)).request("GET", channelsPath(options.app))) as {
        promotions: { chart: string; channel: string; tag: string; promotedAt: string }[];
      };
      const rows = answer.promotions.map((p) => [p.chart, p.channel, p.tag, p.promotedAt]);
      emit(options, answer, table(["chart", "channel", "tag", "promoted"], rows));
    }),
  );
}
