/**
 * @module
 * `/orgs/{org}/robots`: an organization's robot accounts over
 * `/orgs/{org}/robots` — create one (name, scopes within the organization's
 * namespaces; the secret shown once with a copy button and its `docker
 * login` username), list them without secrets, revoke one.
 */
import { type FormEvent, useState } from "react";
import { api, seg } from "../api.ts";
import { ErrorBanner, Link, useLoad } from "../ui.tsx";
import { ShownOnce } from "./shown-once.tsx";
import { scopeList } from "./tokens-page.tsx";

interface Robot {
  readonly name: string;
  readonly username: string;
  readonly scopes: readonly string[];
  readonly state: string;
  readonly createdAt: string;
}

/** The robots page of `org`. */
export function RobotsPage(props: { org: string }) {
  const base = `/orgs/${seg(props.org)}/robots`;
  const robots = useLoad(() => api<{ robots: Robot[] }>("GET", base), [base]);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState(`${props.org}/*:pull`);
  const [made, setMade] = useState<Robot & { secret: string }>();
  const [error, setError] = useState<unknown>();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      setMade(await api<Robot & { secret: string }>("POST", base, { name, scopes: scopeList(scopes) }));
      setName("");
      robots.reload();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (robot: string) => {
    setError(undefined);
    try {
      await api("DELETE", `${base}/${seg(robot)}`);
      robots.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="robots-title">
      <p>
        <Link to={`/orgs/${seg(props.org)}`}>← {props.org}</Link>
      </p>
      <h1 id="robots-title">Robots of {props.org}</h1>
      <p>Robots are accounts for machines (CI, clusters), limited to this organization's namespaces.</p>
      <form onSubmit={create} aria-label="Create a robot">
        <label>
          Robot name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Robot scopes (comma-separated)
          <input name="scopes" value={scopes} onChange={(e) => setScopes(e.target.value)} />
        </label>
        <button type="submit">Create robot</button>
      </form>
      <ErrorBanner error={error} />
      {made && (
        <ShownOnce label={`the secret of ${made.username}`} secret={made.secret} onDone={() => setMade(undefined)}>
          <p>
            Username: <code>{made.username}</code>
          </p>
        </ShownOnce>
      )}
      <ErrorBanner error={robots.error} />
      <table aria-label="Robots">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Username</th>
            <th scope="col">Scopes</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {robots.value?.robots.map((r) => (
            <tr key={r.name}>
              <td>{r.name}</td>
              <td>
                <code>{r.username}</code>
              </td>
              <td>{r.scopes.join(" ")}</td>
              <td>{r.state}</td>
              <td>{new Date(r.createdAt).toLocaleString()}</td>
              <td>
                {r.state === "active" && (
                  <button type="button" onClick={() => void revoke(r.name)}>
                    Revoke {r.name}
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
