/**
 * @module
 * What one pull secret's row offers: check it against an image (the server's
 * one-line answer, `CODE: message`, whatever it is) and download it as a
 * Kubernetes Secret (rendered by the server; the file holds the password and
 * never stays on the page).
 */
import { type FormEvent, useState } from "react";
import { api, seg } from "../api.ts";
import { ErrorBanner } from "../ui.tsx";

interface CheckAnswer {
  readonly code: string;
  readonly message: string;
}

/** Saves `text` as file `name` through a short-lived object URL. */
function saveFile(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The check form and download button of secret `name` in `org`. */
export function SecretActions(props: { org: string; name: string }) {
  const base = `/orgs/${seg(props.org)}/secrets`;
  const [image, setImage] = useState("");
  const [answer, setAnswer] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const check = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setAnswer("");
    setBusy(true);
    try {
      const got = await api<CheckAnswer>("POST", `${base}/${seg(props.name)}/check`, { image });
      setAnswer(`${got.code}: ${got.message}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const download = async () => {
    setError(undefined);
    try {
      const got = await api<{ text: string }>("POST", `${base}/render`, { names: [props.name], format: "kubernetes" });
      saveFile(`${props.name}-secret.yaml`, got.text);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <form onSubmit={check} aria-label={`Check ${props.name}`} className="inline">
        <label>
          Image to pull with {props.name}
          <input name="image" value={image} onChange={(e) => setImage(e.target.value)} placeholder="host/name:tag" />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Checking…" : `Check ${props.name}`}
        </button>
        <output aria-live="polite">{answer}</output>
      </form>
      <button type="button" onClick={() => void download()}>
        Download {props.name} as a Kubernetes Secret
      </button>
      <ErrorBanner error={error} />
    </>
  );
}
