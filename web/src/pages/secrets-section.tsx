/**
 * @module
 * An organization's pull secrets: the list (never a password) and the create
 * form; the server validates with the same rules and messages as the CLI.
 * Each row can be checked against an image and downloaded as a Kubernetes
 * Secret.
 */
import { type FormEvent, useId, useState } from "react";
import { api, seg } from "../api.ts";
import { ErrorBanner, useLoad } from "../ui.tsx";
import { SecretActions } from "./secret-actions.tsx";

interface Secrets {
  readonly secrets: readonly { name: string; kind: string; registry: string; username: string }[];
}

const empty = { name: "", kind: "docker-hub", registry: "", username: "", password: "" };

/** The pull secrets section of an organization's page. */
export function SecretsSection(props: { org: string }) {
  const secrets = useLoad(() => api<Secrets>("GET", `/orgs/${seg(props.org)}/secrets`), [props.org]);
  const [form, setForm] = useState(empty);
  const [insecure, setInsecure] = useState(false);
  const kindId = useId();
  const [error, setError] = useState<unknown>();
  const field = (key: keyof typeof empty) => ({
    name: key,
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const { registry, ...rest } = form;
    try {
      await api("POST", `/orgs/${seg(props.org)}/secrets`, {
        ...(registry ? form : rest),
        ...(insecure ? { insecure } : {}),
      });
      setForm(empty);
      setInsecure(false);
      secrets.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="secrets-title">
      <h2 id="secrets-title">Pull secrets</h2>
      <ErrorBanner error={secrets.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Registry</th>
            <th scope="col">Username</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {secrets.value?.secrets.map((s) => (
            <tr key={s.name}>
              <td>{s.name}</td>
              <td>{s.kind}</td>
              <td>{s.registry}</td>
              <td>{s.username}</td>
              <td>
                <SecretActions org={props.org} name={s.name} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={create} aria-label="Create a pull secret">
        <label>
          Secret name
          <input {...field("name")} />
        </label>
        <label htmlFor={kindId}>Kind</label>
        <select id={kindId} {...field("kind")}>
          <option value="docker-hub">Docker Hub</option>
          <option value="private-registry">Private registry</option>
        </select>
        <label>
          Registry (private registries)
          <input {...field("registry")} />
        </label>
        <label>
          <input type="checkbox" name="insecure" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />{" "}
          Plain HTTP registry (insecure)
        </label>
        <label>
          Username
          <input {...field("username")} autoComplete="off" />
        </label>
        <label>
          Password
          <input {...field("password")} type="password" autoComplete="new-password" />
        </label>
        <button type="submit">Create secret</button>
      </form>
      <ErrorBanner error={error} />
    </section>
  );
}
