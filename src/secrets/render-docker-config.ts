/**
 * @module
 * Rendering `.dockerconfigjson`, the file format Docker, containerd and the
 * kubelet all read credentials from. Each credential is written the way
 * `kubectl create secret docker-registry` and `docker login` write it, so
 * every consumer finds the fields it looks for. Merging several secrets into
 * one file must not pick a winner silently when two disagree about a
 * registry: the pull would then fail far from the cause.
 */

import { identityTokenUsername, type RegistryCredential } from "./registry-credential.ts";
import { SecretsError } from "./secrets-error.ts";

/** One `auths` value of `.dockerconfigjson`. */
export interface DockerConfigAuth {
  readonly username?: string;
  readonly password?: string;
  readonly email?: string;
  readonly auth?: string;
  readonly identitytoken?: string;
}

/**
 * The `.dockerconfigjson` text (compact JSON) for `credentials`:
 * `{"auths": {"<registryKey>": {...}}}`. A password credential gives
 * `username`, `password`, `email` (when present) and `auth` =
 * base64(`user:password`). An identity token gives `identitytoken`, plus
 * `auth` = base64(`user:`) as Docker writes it when the username is known
 * (not `<token>`). Keys keep the order given; an empty list gives
 * `{"auths":{}}`. The same credential twice for one key is written once; two
 * different ones throw SecretsError `invalid-input` naming the key.
 */
export function renderDockerConfigJson(credentials: readonly RegistryCredential[]): string {
  const auths: Record<string, DockerConfigAuth> = {};
  const seen = new Map<string, string>();
  for (const credential of credentials) {
    const entry = authEntry(credential);
    const fingerprint = JSON.stringify(entry);
    const earlier = seen.get(credential.registryKey);
    if (earlier === fingerprint) continue;
    if (earlier !== undefined) {
      throw new SecretsError(
        "invalid-input",
        `two different credentials are given for registry ${JSON.stringify(credential.registryKey)}: a .dockerconfigjson holds one per registry, so keep only one of those secrets in this merge`,
      );
    }
    seen.set(credential.registryKey, fingerprint);
    auths[credential.registryKey] = entry;
  }
  return JSON.stringify({ auths });
}

function authEntry(credential: RegistryCredential): DockerConfigAuth {
  const email = credential.email ? { email: credential.email } : {};
  if (credential.kind === "password") {
    const { username, password } = credential;
    return { username, password, ...email, auth: base64(`${username}:${password}`) };
  }
  const auth = credential.username === identityTokenUsername ? {} : { auth: base64(`${credential.username}:`) };
  return { ...auth, ...email, identitytoken: credential.identityToken };
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
