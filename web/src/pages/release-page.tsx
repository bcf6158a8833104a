/**
 * @module
 * One release, over `GET /apps/{app}/releases/{version}`: its channels and
 * every image with its source, tag and the digest it was pinned to, plus the
 * airgap bundle's download link.
 */
import { api, seg } from "../api.ts";
import { CopyLine, ErrorBanner, Link, useLoad } from "../ui.tsx";
import type { Release } from "./releases-section.tsx";

/** `/apps/{app}/releases/{version}`. */
export function ReleasePage(props: { app: string; version: string }) {
  const path = `/apps/${seg(props.app)}/releases/${seg(props.version)}`;
  const release = useLoad(() => api<Release>("GET", path), [path]);
  return (
    <section aria-labelledby="release-title">
      <p>
        <Link to={`/apps/${seg(props.app)}`}>← {props.app}</Link>
      </p>
      <h1 id="release-title">
        {props.app} {props.version}
      </h1>
      <ErrorBanner error={release.error} />
      {release.value && (
        <>
          <p>
            Channels: {release.value.channels.join(", ") || "none"}; created{" "}
            {new Date(release.value.createdAt).toLocaleString()}.{" "}
            <a href={`/api/v1${path}/bundle`} download>
              Download the airgap bundle
            </a>
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Image</th>
                <th scope="col">Source</th>
                <th scope="col">Tag</th>
                <th scope="col">Digest</th>
              </tr>
            </thead>
            <tbody>
              {release.value.images.map((i) => (
                <tr key={`${i.source}/${i.name}`}>
                  <td>{i.name}</td>
                  <td>{i.source}</td>
                  <td>{i.tag ?? "—"}</td>
                  <td>
                    <CopyLine text={i.digest} label={`Copy the digest of ${i.name}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
