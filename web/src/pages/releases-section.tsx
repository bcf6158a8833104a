/**
 * @module
 * An application's releases, over `GET /apps/{app}/releases`: version,
 * channels, image count and creation time, each linking to its page. Releases
 * are created with `wharf release create` (the API's POST); the portal lists
 * and shows them.
 */
import { api, seg } from "../api.ts";
import { ErrorBanner, Link, useLoad } from "../ui.tsx";

/** A release as the API answers it. */
export interface Release {
  readonly app: string;
  readonly version: string;
  readonly channels: readonly string[];
  readonly images: readonly { name: string; source: string; tag?: string; digest: string }[];
  readonly createdAt: string;
}

/** The releases section of an application's page. */
export function ReleasesSection(props: { app: string }) {
  const releases = useLoad(() => api<{ releases: Release[] }>("GET", `/apps/${seg(props.app)}/releases`), [props.app]);
  return (
    <section aria-labelledby="releases-title">
      <h2 id="releases-title">Releases</h2>
      <ErrorBanner error={releases.error} />
      {releases.value?.releases.length === 0 && (
        <p>
          No releases yet: create one with <code>wharf release create {props.app} VERSION -f images.yaml</code>.
        </p>
      )}
      {releases.value && releases.value.releases.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Channels</th>
              <th scope="col">Images</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {releases.value.releases.map((r) => (
              <tr key={r.version}>
                <td>
                  <Link to={`/apps/${seg(props.app)}/releases/${seg(r.version)}`}>{r.version}</Link>
                </td>
                <td>{r.channels.join(", ") || "—"}</td>
                <td>{r.images.length}</td>
                <td>{new Date(r.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
