/**
 * @module
 * What a caller gives to create or change a pull secret, and the first
 * gate it passes: the JSON types. The rules themselves (name, registry,
 * fields) are applied afterwards, and every broken one is reported together,
 * so one round trip fixes a form.
 */
import { isDomainError } from "../errors/domain-error.ts";
import { SecretsError } from "./secrets-error.ts";

/** A new secret, as the product's form asks for it. */
export interface CreateSecretInput {
  readonly name: string;
  readonly kind: "docker-hub" | "private-registry";
  /** Required for `private-registry`: `host`, `host:port` or an `https://` URL (`http://` when insecure). */
  readonly registry?: string;
  /** The registry is served over plain HTTP (private registries only). */
  readonly insecure?: boolean;
  readonly username: string;
  /** The password or access token. */
  readonly password: string;
  readonly email?: string;
}

/** What to change; absent fields stay. `email: null` or "" removes it. Registry fields are re-normalized together. */
export interface UpdateSecretInput {
  readonly username?: string;
  readonly password?: string;
  readonly email?: string | null;
  readonly kind?: "docker-hub" | "private-registry";
  readonly registry?: string;
  readonly insecure?: boolean;
}

/** The fields `update` changes, in the order the audit log lists them. */
export const updatableSecretFields = ["username", "password", "email", "kind", "registry", "insecure"] as const;

const stringFields = ["name", "kind", "registry", "username", "password", "email"] as const;

/**
 * Throws `invalid-input` naming every field of `input` that has the wrong
 * JSON type (an API body is not type-checked): `required` strings must be
 * present; other string fields may be absent (and `email` null); `insecure`
 * is a boolean. Runs before any rule, so the rules can trust the types.
 */
export function assertSecretInputShape(input: object, required: readonly string[]): void {
  const fields = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of stringFields) {
    const value = fields[field];
    const absent = value === undefined || (field === "email" && value === null);
    if (absent && required.includes(field)) problems.push(`${field} is required`);
    else if (!absent && typeof value !== "string") problems.push(`${field} must be a string`);
  }
  if (fields.insecure !== undefined && typeof fields.insecure !== "boolean")
    problems.push("insecure must be true or false");
  refuseAll(problems);
}

/** Runs `step`, turning an `invalid-input` into a problem in `problems`. */
export function collect<T>(problems: string[], step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    if (!isDomainError(error, "invalid-input")) throw error;
    problems.push(error.message);
    return undefined;
  }
}

/** Throws `invalid-input` joining every problem given ("; "); returns when there is none. */
export function refuseAll(problems: readonly (string | undefined)[]): void {
  const found = problems.filter((p) => p !== undefined);
  if (found.length > 0) throw new SecretsError("invalid-input", found.join("; "));
}
