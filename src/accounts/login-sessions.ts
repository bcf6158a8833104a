/**
 * @module
 * The API tokens `wharf login` makes from a password (`POST /login`, named
 * `cli-<utc time>[-n]`, scopes `api` and `*:pull,push,delete`) are sessions
 * of that password: when the password changes or the user is disabled they
 * are revoked, so none issued before works again. Tokens a user created
 * deliberately (`wharf token create`) are theirs to revoke and stay.
 */
import type { TokenRow, TokenStore } from "../metadata/accounts-metadata.ts";

const sessionName = /^cli-\d{8}-\d{6}(-\d+)?$/;
const sessionScopes = ["api", "*:pull,push,delete"];

/** Whether `token` is a login session (see the module comment). */
export function isLoginSession(token: TokenRow): boolean {
  return (
    sessionName.test(token.name) &&
    token.scopes.length === sessionScopes.length &&
    sessionScopes.every((s) => token.scopes.includes(s))
  );
}

/**
 * Revokes every active login session of `userId` at `now`, except
 * `keepTokenId` (the session the change was made with). Returns how many.
 */
export async function revokeLoginSessions(
  store: Pick<TokenStore, "listTokens" | "revokeToken">,
  userId: number,
  now: number,
  keepTokenId?: number,
): Promise<number> {
  const sessions = (await store.listTokens(userId)).filter(
    (t) => t.revokedAt === null && t.id !== keepTokenId && isLoginSession(t),
  );
  for (const token of sessions) await store.revokeToken(token.id, now);
  return sessions.length;
}
