/**
 * @module
 * An organization's external registries (the pull-through proxy's
 * upstreams): the list without passwords, the add form, and a test button
 * per registry that shows the server's one-line answer.
 */
import { type FormEvent, useState } from "react";
import { api, seg } from "../api.ts";
import { ErrorBanner, useLoad } from "../ui.tsx";

interface Registry {
  readonly name: string;
  readonly host: string;
  readonly prefix: string;
  readonly username: string | null;
}

const empty = { registry: "", name: "", prefix: "", username: "", password: "" };

/** The external registries section of an organization's page. */
export function ExternalRegistriesSection(props: { org: string }) {
  const base = `/orgs/${seg(props.org)}/external-registries`;
  const list = useLoad(() => api<{ registries: Registry[] }>("GET", base), [base]);
  const [form, setForm] = useState(empty);
  const [insecure, setInsecure] = useState(false);
  const [results, setResults] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const field = (key: keyof typeof empty) => ({
    name: `external-${key}`,
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const body: Record<string, unknown> = { registry: form.registry };
    for (const key of ["name", "prefix", "username", "password"] as const) if (form[key]) body[key] = form[key];
    if (insecure) body.insecure = true;
    try {
      await api("POST", base, body);
      setForm(empty);
      setInsecure(false);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  const test = async (name: string) => {
    setResults({ ...results, [name]: "Testing…" });
    try {
      const answer = await api<{ code: string; message: string }>("POST", `${base}/${seg(name)}/test`, {});
      setResults((r) => ({ ...r, [name]: `${answer.code}: ${answer.message}` }));
    } catch (e) {
      setResults((r) => ({ ...r, [name]: e instanceof Error ? e.message : String(e) }));
    }
  };
  return (
    <section aria-labelledby="external-title">
      <h2 id="external-title">External registries</h2>
      <ErrorBanner error={list.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Short name</th>
            <th scope="col">Host</th>
            <th scope="col">Prefix</th>
            <th scope="col">Username</th>
            <th scope="col">Test</th>
          </tr>
        </thead>
        <tbody>
          {list.value?.registries.map((r) => (
            <tr key={r.name}>
              <td>{r.name}</td>
              <td>{r.host}</td>
              <td>{r.prefix}</td>
              <td>{r.username ?? "anonymous"}</td>
              <td>
                <button type="button" aria-label={`Test ${r.name}`} onClick={() => void test(r.name)}>
                  Test
                </button>{" "}
                {results[r.name] && <output>{results[r.name]}</output>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={add} aria-label="Add an external registry">
        <label>
          Registry host or URL
          <input {...field("registry")} />
        </label>
        <label>
          Short name (optional)
          <input {...field("name")} />
        </label>
        <label>
          Prefix (optional)
          <input {...field("prefix")} />
        </label>
        <label>
          Registry username
          <input {...field("username")} autoComplete="off" />
        </label>
        <label>
          Registry password
          <input {...field("password")} type="password" autoComplete="new-password" />
        </label>
        <label>
          Plain HTTP
          <input
            name="external-insecure"
            type="checkbox"
            checked={insecure}
            onChange={(e) => setInsecure(e.target.checked)}
          />
        </label>
        <button type="submit">Add registry</button>
      </form>
      <ErrorBanner error={error} />
    </section>
  );
}
