/**
 * @module
 * `wharf airgap build|verify|push`: packs images into one OCI-layout bundle
 * for installs without internet, proves a bundle whole, and pushes it into
 * the customer's own registry. Runs wherever the images (or the bundle) are
 * reachable; credentials come from a Docker config file, never arguments
 * that would show in `ps` (except `--creds` for the target, as skopeo).
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { airgapOverlay } from "../airgap/airgap-overlay.ts";
import type { BundleDescription } from "../airgap/bundle-description.ts";
import { BundleError } from "../airgap/bundle-error.ts";
import { openBundle } from "../airgap/open-bundle.ts";
import { type ImageToPack, parsePlatform, planBundle } from "../airgap/plan-bundle.ts";
import { pushBundle } from "../airgap/push-bundle.ts";
import { writeBundle } from "../airgap/write-bundle.ts";
import { userSideGuard } from "../net/user-side-guard.ts";
import { parseReference } from "../reference/parse-reference.ts";
import { createRegistryClient } from "../registry-client/create-registry-client.ts";
import type { RegistryCredentials } from "../registry-client/registry-client-options.ts";
import { importDockerConfig } from "../secrets/docker-config-import.ts";
import { CliError, connect } from "./cli-api.ts";
import { downloadBundle } from "./download-bundle.ts";
import { createProgressDisplay } from "./progress-display.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

interface BuildOptions {
  readonly image: string[];
  readonly file?: string;
  readonly platform?: string;
  readonly since?: string;
  readonly sinceRelease?: string;
  readonly out: string;
  readonly app?: string;
  readonly release?: string;
  readonly authfile?: string;
  readonly insecureRegistry: string[];
  readonly server?: string;
  readonly license?: string;
}

interface PushOptions {
  readonly to: string;
  readonly creds?: string;
  readonly authfile?: string;
  readonly insecure?: boolean;
}

/** Registers `airgap` on the program. */
export function registerAirgapCommands(program: Command): void {
  const airgap = program.command("airgap").description("bundles of images for installs without internet");
  airgap
    .command("build")
    .description("pack images (every platform and referrer) into one OCI-layout bundle")
    .option("--image <ref>", "an image to pack (repeat)", collect, [])
    .option("-f, --file <images.yaml>", "a list of images: `images: [{name, tag|digest}]` or one reference per line")
    .option(
      "--platform <list>",
      "keep only these platforms of multi-platform images, e.g. linux/amd64,linux/arm64 (with --server: the server builds it so)",
    )
    .option("--since <bundle>", "write only the blobs this older bundle lacks (a delta)")
    .option(
      "--since-release <version>",
      "write only the blobs release <version> of --app lacks (a delta on top of a release the customer has; the Wharf of your session or --server knows its digests)",
    )
    .requiredOption("-o, --out <bundle.tar>", "the bundle file to write")
    .option("--app <slug>", "the application, recorded in the bundle")
    .option("--release <version>", "the release, recorded in the bundle")
    .option("--authfile <config.json>", "registry credentials in Docker's config.json format")
    .option("--insecure-registry <host>", "reach this registry over plain HTTP (repeat)", collect, [])
    .option("--server <url>", "download the release's bundle built by this Wharf (with --app, --release, --license)")
    .option("--license <id>", "the license id for --server (default: $WHARF_LICENSE)")
    .action(run(build));
  airgap.command("verify <bundle>").description("check every byte of a bundle against its digests").action(run(verify));
  airgap
    .command("push <bundle>")
    .description("verify a bundle, then push every image into a registry")
    .requiredOption("--to <registry[/namespace]>", "the registry to push to")
    .option("--creds <user:password>", "credentials for the registry")
    .option("--authfile <config.json>", "credentials in Docker's config.json format")
    .option("--insecure", "use plain HTTP")
    .action(run(push));
}

function run<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof BundleError) && process.env.WHARF_DEBUG) throw error;
      process.stderr.write(`wharf: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  };
}

async function build(options: BuildOptions): Promise<void> {
  if (options.server !== undefined) return download(options);
  const images = [...options.image.map(toPack), ...(options.file ? await readImageList(options.file) : [])];
  if (images.length === 0) throw new BundleError("usage", "name the images with --image <ref> or -f images.yaml");
  const platforms = options.platform?.split(",").map((p) => parsePlatform(p.trim()));
  if (options.since !== undefined && options.sinceRelease !== undefined)
    throw new BundleError("usage", "give --since <bundle> or --since-release <version>, not both");
  const base =
    options.since !== undefined
      ? (await openBundle(options.since)).description
      : options.sinceRelease !== undefined
        ? await releaseBase(options, options.sinceRelease)
        : undefined;
  const baseBlobs = new Set(base === undefined ? [] : Object.keys(base.blobs));
  const client = createRegistryClient({
    credentials: options.authfile ? await readAuthfile(options.authfile) : {},
    insecure: (host) => options.insecureRegistry.includes(host),
    outbound: userSideGuard,
  });
  // A delta still carries every manifest and config (small), so it can tag every image; only layers come from the base.
  const plan = await planBundle(client, images, { ...(platforms && { platforms }), skipBlobs: baseBlobs });
  const description = await writeBundle(
    plan,
    client,
    options.out,
    {
      ...(options.app !== undefined && { app: options.app }),
      ...(options.release !== undefined && { release: options.release }),
      created: new Date().toISOString(),
      ...(base !== undefined && {
        deltaOf: {
          ...(base.release !== undefined && { release: base.release }),
          created: base.created,
          blobs: plan.skipped,
        },
      }),
    },
    createProgressDisplay("build"),
  );
  const bytes = Object.values(description.blobs).reduce((sum, n) => sum + n, 0);
  process.stdout.write(
    `wrote ${options.out}: ${description.images.length} image(s), ${Object.keys(description.blobs).length} blobs, ${bytes} bytes${base ? ` (delta: ${plan.skipped.length} blobs left to the base${base.release !== undefined ? `, release ${base.release}` : ""})` : ""}\n`,
  );
}

/** `--since-release`: the release's blobs, as the Wharf of the session (or WHARF_USERNAME/WHARF_TOKEN) knows them. */
async function releaseBase(
  options: BuildOptions,
  version: string,
): Promise<Pick<BundleDescription, "release" | "created" | "blobs">> {
  if (options.app === undefined) throw new BundleError("usage", "--since-release needs --app <slug>");
  const query = options.platform ? `?platform=${encodeURIComponent(options.platform)}` : "";
  let answer: { createdAt: string; blobs: string[] };
  try {
    const client = await connect({ output: "text" });
    answer = (await client.request(
      "GET",
      `/apps/${encodeURIComponent(options.app)}/releases/${encodeURIComponent(version)}/blobs${query}`,
    )) as typeof answer;
  } catch (error) {
    if (error instanceof CliError)
      throw new BundleError("source", `release ${version} of ${options.app}: ${error.message}`);
    throw error;
  }
  return { release: version, created: answer.createdAt, blobs: Object.fromEntries(answer.blobs.map((d) => [d, 0])) };
}

/** `--server`: the server builds the release's bundle; fetch it (resuming a partial download), then verify it. */
async function download(options: BuildOptions): Promise<void> {
  const license = options.license ?? process.env.WHARF_LICENSE;
  if (options.app === undefined || options.release === undefined || license === undefined) {
    throw new BundleError(
      "usage",
      "--server needs --app <slug>, --release <version> and --license <id> (or WHARF_LICENSE)",
    );
  }
  const fetched = await downloadBundle({
    server: options.server!,
    app: options.app,
    release: options.release,
    license,
    out: options.out,
    ...(options.sinceRelease !== undefined && { sinceRelease: options.sinceRelease }),
    ...(options.platform !== undefined && { platforms: options.platform }),
  });
  process.stdout.write(`downloaded ${options.out} (${fetched} bytes this run)\n`);
  await verify(options.out);
}

async function verify(path: string): Promise<void> {
  const bundle = await openBundle(path, createProgressDisplay("verify"));
  const { description } = bundle;
  process.stdout.write(
    `ok ${path}: ${description.images.length} image(s), ${Object.keys(description.blobs).length} blobs verified${description.deltaOf ? `, a delta (${description.deltaOf.blobs.length} blobs from its base)` : ""}\n`,
  );
}

async function push(path: string, options: PushOptions): Promise<void> {
  const registry = options.to.replace(/\/+$/, "");
  const host = registry.split("/")[0]!;
  if (!host) throw new BundleError("usage", "--to takes <registry host>[/namespace]");
  const bundle = await openBundle(path, createProgressDisplay("verify"));
  const credentials: Record<string, RegistryCredentials> = options.authfile ? await readAuthfile(options.authfile) : {};
  if (options.creds !== undefined) {
    const colon = options.creds.indexOf(":");
    if (colon <= 0) throw new BundleError("usage", "--creds takes user:password");
    credentials[host] = { username: options.creds.slice(0, colon), password: options.creds.slice(colon + 1) };
  }
  const client = createRegistryClient({ credentials, insecure: options.insecure ?? false, outbound: userSideGuard });
  const pushed = await pushBundle(bundle, client, registry, createProgressDisplay("push"));
  const charts = new Set(bundle.description.images.filter((i) => i.kind === "chart").map((i) => i.reference));
  for (const image of pushed) {
    if (!charts.has(image.reference)) {
      process.stdout.write(`pushed ${image.reference} -> ${image.pushedTo}\n`);
      continue;
    }
    const colon = image.pushedTo.lastIndexOf(":");
    process.stdout.write(
      `pushed chart ${image.reference} -> ${image.pushedTo} (helm install <name> oci://${image.pushedTo.slice(0, colon)} --version ${image.pushedTo.slice(colon + 1)})\n`,
    );
  }
  process.stdout.write(
    `\n# kustomization.yaml for this release (images in ${registry}):\n${airgapOverlay(
      bundle.description.images.filter((i) => !charts.has(i.reference)).map((i) => i.reference),
      registry,
    )}`,
  );
}

function toPack(reference: string): ImageToPack {
  const parsed = parseReference(reference);
  if (!parsed.ok) throw new BundleError("usage", parsed.error);
  return { reference, ref: parsed.reference };
}

/** `images:` as in a release file (`name` with `tag` or `digest`, optional `source` registry host), or one reference per line. */
async function readImageList(path: string): Promise<ImageToPack[]> {
  const text = await readFile(path, "utf8").catch(() => {
    throw new BundleError("usage", `cannot read ${path}`);
  });
  const parsed = parseYaml(text) as unknown;
  if (typeof parsed === "object" && parsed !== null && Array.isArray((parsed as { images?: unknown }).images)) {
    return (parsed as { images: unknown[] }).images.map((entry, i) => {
      const { name, tag, digest, registry } = (entry ?? {}) as Record<string, unknown>;
      if (typeof name !== "string") throw new BundleError("usage", `${path}: images[${i}].name is missing`);
      const host = typeof registry === "string" ? `${registry}/` : "";
      const suffix =
        typeof digest === "string" ? `@${digest}` : typeof tag === "string" || typeof tag === "number" ? `:${tag}` : "";
      return toPack(`${host}${name}${suffix}`);
    });
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map(toPack);
}

async function readAuthfile(path: string): Promise<Record<string, RegistryCredentials>> {
  const text = await readFile(path, "utf8").catch(() => {
    throw new BundleError("usage", `cannot read the authfile ${path}`);
  });
  const imported = importDockerConfig(text);
  const credentials: Record<string, RegistryCredentials> = {};
  for (const secret of imported.secrets) {
    credentials[secret.registryKey] =
      secret.kind === "password"
        ? { username: secret.username, password: secret.password }
        : { identityToken: secret.identityToken };
  }
  return credentials;
}
