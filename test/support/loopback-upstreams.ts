/**
 * @module
 * The one place that configures a Wharf under test whose upstream
 * registries (external registries, the proxy's upstreams) listen on
 * loopback: Debian's docker-registry on 127.0.0.1, or a closed port there.
 * Wharf's outbound guard refuses private and loopback addresses unless
 * allowed, so every such test starts its server through
 * {@link useWharfWithLoopbackUpstreams} and the allowance lives here only.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { type StartOptions, useWharf, type WharfProcess } from "./start-wharf.ts";

/**
 * The configuration keys these servers add to the defaults. Once the
 * outbound guard is merged this becomes `{ outbound: { allow: ["127.0.0.0/8"] } }`;
 * before that, the schema (strict) would refuse the key.
 */
export const loopbackUpstreamConfig: Readonly<Record<string, unknown>> = {};

/**
 * useWharf (auth on unless said otherwise) with {@link loopbackUpstreamConfig}
 * written to a configuration file (JSON is YAML) passed as `WHARF_CONFIG`.
 */
export function useWharfWithLoopbackUpstreams(options: StartOptions = {}): WharfProcess {
  const dir = mkdtempSync(join(tmpdir(), "wharf-upstream-config-"));
  const file = join(dir, "wharf.yml");
  writeFileSync(file, `${JSON.stringify(loopbackUpstreamConfig)}\n`);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return useWharf({ auth: true, ...options, env: { ...options.env, WHARF_CONFIG: file } });
}
