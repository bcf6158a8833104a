/**
 * @module
 * One repository: its tags with digest, size, platforms, push time and a
 * copyable `docker pull` line each; the public/private switch.
 */
import { api } from "../api.ts";
import { bytes, CopyLine, ErrorBanner, useLoad } from "../ui.tsx";
import { VisibilitySwitch } from "./visibility-switch.tsx";

interface Tags {
  readonly tags: readonly {
    tag: string;
    digest: string;
    kind: string;
    size: number | null;
    pushedAt: string;
    platforms?: readonly { os: string; architecture: string; variant?: string }[];
  }[];
}

/** `/repositories/{name}`. */
export function RepositoryPage(props: { name: string }) {
  const path = props.name.split("/").map(encodeURIComponent).join("/");
  const tags = useLoad(() => api<Tags>("GET", `/repositories/${path}/tags`), [props.name]);
  const host = window.location.host;
  return (
    <section aria-labelledby="repo-title">
      <h1 id="repo-title">{props.name}</h1>
      <ErrorBanner error={tags.error} />
      <VisibilitySwitch name={props.name} />
      {tags.value?.tags.length === 0 && <p>No tags: push one with docker push {`${host}/${props.name}:TAG`}.</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Tag</th>
            <th scope="col">Digest</th>
            <th scope="col">Size</th>
            <th scope="col">Platforms</th>
            <th scope="col">Pushed</th>
            <th scope="col">Pull</th>
          </tr>
        </thead>
        <tbody>
          {tags.value?.tags.map((t) => (
            <tr key={t.tag}>
              <td>{t.tag}</td>
              <td>
                <code title={t.digest}>{t.digest}</code>
              </td>
              <td>{bytes(t.size)}</td>
              <td>
                {t.platforms?.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join("/")).join(", ") ??
                  t.kind}
              </td>
              <td>{new Date(t.pushedAt).toLocaleString()}</td>
              <td>
                <CopyLine
                  text={`docker pull ${host}/${props.name}:${t.tag}`}
                  label={`Copy the pull line of ${t.tag}`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
