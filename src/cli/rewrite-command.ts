/**
 * @module
 * `wharf rewrite`: points an application's Kubernetes manifests at Wharf at
 * install time. Reads a folder (or stdin), probes every image anonymously,
 * and writes a kustomize overlay — or, as a Helm post-renderer, rewritten
 * manifests on stdout. Runs on the customer's side with the license id; it
 * needs no login to the Wharf management API.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { userSideGuard } from "../net/user-side-guard.ts";
import { createRegistryClient } from "../registry-client/create-registry-client.ts";
import { applyInPlace } from "../rewrite/apply-in-place.ts";
import { createRegistryClassifier } from "../rewrite/classify-image.ts";
import type { ImageUse } from "../rewrite/image-uses.ts";
import { renderOverlay } from "../rewrite/kustomize-overlay.ts";
import { renderLicensePullSecret } from "../rewrite/license-pull-secret.ts";
import {
  isKustomizationFile,
  type ManifestFile,
  readManifestDir,
  readManifestStream,
} from "../rewrite/manifest-input.ts";
import { parseObjectPath } from "../rewrite/pod-specs.ts";
import type { ReleaseSummary } from "../rewrite/release-drift.ts";
import { RewriteError } from "../rewrite/rewrite-error.ts";
import { rewriteManifests } from "../rewrite/rewrite-manifests.ts";
import { assertNoProblems, type RewritePlan, type RewriteTarget } from "../rewrite/rewrite-plan.ts";
import { table } from "./cli-output.ts";

interface RewriteOptions {
  readonly app: string;
  readonly license?: string;
  readonly proxy?: string;
  readonly registry?: string;
  readonly out?: string;
  readonly postRenderer?: boolean;
  readonly all?: boolean;
  readonly pin?: boolean;
  readonly allowUnverified?: boolean;
  readonly namespace: string;
  readonly additionalNamespace: string[];
  readonly secretName?: string;
  readonly podSpecPath: string[];
  readonly insecureRegistry: string[];
  readonly upstream: string[];
  readonly json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Registers `rewrite` on the program. */
export function registerRewriteCommand(program: Command): void {
  program
    .command("rewrite [input]")
    .description("point an application's Kubernetes manifests at Wharf: a kustomize overlay, or a Helm post-renderer")
    .requiredOption("--app <slug>", "the application (its slug)")
    .option("--license <id>", "the customer's license id (or WHARF_LICENSE)")
    .option("--proxy <host>", "the Wharf host customers pull from (or WHARF_PROXY)")
    .option("--registry <host[/namespace]>", "airgap: rewrite every image to this registry, without probing")
    .option("-o, --out <dir>", "the folder to write the kustomize overlay to")
    .option("--post-renderer", "read manifests on stdin, write rewritten ones on stdout (helm --post-renderer)")
    .option("--all", "proxy public images too, not only private ones")
    .option("--pin", "replace every tag by the digest it points at now")
    .option("--allow-unverified", "leave missing, unreachable or rate-limited images as written instead of failing")
    .option("--namespace <ns>", "the application's namespace", "default")
    .option(
      "--additional-namespace <ns>",
      "another namespace for the pull secret (repeat; * = every namespace used)",
      collect,
      [],
    )
    .option("--secret-name <name>", "the pull secret's name (default <app>-registry)")
    .option("--pod-spec-path <path>", "where a custom resource keeps a PodSpec, e.g. spec.runner (repeat)", collect, [])
    .option("--insecure-registry <host>", "probe this registry over plain HTTP (repeat)", collect, [])
    .option(
      "--upstream <registry=name>",
      "an external registry (host[:port][/prefix], as given to wharf external add) and its short name; needed for a host with a port (repeat)",
      collect,
      [],
    )
    .option("--json", "print the report as JSON")
    .action(async (input: string | undefined, options: RewriteOptions) => {
      try {
        await runRewrite(input, options);
      } catch (error) {
        if (!(error instanceof RewriteError) && process.env.WHARF_DEBUG) throw error;
        process.stderr.write(`wharf: ${(error as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}

async function runRewrite(input: string | undefined, options: RewriteOptions): Promise<void> {
  const source = options.postRenderer ? "-" : input;
  if (source === undefined) throw usage("give the folder that holds the manifests, or - for stdin");
  if (!options.postRenderer && options.out === undefined)
    throw usage("give the output folder with -o <dir> (or use --post-renderer)");
  if (source !== "-") assertOutside(resolve(source), resolve(options.out!));
  const target = targetOf(options);
  const license = options.license ?? process.env.WHARF_LICENSE;
  if (target.kind === "proxy" && !license) throw usage("give the license id with --license <id> (or WHARF_LICENSE)");
  const files = source === "-" ? [await readManifestStream(process.stdin)] : await readManifestDir(source);
  const secretName = options.secretName ?? (target.kind === "proxy" ? `${options.app}-registry` : undefined);
  const request = {
    files,
    app: options.app,
    target,
    ...(secretName !== undefined && { secretName }),
    namespace: options.namespace,
    additionalNamespaces: options.additionalNamespace,
    allowUnverified: options.allowUnverified ?? false,
    podSpecPaths: options.podSpecPath.map(parseObjectPath),
    pin: options.pin ?? false,
  };
  const insecureHosts = options.insecureRegistry;
  const classify = createRegistryClassifier({ insecureHosts });
  const { plan, inventory } = await rewriteManifests(request, {
    classify,
    resolveDigest: digestReader(target, license, insecureHosts),
    ...(target.kind === "proxy" &&
      license && { lastRelease: lastReleaseReader(target.host, options.app, license, insecureHosts) }),
  });
  report(plan, options);
  assertNoProblems(plan);
  const secretYaml =
    target.kind === "proxy" && secretName !== undefined && license
      ? renderLicensePullSecret(secretName, plan.secretNamespaces, target.host, license)
      : undefined;
  if (options.postRenderer) {
    process.stdout.write(applyInPlace(plan, files, secretYaml));
    return;
  }
  const inputDir = source === "-" ? undefined : resolve(source);
  await writeOverlay(plan, inventory.uses, files, inputDir, resolve(options.out!), secretYaml);
}

function targetOf(options: RewriteOptions): RewriteTarget {
  if (options.registry !== undefined) {
    if (options.proxy !== undefined || options.all || options.pin)
      throw usage("--registry (airgap) cannot be combined with --proxy, --all or --pin");
    return { kind: "airgap", registry: options.registry };
  }
  const host = options.proxy ?? process.env.WHARF_PROXY;
  if (!host)
    throw usage(
      "give the Wharf host customers pull from with --proxy <host> (or WHARF_PROXY), or --registry for airgap",
    );
  if (/[/\s]/.test(host)) throw usage(`--proxy takes a host[:port], not ${JSON.stringify(host)}`);
  const upstreamNames = new Map<string, string>();
  for (const pair of options.upstream) {
    const [registry, name, extra] = pair.split("=");
    if (!registry || !name || extra !== undefined || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name))
      throw usage(`--upstream takes <host[:port][/prefix]>=<short name>, not ${JSON.stringify(pair)}`);
    upstreamNames.set(registry.toLowerCase().replace(/\/+$/, ""), name);
  }
  return { kind: "proxy", host, all: options.all ?? false, upstreamNames };
}

function digestReader(target: RewriteTarget, license: string | undefined, insecureHosts: readonly string[]) {
  if (target.kind !== "proxy" || !license) return undefined;
  const client = createRegistryClient({
    credentials: { [target.host]: { username: license, password: license } },
    insecure: (host) => insecureHosts.includes(host),
    outbound: userSideGuard,
  });
  return async (ref: Parameters<typeof client.headManifest>[0]) => {
    const head = await client.headManifest(ref);
    return head.ok ? head.value.digest : undefined;
  };
}

/**
 * The newest release of `app` the license may see, read from the Wharf
 * host's management API with the license as credentials; undefined (with a
 * note) when the server has none or cannot be asked.
 */
function lastReleaseReader(host: string, app: string, license: string, insecureHosts: readonly string[]) {
  return async (): Promise<ReleaseSummary | undefined> => {
    const scheme = insecureHosts.includes(host) ? "http" : "https";
    const authorization = `Basic ${Buffer.from(`${license}:${license}`).toString("base64")}`;
    try {
      const res = await fetch(`${scheme}://${host}/api/v1/apps/${encodeURIComponent(app)}/releases`, {
        headers: { authorization, accept: "application/json" },
        signal: AbortSignal.timeout(15_000),
      });
      if (!res.ok) return undefined;
      const body = (await res.json()) as { releases?: (ReleaseSummary & { createdAt: string })[] };
      const releases = [...(body.releases ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return releases.at(-1);
    } catch (error) {
      process.stderr.write(
        `note: the releases of ${app} could not be read from ${host}: ${(error as Error).message}\n`,
      );
      return undefined;
    }
  };
}

function report(plan: RewritePlan, options: RewriteOptions): void {
  // A post-renderer's stdout is the manifest stream: the report goes to stderr.
  const out = options.postRenderer ? process.stderr : process.stdout;
  if (options.json) {
    const { rows, warnings, problems } = plan;
    out.write(`${JSON.stringify({ images: rows, warnings, problems }, null, 2)}\n`);
    return;
  }
  const rows = plan.rows.map((r) => [r.image, r.class, r.rewrittenTo ?? "-"]);
  out.write(`${table(["image", "class", "rewritten to"], rows).join("\n")}\n`);
  for (const warning of plan.warnings) process.stderr.write(`warning: ${warning}\n`);
}

async function writeOverlay(
  plan: RewritePlan,
  uses: readonly ImageUse[],
  files: ManifestFile[],
  inputDir: string | undefined,
  outDir: string,
  secretYaml?: string,
) {
  const base =
    inputDir !== undefined && (await hasKustomization(inputDir))
      ? { kind: "kustomization" as const, path: relative(outDir, inputDir) }
      : { kind: "files" as const, files };
  const written = renderOverlay(plan, uses, base, secretYaml);
  for (const [path, text] of written) {
    const full = join(outDir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
  }
  process.stderr.write(`wrote ${written.size} file(s) to ${outDir}; render with: kubectl kustomize ${outDir}\n`);
}

/** The overlay must not land among the manifests it was made from (a second run would read it back). */
function assertOutside(inputDir: string, outDir: string): void {
  const inside = relative(inputDir, outDir);
  if (inside === "" || (!inside.startsWith("..") && !inside.startsWith("/"))) {
    throw usage(`the output folder ${outDir} is inside the input folder: choose a folder outside ${inputDir}`);
  }
}

async function hasKustomization(dir: string): Promise<boolean> {
  for (const name of ["kustomization.yaml", "kustomization.yml", "Kustomization"]) {
    if (isKustomizationFile(name) && (await stat(join(dir, name)).catch(() => undefined))?.isFile()) return true;
  }
  return false;
}

function usage(message: string): RewriteError {
  return new RewriteError("usage", message);
}
