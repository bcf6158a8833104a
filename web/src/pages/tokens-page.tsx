/**
 * @module
 * `/tokens`: the signed-in user's API tokens over `/tokens` — create one
 * (name, scopes, lifetime; the token shown once with a copy button), list
 * them without secrets, revoke one. Portal sessions are tokens too (named
 * `portal-…`); revoking one ends that session.
 */
import { type FormEvent, useState } from "react";
import { api, seg } from "../api.ts";
import { ErrorBanner, useLoad } from "../ui.tsx";
import { ShownOnce } from "./shown-once.tsx";

interface Token {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly state: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

const when = (iso: string | null, none: string) => (iso ? new Date(iso).toLocaleString() : none);

/** Splits "a, b c" into scopes. */
export function scopeList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** The API tokens page; `session` names the token of this very session. */
export function TokensPage(props: { session?: string | undefined }) {
  const tokens = useLoad(() => api<{ tokens: Token[] }>("GET", "/tokens"), []);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState("api");
  const [expires, setExpires] = useState("30d");
  const [made, setMade] = useState<{ name: string; token: string }>();
  const [error, setError] = useState<unknown>();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const body = { name, scopes: scopeList(scopes), ...(expires.trim() ? { expires: expires.trim() } : {}) };
      setMade(await api<{ name: string; token: string }>("POST", "/tokens", body));
      setName("");
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (token: string) => {
    setError(undefined);
    try {
      await api("DELETE", `/tokens/${seg(token)}`);
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">API tokens</h1>
      <p>
        Tokens stand in for your password in the CLI, CI jobs and <code>docker login</code>. Scopes: <code>api</code>{" "}
        (this API), <code>NAMESPACE/*:pull,push</code>, <code>*:pull</code>.
      </p>
      <form onSubmit={create} aria-label="Create an API token">
        <label>
          Token name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Token scopes (comma-separated)
          <input name="scopes" value={scopes} onChange={(e) => setScopes(e.target.value)} />
        </label>
        <label>
          Token lifetime (e.g. 30d, 12h; empty: no expiry)
          <input name="expires" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </label>
        <button type="submit">Create token</button>
      </form>
      <ErrorBanner error={error} />
      {made && (
        <ShownOnce label={`the token ${made.name}`} secret={made.token} onDone={() => setMade(undefined)}>
          <p>Use it as the password, with your user name as username.</p>
        </ShownOnce>
      )}
      <ErrorBanner error={tokens.error} />
      <table aria-label="Tokens">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scopes</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {tokens.value?.tokens.map((t) => (
            <tr key={t.name}>
              <td>
                {t.name}
                {t.name === props.session && <small> (this session: revoking it signs you out)</small>}
              </td>
              <td>{t.scopes.join(" ")}</td>
              <td>{t.state}</td>
              <td>{when(t.createdAt, "—")}</td>
              <td>{when(t.expiresAt, "never")}</td>
              <td>{when(t.lastUsedAt, "never")}</td>
              <td>
                {t.state === "active" && (
                  <button type="button" onClick={() => void revoke(t.name)}>
                    Revoke {t.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
