/**
 * @module
 * A secret name proposed for a registry, so importing a `config.json` needs
 * no naming step: `quay.io` → `quay-io`, Docker Hub → `docker-hub`,
 * `registry.acme.com:5000` → `registry-acme-com-5000`. Proposals always pass
 * the secret-name rule, so the user may accept them unchanged.
 */
import type { RegistryLocation } from "./registry-url.ts";
import { maxSecretNameLength } from "./secret-name.ts";

/**
 * A valid secret name for `registry`: "docker-hub" for Docker Hub, else its
 * key (host, port, path) lower-cased with every run of other characters
 * turned into one '-' (an IPv6 host keeps its hex digits), cut to 253
 * characters; "registry" when nothing is left. When the name is in `taken`,
 * appends "-2", "-3", … (cutting the base to fit).
 */
export function suggestSecretName(registry: RegistryLocation, taken: ReadonlySet<string> = new Set()): string {
  const base = registry.kind === "docker-hub" ? "docker-hub" : slug(registry.key);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const name = `${trimDashes(base.slice(0, maxSecretNameLength - suffix.length))}${suffix}`;
    if (!taken.has(name)) return name;
  }
}

function slug(text: string): string {
  const name = trimDashes(
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .slice(0, maxSecretNameLength),
  );
  return name === "" ? "registry" : name;
}

function trimDashes(text: string): string {
  return text.replace(/^-+|-+$/g, "");
}
