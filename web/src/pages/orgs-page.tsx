/**
 * @module
 * The caller's organizations, and a form to create one.
 */
import { type FormEvent, useState } from "react";
import { api } from "../api.ts";
import { ErrorBanner, Link, useLoad } from "../ui.tsx";

interface Orgs {
  readonly organizations: readonly { name: string; role: string | null }[];
}

/** `/`: organizations. */
export function OrgsPage(props: { isAdmin: boolean }) {
  const orgs = useLoad(() => api<Orgs>("GET", "/orgs"), []);
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api("POST", "/orgs", { name });
      setName("");
      orgs.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="orgs-title">
      <h1 id="orgs-title">Organizations</h1>
      <ErrorBanner error={orgs.error} />
      {orgs.value && orgs.value.organizations.length === 0 && (
        <p>No organizations yet{props.isAdmin ? ": create the first one below." : "."}</p>
      )}
      <ul>
        {orgs.value?.organizations.map((o) => (
          <li key={o.name}>
            <Link to={`/orgs/${encodeURIComponent(o.name)}`}>{o.name}</Link> {o.role && <small>({o.role})</small>}
          </li>
        ))}
      </ul>
      <form onSubmit={create} aria-label="Create an organization">
        <label>
          Organization name
          <input name="org" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">Create organization</button>
      </form>
      <ErrorBanner error={error} />
    </section>
  );
}
