/**
 * @module
 * What a pull secret's "registry URL" means. Users paste it in every form —
 * `registry.acme.com`, `registry.acme.com:5000`, `https://host/team/`,
 * `[::1]:5000`, `docker.io` — and the secret must end up with one canonical
 * spelling: the URL Wharf talks to, the host image references start with, and
 * the key written into `.dockerconfigjson` (Docker and the kubelet look
 * credentials up by that key). Docker Hub is special: Docker files its
 * credentials under the legacy index URL `https://index.docker.io/v1/`, so
 * every Docker Hub spelling normalizes to that constant.
 */
import { isIPv6 } from "node:net";
import { dockerHub } from "../reference/docker-hub.ts";
import { quoteInput } from "../reference/quote-input.ts";
import { checkRegistryHost } from "../reference/registry-host.ts";

/** The `auths` key Docker uses for Docker Hub (its legacy index URL). */
export const dockerHubRegistryKey = "https://index.docker.io/v1/";

/** The two kinds of registry a pull secret can be for (the product's "Dockerhub" / "Private registry"). */
export type RegistryKind = "docker-hub" | "private-registry";

/** A registry in canonical form. */
export interface RegistryLocation {
  readonly kind: RegistryKind;
  /** `https://host[:port][/path]` (`http://` only for an insecure registry); Docker Hub: {@link dockerHubRegistryKey}. */
  readonly url: string;
  /** Lower-case `host[:port]` as image references write it; Docker Hub: `docker.io`. */
  readonly host: string;
  /** The `.dockerconfigjson` `auths` key: `host[:port][/path]`; Docker Hub: {@link dockerHubRegistryKey}. */
  readonly key: string;
}

/** The outcome of {@link normalizeRegistryUrl}: a location, or a sentence saying what to change. */
export type RegistryUrlResult = ({ ok: true } & RegistryLocation) | { ok: false; error: string };

/** Docker Hub, for a secret of the "docker-hub" kind (no URL needed). */
export const dockerHubRegistry: RegistryLocation = {
  kind: "docker-hub",
  url: dockerHubRegistryKey,
  host: dockerHub.domain,
  key: dockerHubRegistryKey,
};

const hubHosts = new Set<string>([dockerHub.domain, ...dockerHub.aliases]);
const pathSegment = /^[A-Za-z0-9._~-]+$/;

/**
 * Normalizes a registry URL as a user typed it. Accepts `host`, `host:port`,
 * `[v6]:port`, and `https://` or `http://` URLs with an optional path.
 * Outer whitespace and trailing slashes are dropped, the host is lower-cased,
 * and a path of only `/v1` or `/v2` (a pasted API endpoint) is dropped. With
 * no scheme the URL is `https://`; `http://` is refused unless
 * `options.insecure`. Refused: inner spaces, other schemes, credentials
 * (`user@`), query, fragment, ports outside 1–65535, empty or `.`/`..` path
 * segments, IPv6 without brackets or with a zone. Docker Hub hosts
 * (`docker.io`, `index.docker.io`, `registry-1.docker.io`) with no path or
 * `/v1`/`/v2` give {@link dockerHubRegistry}; with another path, a port or
 * `http://` they are refused. Never throws.
 */
export function normalizeRegistryUrl(input: string, options: { readonly insecure?: boolean } = {}): RegistryUrlResult {
  const text = input.trim();
  const q = quoteInput(text);
  if (text === "") {
    return fail("registry URL is empty: give a host such as registry.example.com or https://registry.example.com:5000");
  }
  if (/\s/.test(text)) return fail(`registry URL ${q} contains a space: remove it`);
  const parts = splitUrl(text);
  if (typeof parts === "string") return fail(parts);
  const { scheme, authority, path } = parts;
  if (authority.includes("@")) {
    return fail(
      `registry URL ${q} holds credentials before "@": remove them and give the username and password as the secret's fields`,
    );
  }
  const host = parseAuthority(authority, q);
  if (typeof host === "string") return fail(host);
  const cleanPath = normalizePath(path, q);
  if (cleanPath.error !== undefined) return fail(cleanPath.error);
  if (hubHosts.has(host.name)) return dockerHubResult(scheme, host.port, cleanPath.path, q);
  if (scheme === "http" && options.insecure !== true) {
    return fail(`registry URL ${q} uses http://: use https://, or mark the secret insecure if the registry has no TLS`);
  }
  const hostPort = host.port === undefined ? host.name : `${host.name}:${host.port}`;
  return {
    ok: true,
    kind: "private-registry",
    url: `${scheme ?? "https"}://${hostPort}${cleanPath.path}`,
    host: hostPort,
    key: `${hostPort}${cleanPath.path}`,
  };
}

function fail(error: string): RegistryUrlResult {
  return { ok: false, error };
}

/** Splits scheme, authority and path; a string result is the problem. */
function splitUrl(text: string): { scheme?: "http" | "https"; authority: string; path: string } | string {
  const q = quoteInput(text);
  if (text.includes("#")) return `registry URL ${q} has a fragment ("#…"): remove it`;
  if (text.includes("?")) return `registry URL ${q} has a query ("?…"): remove it`;
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(text);
  let scheme: "http" | "https" | undefined;
  let rest = text;
  if (match) {
    const written = match[1]!.toLowerCase();
    if (written !== "http" && written !== "https") {
      return `registry URL ${q} uses the scheme "${written}": use https:// (or http:// for an insecure registry)`;
    }
    scheme = written;
    rest = match[2]!;
  }
  const slash = rest.indexOf("/");
  if (slash < 0) return { scheme, authority: rest, path: "" };
  return { scheme, authority: rest.slice(0, slash), path: rest.slice(slash) };
}

/** Lower-cased host name and optional port; a string result is the problem. */
function parseAuthority(authority: string, q: string): { name: string; port?: string } | string {
  if (authority === "") return `registry URL ${q} has no host: give one such as registry.example.com`;
  let name = authority;
  let port: string | undefined;
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    const after = authority.slice(close + 1);
    if (close < 0 || (after !== "" && !after.startsWith(":"))) {
      return `registry URL ${q} has a malformed IPv6 host: write it as [address]:port, as in [::1]:5000`;
    }
    name = authority.slice(0, close + 1);
    port = after === "" ? undefined : after.slice(1);
    if (!isIPv6(name.slice(1, -1)) || name.includes("%")) {
      return `registry URL ${q} has an invalid IPv6 address ${quoteInput(name)} (zones such as %eth0 are not allowed)`;
    }
  } else {
    const colons = authority.split(":").length - 1;
    if (colons > 1) return `registry URL ${q} has several ":": put an IPv6 address in brackets, as in [::1]:5000`;
    [name, port] = authority.split(":") as [string, string | undefined];
    const problem =
      name.length > 253 ? `registry host ${quoteInput(name)} is longer than 253 characters` : checkRegistryHost(name);
    if (problem !== undefined) return problem;
  }
  if (port !== undefined && !validPort(port)) {
    return `port ${quoteInput(port)} of registry URL ${q} must be a number from 1 to 65535`;
  }
  return { name: name.toLowerCase(), port };
}

function validPort(port: string): boolean {
  return /^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
}

/** The path without trailing slashes and without a lone API-version segment. */
function normalizePath(path: string, q: string): { path: string; error?: string } {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "" || trimmed === "/v1" || trimmed === "/v2") return { path: "" };
  for (const segment of trimmed.slice(1).split("/")) {
    if (segment === "")
      return {
        path,
        error: `registry URL ${q} has an empty path segment ("//"): remove the extra "/"`,
      };
    if (segment === "." || segment === ".." || !pathSegment.test(segment)) {
      return {
        path,
        error: `registry URL ${q} has an invalid path segment ${quoteInput(segment)}: use letters, digits, '.', '_', '-' or '~'`,
      };
    }
  }
  return { path: trimmed };
}

function dockerHubResult(
  scheme: string | undefined,
  port: string | undefined,
  path: string,
  q: string,
): RegistryUrlResult {
  if (scheme === "http")
    return fail(`registry URL ${q} is Docker Hub, which is served over https only: use https:// or just docker.io`);
  if (port !== undefined || path !== "") {
    return fail(
      `registry URL ${q} is Docker Hub, which takes no port or path: give docker.io and put the repository in the image name`,
    );
  }
  return { ok: true, ...dockerHubRegistry };
}
