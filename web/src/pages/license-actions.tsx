/**
 * @module
 * What one license's row offers besides revoking: extend it (a new lifetime
 * counted from now, or `never`) and its pull history (newest first: time,
 * image, digest, bytes, address), over `/apps/{app}/licenses/{license}/extend`
 * and `/pulls`.
 */
import { type FormEvent, useState } from "react";
import { api, seg } from "../api.ts";
import { bytes, ErrorBanner } from "../ui.tsx";

interface Pull {
  readonly at: string;
  readonly repository: string;
  readonly reference: string;
  readonly digest: string | null;
  readonly kind: string;
  readonly bytes: number;
  readonly remote: string | null;
}

/** Extend form (not for revoked licenses) and pull history of license `id` of `app`; `onChanged` after an extension. */
export function LicenseActions(props: { app: string; id: string; revoked: boolean; onChanged: () => void }) {
  const base = `/apps/${seg(props.app)}/licenses/${seg(props.id)}`;
  const [expires, setExpires] = useState("");
  const [pulls, setPulls] = useState<readonly Pull[]>();
  const [error, setError] = useState<unknown>();
  const extend = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api("POST", `${base}/extend`, { expires });
      setExpires("");
      props.onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const showPulls = async () => {
    setError(undefined);
    try {
      setPulls((await api<{ pulls: Pull[] }>("GET", `${base}/pulls`)).pulls);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      {!props.revoked && (
        <form onSubmit={extend} aria-label={`Extend ${props.id}`} className="inline">
          <label>
            New lifetime of {props.id} (e.g. 90d, never)
            <input name="extend" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </label>
          <button type="submit">Extend {props.id}</button>
        </form>
      )}
      <button type="button" onClick={() => void showPulls()} aria-expanded={pulls !== undefined}>
        Pull history of {props.id}
      </button>
      <ErrorBanner error={error} />
      {pulls?.length === 0 && <p>No pulls in the last 30 days.</p>}
      {pulls && pulls.length > 0 && (
        <table aria-label={`Pulls of ${props.id}`}>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Image</th>
              <th scope="col">Digest</th>
              <th scope="col">Bytes</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {pulls.map((p) => (
              <tr key={`${p.at} ${p.kind} ${p.digest ?? p.reference}`}>
                <td>{new Date(p.at).toLocaleString()}</td>
                <td>
                  {p.repository}:{p.reference} <small>({p.kind})</small>
                </td>
                <td>
                  <code>{p.digest ?? "—"}</code>
                </td>
                <td>{bytes(p.bytes)}</td>
                <td>{p.remote ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
