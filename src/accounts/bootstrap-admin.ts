/**
 * @module
 * The first start creates the server administrator `admin`. Its password is
 * WHARF_ADMIN_PASSWORD when set; otherwise a random one, printed once and
 * written to `<dataDir>/admin-password` (mode 0600) for the operator.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { NamespaceStore, UserStore } from "../metadata/accounts-metadata.ts";
import { hashPassword } from "./password-hash.ts";

/** What bootstrapping did: nothing, or created admin (with where its password is). */
export type Bootstrap =
  | { readonly created: false }
  | { readonly created: true; readonly passwordFile?: string; readonly password?: string };

/** Creates `admin` when there are no users yet (once, when several nodes start at once). */
export async function bootstrapAdmin(
  store: UserStore & Pick<NamespaceStore, "createNamespace">,
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<Bootstrap> {
  if ((await store.countUsers()) > 0) return { created: false };
  const given = env.WHARF_ADMIN_PASSWORD;
  const password = given && given.length > 0 ? given : randomBytes(18).toString("base64url");
  let user: Awaited<ReturnType<UserStore["createUser"]>>;
  try {
    user = await store.createUser("admin", null, await hashPassword(password), true);
  } catch (error) {
    // Nodes sharing one database start together: another created admin first.
    if ((await store.countUsers()) > 0) return { created: false };
    throw error;
  }
  await store.createNamespace({ name: "admin", kind: "user", userId: user.id, orgId: null });
  if (given) return { created: true };
  const passwordFile = join(dataDir, "admin-password");
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  return { created: true, passwordFile, password };
}
