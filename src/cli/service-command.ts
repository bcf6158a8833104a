/**
 * @module
 * `wharf service create|update|list|show|delete|render`: an organization's
 * service deployments (name, image, pull secret, replicas, ports, env,
 * command) and their Kubernetes YAML. After `create` and `update` of a
 * service with a pull secret, the secret is checked against the image (as
 * `wharf secret check` does) and a failure is printed as a warning — the
 * service is stored either way; `--no-check` skips it. A command whose
 * arguments start with '-' goes after `--`:
 * `wharf service create web --image nginx -- nginx -g "daemon off;"`.
 */
import type { Command } from "commander";
import type { ApiClient } from "./cli-api.ts";
import { connectOrg, type OrgOptions, orgPath, withOrgOption } from "./cli-org.ts";
import { action, emit, table, wantsJson, withApiOptions } from "./cli-output.ts";
import { parseEnv, parsePort, parseReplicas } from "./service-input.ts";

interface ServiceView {
  readonly name: string;
  readonly image: string;
  readonly secretName: string | null;
  readonly replicas: number;
  readonly ports: { port: number; name: string | null; protocol: string }[];
  readonly env: Record<string, string>;
  readonly command: string[];
}

interface ServiceOptions extends OrgOptions {
  readonly image?: string;
  /** A name, or false for `--no-secret`. */
  readonly secret?: string | false;
  readonly replicas?: string;
  readonly port?: string[];
  readonly env?: string[];
  readonly command?: string[];
  readonly check: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The API body for the options given (absent options are left out). */
function serviceBody(options: ServiceOptions): Record<string, unknown> {
  return {
    ...(options.image !== undefined && { image: options.image }),
    ...(options.secret !== undefined && { secretName: options.secret === false ? null : options.secret }),
    ...(options.replicas !== undefined && { replicas: parseReplicas(options.replicas) }),
    ...(options.port !== undefined && { ports: options.port.map(parsePort) }),
    ...(options.env !== undefined && { env: parseEnv(options.env) }),
    ...(options.command !== undefined && { command: options.command }),
  };
}

const portsText = (s: ServiceView) => s.ports.map((p) => `${p.port}/${p.protocol.toLowerCase()}`).join(",");

/** Checks the service's secret against its image; the check's answer, or undefined without a secret. */
async function checkService(client: ApiClient, org: string, service: ServiceView, options: ServiceOptions) {
  if (!options.check || service.secretName === null) return undefined;
  const path = `${orgPath(org, "secrets", service.secretName)}/check`;
  return (await client.request("POST", path, { image: service.image })) as { code: string; message: string };
}

async function save(name: string, args: string[], options: ServiceOptions, creating: boolean): Promise<void> {
  const { client, org } = await connectOrg(options);
  const body = serviceBody(args.length > 0 ? { ...options, command: [...(options.command ?? []), ...args] } : options);
  const service = (await (creating
    ? client.request("POST", orgPath(org, "services"), { name, ...body })
    : client.request("PATCH", orgPath(org, "services", name), body))) as ServiceView;
  const check = await checkService(client, org, service, options);
  const verb = creating ? "Created" : "Updated";
  emit(options, check === undefined ? service : { ...service, check }, [
    `${verb} service ${service.name} in ${org}: ${service.image}, ${service.replicas} replica(s)` +
      (service.secretName === null ? "" : `, pull secret ${service.secretName}`),
    ...(check?.code === "ok" ? [`check: ${check.message}`] : []),
  ]);
  if (check !== undefined && check.code !== "ok" && !wantsJson(options)) {
    process.stderr.write(`warning: ${check.code} ${check.message}\n`);
  }
}

async function list(options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  const answer = (await client.request("GET", orgPath(org, "services"))) as { services: ServiceView[] };
  const rows = answer.services.map((s) => [s.name, s.image, s.secretName, s.replicas, portsText(s) || "-"]);
  emit(options, answer, table(["name", "image", "secret", "replicas", "ports"], rows));
}

async function show(name: string, options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  const s = (await client.request("GET", orgPath(org, "services", name))) as ServiceView;
  emit(options, s, [
    `Service ${s.name} (organization ${org})`,
    `image:     ${s.image}`,
    `secret:    ${s.secretName ?? "-"}`,
    `replicas:  ${s.replicas}`,
    `ports:     ${portsText(s) || "-"}`,
    `env:       ${Object.keys(s.env).join(", ") || "-"}`,
    `command:   ${s.command.length > 0 ? JSON.stringify(s.command) : "(the image's)"}`,
  ]);
}

async function remove(name: string, options: OrgOptions): Promise<void> {
  const { client, org } = await connectOrg(options);
  await client.request("DELETE", orgPath(org, "services", name));
  emit(options, { org, name, deleted: true }, `Deleted service ${name} from ${org}`);
}

async function render(name: string, options: OrgOptions & { namespace?: string; secret: boolean }): Promise<void> {
  const { client, org } = await connectOrg(options);
  const query = new URLSearchParams();
  if (options.namespace !== undefined) query.set("namespace", options.namespace);
  if (!options.secret) query.set("includeSecret", "false");
  const suffix = query.size > 0 ? `?${query}` : "";
  const answer = (await client.request("GET", `${orgPath(org, "services", name)}/render${suffix}`)) as {
    yaml: string;
  };
  if (wantsJson(options)) emit(options, answer, []);
  else process.stdout.write(answer.yaml);
}

/** The options `create` and `update` share. */
function definitionOptions(command: Command): Command {
  return withOrgOption(withApiOptions(command))
    .option("--replicas <n>", "how many pods (default 1)")
    .option(
      "--port <[name:]port[/proto]>",
      "a port the container listens on, e.g. 8080 or dns:53/udp; repeatable",
      collect,
    )
    .option("--env <NAME=VALUE>", "an environment variable; repeatable", collect)
    .option("--command <args...>", "the command to run instead of the image's entrypoint (or: -- <command> <args>…)")
    .option("--no-check", "do not check the pull secret against the image");
}

/** Registers `service …`. */
export function registerServiceCommands(program: Command): void {
  const service = program.command("service").description("manage service deployments and render them for Kubernetes");
  definitionOptions(
    service
      .command("create <name> [command...]")
      .description("create a service (and check its pull secret against the image)")
      .requiredOption("--image <ref>", "the image, e.g. nginx:1.27 or registry.example.com/team/app:1.0")
      .option("--secret <name>", "the pull secret to pull the image with"),
  ).action(action((name: string, args: string[], options: ServiceOptions) => save(name, args, options, true)));
  definitionOptions(
    service
      .command("update <name> [command...]")
      .description("change a service; --port and --env replace the whole list")
      .option("--image <ref>", "a new image")
      .option("--secret <name>", "a new pull secret")
      .option("--no-secret", "pull without a secret"),
  ).action(action((name: string, args: string[], options: ServiceOptions) => save(name, args, options, false)));
  withOrgOption(withApiOptions(service.command("list").description("list services"))).action(action(list));
  withOrgOption(withApiOptions(service.command("show <name>").description("show a service"))).action(action(show));
  withOrgOption(withApiOptions(service.command("delete <name>").description("delete a service"))).action(
    action(remove),
  );
  withOrgOption(
    withApiOptions(
      service
        .command("render <name>")
        .description("print the service as Kubernetes YAML: pull Secret, Deployment, Service")
        .option("--namespace <namespace>", "the namespace of every object (default: default)")
        .option("--no-secret", "leave the pull Secret out (it exists in the cluster; members may render this)"),
    ),
  ).action(action(render));
}
