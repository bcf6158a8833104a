/**
 * @module
 * One organization: its repositories, applications, members and teams,
 * pull secrets and external registries, with links to its services and
 * robots pages.
 */
import { type FormEvent, useState } from "react";
import { api, seg } from "../api.ts";
import { ErrorBanner, Link, useLoad } from "../ui.tsx";
import { ExternalRegistriesSection } from "./external-registries-section.tsx";
import { SecretsSection } from "./secrets-section.tsx";
import { TeamsSection } from "./teams-section.tsx";

interface OrgDetail {
  readonly namespaces: readonly { name: string; kind: string; public: boolean }[];
}
interface Repositories {
  readonly repositories: readonly { name: string; tags: number; pushedAt: string | null }[];
}
interface Apps {
  readonly applications: readonly { slug: string }[];
}

function RepositoriesSection(props: { org: string }) {
  const load = useLoad(async () => {
    const detail = await api<OrgDetail>("GET", `/orgs/${seg(props.org)}`);
    const all = await api<Repositories>("GET", "/repositories");
    const spaces = detail.namespaces.map((n) => n.name);
    return all.repositories.filter((r) => spaces.some((s) => r.name.startsWith(`${s}/`)));
  }, [props.org]);
  return (
    <section aria-labelledby="repos-title">
      <h2 id="repos-title">Repositories</h2>
      <ErrorBanner error={load.error} />
      {load.value?.length === 0 && <p>No repositories yet: push an image to {props.org}/NAME:TAG.</p>}
      <ul>
        {load.value?.map((r) => (
          <li key={r.name}>
            <Link to={`/repositories/${r.name}`}>{r.name}</Link>{" "}
            <small>
              {r.tags} tag{r.tags === 1 ? "" : "s"}
              {r.pushedAt && `, pushed ${new Date(r.pushedAt).toLocaleString()}`}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}

function AppsSection(props: { org: string }) {
  const apps = useLoad(() => api<Apps>("GET", `/orgs/${seg(props.org)}/apps`), [props.org]);
  const [slug, setSlug] = useState("");
  const [error, setError] = useState<unknown>();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api("POST", `/orgs/${seg(props.org)}/apps`, { slug });
      setSlug("");
      apps.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="apps-title">
      <h2 id="apps-title">Applications</h2>
      <ErrorBanner error={apps.error} />
      <ul>
        {apps.value?.applications.map((a) => (
          <li key={a.slug}>
            <Link to={`/apps/${encodeURIComponent(a.slug)}`}>{a.slug}</Link>
          </li>
        ))}
      </ul>
      <form onSubmit={create} aria-label="Create an application">
        <label>
          Application slug
          <input name="slug" value={slug} onChange={(e) => setSlug(e.target.value)} />
        </label>
        <button type="submit">Create application</button>
      </form>
      <ErrorBanner error={error} />
    </section>
  );
}

/** `/orgs/{org}`. */
export function OrgPage(props: { org: string }) {
  return (
    <>
      <h1>{props.org}</h1>
      <nav aria-label={`More of ${props.org}`}>
        <Link to={`/orgs/${seg(props.org)}/services`}>Services</Link> ·{" "}
        <Link to={`/orgs/${seg(props.org)}/robots`}>Robots</Link>
      </nav>
      <RepositoriesSection org={props.org} />
      <AppsSection org={props.org} />
      <TeamsSection org={props.org} />
      <SecretsSection org={props.org} />
      <ExternalRegistriesSection org={props.org} />
    </>
  );
}
