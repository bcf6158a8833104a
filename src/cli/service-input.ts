/**
 * @module
 * The CLI spellings of a service's fields turned into the API's JSON:
 * `--port [name:]port[/tcp|udp]`, `--env NAME=VALUE`, `--replicas N`. Only
 * the form is checked here; the rules (port ranges, names) are the
 * server's, whose messages say what to change.
 */
import { CliError } from "./cli-api.ts";

/** A port as the API takes it. */
export interface PortInput {
  readonly port: number;
  readonly name?: string;
  readonly protocol?: string;
}

/** Parses `8080`, `http:8080`, `53/udp` or `dns:53/udp`. */
export function parsePort(text: string): PortInput {
  const match = /^(?:([^:/]+):)?(\d{1,5})(?:\/([A-Za-z]+))?$/.exec(text.trim());
  if (match === null) {
    throw new CliError(`--port ${JSON.stringify(text)} is not [name:]port[/tcp|udp], e.g. 8080, http:8080 or 53/udp`);
  }
  return {
    port: Number(match[2]),
    ...(match[1] !== undefined && { name: match[1] }),
    ...(match[3] !== undefined && { protocol: match[3].toUpperCase() }),
  };
}

/** Parses `NAME=VALUE` pairs (the value may hold '=' and be empty) into an object. */
export function parseEnv(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new CliError(`--env ${JSON.stringify(pair)} is not NAME=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

/** Parses a replica count: a whole number. */
export function parseReplicas(text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) throw new CliError(`--replicas ${JSON.stringify(text)} is not a whole number`);
  return Number(text.trim());
}
