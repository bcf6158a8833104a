/**
 * @module
 * `wharf webhook add|list|show|remove|deliveries|redeliver`: an
 * organization's webhooks (owners only). `add` prints the signing secret —
 * the one time it is ever shown; give your own with `--secret-stdin` (or
 * `--secret`, which other users of the machine may see in the process
 * list). `deliveries` is the delivery log: each delivery's event, state,
 * last status code, attempts, duration, next retry and error;
 * `deliveries config` is the log of the configuration file's endpoints
 * (server administrators), with each delivery's URL.
 */
import type { Command } from "commander";
import { configuredWebhookId, type DeliveryView, type WebhookView } from "../webhooks/webhook-view.ts";
import { type ApiOptions, CliError, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";
import { readSecret } from "./read-secret.ts";

interface AddOptions extends ApiOptions {
  readonly url: string;
  readonly events?: string;
  readonly repositories?: string;
  readonly secret?: string;
  readonly secretStdin?: boolean;
}

const hookPath = (id: string) => `/webhooks/${encodeURIComponent(id)}`;

async function add(org: string, options: AddOptions): Promise<void> {
  if (options.secret !== undefined && options.secretStdin)
    throw new CliError("give --secret or --secret-stdin, not both");
  const secret = options.secretStdin ? await readSecret(true) : options.secret;
  const body = {
    url: options.url,
    ...(options.events !== undefined && {
      events: options.events
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean),
    }),
    ...(options.repositories !== undefined && { repositories: options.repositories }),
    ...(secret !== undefined && { secret }),
  };
  const client = await connect(options);
  const w = (await client.request("POST", `/orgs/${encodeURIComponent(org)}/webhooks`, body)) as WebhookView & {
    secret: string;
  };
  emit(options, w, [
    `Added webhook ${w.id} in ${w.org}: ${w.url} (${w.events.join(", ")})`,
    `signing secret: ${w.secret}`,
    "Keep it now: Wharf stores it encrypted and never shows it again.",
  ]);
}

async function list(org: string, options: ApiOptions): Promise<void> {
  const client = await connect(options);
  const answer = (await client.request("GET", `/orgs/${encodeURIComponent(org)}/webhooks`)) as {
    webhooks: WebhookView[];
  };
  const rows = answer.webhooks.map((w) => [w.id, w.url, w.events.join(","), w.repositories, w.createdAt]);
  emit(options, answer, table(["id", "url", "events", "repositories", "created"], rows));
}

async function show(id: string, options: ApiOptions): Promise<void> {
  const w = (await (await connect(options)).request("GET", hookPath(id))) as WebhookView;
  emit(options, w, [
    `Webhook ${w.id} (organization ${w.org})`,
    `url:          ${w.url}`,
    `events:       ${w.events.join(", ")}`,
    `repositories: ${w.repositories}`,
    "secret:       (stored encrypted; shown only when added)",
    `created:      ${w.createdAt} by ${w.createdBy}`,
  ]);
}

async function remove(id: string, options: ApiOptions): Promise<void> {
  await (await connect(options)).request("DELETE", hookPath(id));
  emit(options, { id, removed: true }, `Removed webhook ${id} and its delivery log`);
}

async function deliveries(id: string, options: ApiOptions & { limit?: string }): Promise<void> {
  const query = options.limit === undefined ? "" : `?limit=${encodeURIComponent(options.limit)}`;
  const answer = (await (await connect(options)).request("GET", `${hookPath(id)}/deliveries${query}`)) as {
    deliveries: DeliveryView[];
  };
  const configured = id === configuredWebhookId;
  const rows = answer.deliveries.map((d) => [
    d.id,
    ...(configured ? [d.url] : []),
    d.event,
    d.state,
    d.statusCode,
    d.attempts,
    d.durationMs === null ? null : `${d.durationMs}ms`,
    d.nextAttemptAt,
    d.error,
  ]);
  emit(
    options,
    answer,
    table(
      [
        "delivery",
        ...(configured ? ["url"] : []),
        "event",
        "state",
        "status",
        "attempts",
        "duration",
        "next retry",
        "error",
      ],
      rows,
    ),
  );
}

async function redeliver(deliveryId: string, options: ApiOptions): Promise<void> {
  const d = (await (
    await connect(options)
  ).request("POST", `/webhook-deliveries/${encodeURIComponent(deliveryId)}/redeliver`)) as DeliveryView;
  emit(options, d, `Queued delivery ${d.id} (${d.event}), a redelivery of ${deliveryId}`);
}

/** Registers `webhook …`. */
export function registerWebhookCommands(program: Command): void {
  const webhook = program
    .command("webhook")
    .description("manage an organization's webhooks (owners): signed event POSTs, the delivery log, redelivery");
  withApiOptions(
    webhook
      .command("add <org>")
      .description("add a webhook; prints its signing secret once")
      .requiredOption("--url <url>", "where events are POSTed (http:// or https://)")
      .option("--events <list>", "comma-separated: push,delete,pull,quota,license,gc (default push,delete)")
      .option("--repositories <glob>", "only repositories matching this name or * glob (default *)")
      .option("--secret <secret>", "the signing secret (16+ characters; default: generated)")
      .option("--secret-stdin", "read the signing secret from standard input"),
  ).action(action(add));
  withApiOptions(webhook.command("list <org>").description("list the organization's webhooks")).action(action(list));
  withApiOptions(webhook.command("show <id>").description("show one webhook (never its secret)")).action(action(show));
  withApiOptions(webhook.command("remove <id>").description("remove a webhook and its delivery log")).action(
    action(remove),
  );
  withApiOptions(
    webhook
      .command("deliveries <id>")
      .description(
        "the delivery log: event, state, status code, attempts, duration, next retry, error; " +
          "`config` for the configuration file's endpoints (server administrators)",
      )
      .option("--limit <n>", "how many of the newest deliveries (1-200, default 50)"),
  ).action(action(deliveries));
  withApiOptions(
    webhook.command("redeliver <delivery-id>").description("send a delivery's body again, as a new delivery"),
  ).action(action(redeliver));
}
