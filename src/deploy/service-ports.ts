/**
 * @module
 * The ports a service listens on. Each becomes a `containerPort` of the
 * Deployment and a port of the Kubernetes `Service`, whose rules apply:
 * a number from 1 to 65535, TCP or UDP, an optional name in the IANA
 * service-name form, no port twice for one protocol and no name twice. A
 * `Service` with several ports needs every one named, so unnamed ports are
 * given `<protocol>-<port>` when rendered (see servicePortName).
 */
import type { ServicePortRow } from "../metadata/secrets-metadata.ts";

/** A port as given: a bare number means TCP, unnamed. */
export type ServicePortInput =
  | number
  | { readonly port: number; readonly name?: string | null; readonly protocol?: string };

/** The most ports one service may declare. */
export const maxServicePorts = 100;

const ianaName = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Undefined when `name` is a valid port name, else what to change (≤ 15 characters, a letter, no "--"). */
export function validatePortName(name: string): string | undefined {
  const valid = name.length <= 15 && ianaName.test(name) && /[a-z]/.test(name) && !name.includes("--");
  if (valid) return undefined;
  return `port name ${JSON.stringify(name)} is invalid: use at most 15 lower-case letters, digits and '-', with at least one letter, not starting or ending with '-' and without "--"`;
}

/** The name a port has in a rendered `Service`: its own, or `tcp-8080`. */
export function servicePortName(port: ServicePortRow): string {
  return port.name ?? `${port.protocol.toLowerCase()}-${port.port}`;
}

/** `ports` normalized (protocol upper case, name or null), and every problem found. */
export function normalizePorts(ports: readonly ServicePortInput[]): { ports: ServicePortRow[]; problems: string[] } {
  const problems: string[] = [];
  if (ports.length > maxServicePorts) problems.push(`give at most ${maxServicePorts} ports (got ${ports.length})`);
  const result: ServicePortRow[] = [];
  for (const given of ports) {
    const port = typeof given === "object" && given !== null ? given : { port: given as number };
    const protocol = typeof port.protocol === "string" ? port.protocol.toUpperCase() : (port.protocol ?? "TCP");
    if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
      problems.push(`port ${JSON.stringify(port.port)} must be a whole number from 1 to 65535`);
    }
    if (protocol !== "TCP" && protocol !== "UDP") {
      problems.push(`port ${port.port} has protocol ${JSON.stringify(port.protocol)}: use TCP or UDP`);
    }
    const name = port.name === undefined || port.name === null || port.name === "" ? null : port.name;
    const nameProblem = name === null ? undefined : validatePortName(String(name));
    if (nameProblem !== undefined) problems.push(nameProblem);
    result.push({ port: port.port, name, protocol: protocol as ServicePortRow["protocol"] });
  }
  problems.push(...duplicates(result));
  return { ports: result, problems };
}

function duplicates(ports: readonly ServicePortRow[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const names = new Set<string>();
  for (const port of ports) {
    const key = `${port.port}/${port.protocol}`;
    if (seen.has(key)) {
      problems.push(`port ${key} is given twice: give each port once`);
      continue;
    }
    seen.add(key);
    const name = servicePortName(port);
    if (names.has(name)) problems.push(`port name ${JSON.stringify(name)} is used twice: give each port its own name`);
    names.add(name);
  }
  return problems;
}
