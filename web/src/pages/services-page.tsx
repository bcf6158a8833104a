/**
 * @module
 * `/orgs/{org}/services`: seed 000's "add service" form over
 * `/orgs/{org}/services` — name, image (Docker Hub when no registry is
 * named), the docker secret to pull it with (one of the organization's pull
 * secrets, or none for a public image), ports, environment variables and
 * replicas — plus the list, each service rendered as Kubernetes YAML
 * (Secret, Deployment, Service) to copy, and deleted.
 */
import { type FormEvent, useState } from "react";
import { api, seg } from "../api.ts";
import { CopyBlock, ErrorBanner, Link, useLoad } from "../ui.tsx";

interface Service {
  readonly name: string;
  readonly image: string;
  readonly secretName: string | null;
  readonly replicas: number;
  readonly ports: readonly { port: number; name: string | null; protocol: string }[];
  readonly env: Readonly<Record<string, string>>;
}

const empty = { name: "", image: "", secretName: "", replicas: "1", ports: "", env: "" };

/** `8080, 53/udp` → port entries. */
function portsOf(text: string) {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((p) => {
      const [port, protocol] = p.split("/");
      return { port: Number(port), ...(protocol ? { protocol: protocol.toUpperCase() } : {}) };
    });
}

/** `KEY=value` lines → an env record. */
function envOf(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const eq = line.indexOf("=");
    if (eq <= 0)
      throw new Error(`environment line "${line.slice(0, 40)}" is not KEY=value: write one KEY=value per line`);
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return env;
}

/** The rendered YAML of service `name` (Secret, Deployment, Service), to copy. */
function Rendered(props: { org: string; name: string }) {
  const path = `/orgs/${seg(props.org)}/services/${seg(props.name)}/render`;
  const rendered = useLoad(() => api<{ yaml: string }>("GET", path), [path]);
  return (
    <section aria-label={`Kubernetes YAML of ${props.name}`}>
      <h2>Kubernetes YAML of {props.name}</h2>
      <ErrorBanner error={rendered.error} />
      {rendered.value && <CopyBlock text={rendered.value.yaml} label={`Copy the YAML of ${props.name}`} />}
    </section>
  );
}

/** The services page of `org`. */
export function ServicesPage(props: { org: string }) {
  const base = `/orgs/${seg(props.org)}/services`;
  const services = useLoad(() => api<{ services: Service[] }>("GET", base), [base]);
  const secrets = useLoad(
    () => api<{ secrets: { name: string }[] }>("GET", `/orgs/${seg(props.org)}/secrets`),
    [props.org],
  );
  const [form, setForm] = useState(empty);
  const [shown, setShown] = useState<string>();
  const [error, setError] = useState<unknown>();
  const field = (key: keyof typeof empty) => ({
    name: key,
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api("POST", base, {
        name: form.name,
        image: form.image,
        ...(form.secretName ? { secretName: form.secretName } : {}),
        replicas: Number(form.replicas),
        ports: portsOf(form.ports),
        env: envOf(form.env),
      });
      setForm(empty);
      services.reload();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (name: string) => {
    setError(undefined);
    try {
      await api("DELETE", `${base}/${seg(name)}`);
      if (shown === name) setShown(undefined);
      services.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="services-title">
      <p>
        <Link to={`/orgs/${seg(props.org)}`}>← {props.org}</Link>
      </p>
      <h1 id="services-title">Services of {props.org}</h1>
      <form onSubmit={create} aria-label="Add a service" className="stacked">
        <label>
          Service name
          <input {...field("name")} />
        </label>
        <label>
          Docker image (Docker Hub unless a registry is named, e.g. spaceuptech/basic-service)
          <input {...field("image")} />
        </label>
        <label>
          Docker secret (for private images)
          <select {...field("secretName")}>
            <option value="">None (public image)</option>
            {secrets.value?.secrets.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Ports (e.g. 8080, 53/udp)
          <input {...field("ports")} />
        </label>
        <label>
          Environment variables (one KEY=value per line)
          <textarea {...field("env")} rows={3} />
        </label>
        <label>
          Replicas
          <input {...field("replicas")} type="number" min={0} max={1000} />
        </label>
        <button type="submit">Add service</button>
      </form>
      <ErrorBanner error={error} />
      <ErrorBanner error={services.error} />
      <table aria-label="Services">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Image</th>
            <th scope="col">Secret</th>
            <th scope="col">Ports</th>
            <th scope="col">Env</th>
            <th scope="col">Replicas</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {services.value?.services.map((s) => (
            <tr key={s.name}>
              <td>{s.name}</td>
              <td>
                <code>{s.image}</code>
              </td>
              <td>{s.secretName ?? "none"}</td>
              <td>{s.ports.map((p) => `${p.port}/${p.protocol}`).join(", ")}</td>
              <td>{Object.keys(s.env).join(", ")}</td>
              <td>{s.replicas}</td>
              <td>
                <button type="button" onClick={() => setShown(s.name)} aria-pressed={shown === s.name}>
                  Render YAML of {s.name}
                </button>{" "}
                <button type="button" onClick={() => void remove(s.name)}>
                  Delete {s.name}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && <Rendered key={shown} org={props.org} name={shown} />}
    </section>
  );
}
