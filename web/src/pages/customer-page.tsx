/**
 * @module
 * The customer view: what a license holder signed in with its license sees,
 * over `GET /license/self` only — the license (customer, application,
 * channel, expiry), what it may pull (repositories and charts with their
 * pull lines, proxied paths), the pull Secret to install (copy or
 * download), the exact `kubectl` and `helm` lines, and its releases'
 * airgap bundles. A revoked or expired license gets the server's message
 * (what to do next) on the next load.
 */
import { useState } from "react";
import { api } from "../api.ts";
import { CopyBlock, CopyLine, ErrorBanner, useLoad } from "../ui.tsx";

interface SelfView {
  readonly license: string;
  readonly app: string;
  readonly customer: string;
  readonly email: string | null;
  readonly channel: string;
  readonly expiresAt: string | null;
  readonly registry: string;
  readonly repositories: readonly { name: string; kind: "image" | "chart"; tags: readonly string[]; pull: string }[];
  readonly proxied: readonly { pattern: string; pull: string }[];
  readonly releases: readonly { version: string; channels: readonly string[]; createdAt: string; bundle: string }[];
  readonly pullSecret: { name: string; namespace: string; yaml: string };
  readonly commands: {
    kubectlApply: string;
    kubectlCreateSecret: string;
    helmRegistryLogin: string;
    helmInstall: string | null;
  };
}

function pullLine(r: SelfView["repositories"][number]): string {
  const tag = r.tags[0];
  if (r.kind === "chart") return `helm pull ${r.pull}${tag ? ` --version ${tag}` : ""}`;
  return `docker pull ${r.pull}${tag ? `:${tag}` : ""}`;
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** `/` for a license holder. */
export function CustomerPage() {
  const [namespace, setNamespace] = useState("default");
  const [asked, setAsked] = useState("default");
  const self = useLoad(() => api<SelfView>("GET", `/license/self?namespace=${encodeURIComponent(asked)}`), [asked]);
  const v = self.value;
  return (
    <section aria-labelledby="customer-title">
      <h1 id="customer-title">Your license{v ? ` for ${v.app}` : ""}</h1>
      <ErrorBanner error={self.error} />
      {v && self.error === undefined && (
        <>
          <dl className="facts">
            <dt>Customer</dt>
            <dd>{v.customer}</dd>
            <dt>License</dt>
            <dd>
              <code>{v.license}</code>
            </dd>
            <dt>Channel</dt>
            <dd>{v.channel}</dd>
            <dt>Expires</dt>
            <dd>{v.expiresAt ? new Date(v.expiresAt).toLocaleString() : "never"}</dd>
          </dl>
          <h2>What you may pull</h2>
          {v.repositories.length === 0 && <p>No images or charts yet: your vendor has not pushed any.</p>}
          {v.repositories.length > 0 && (
            <table aria-label="Entitled repositories">
              <thead>
                <tr>
                  <th scope="col">Repository</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Newest tags</th>
                  <th scope="col">Pull</th>
                </tr>
              </thead>
              <tbody>
                {v.repositories.map((r) => (
                  <tr key={r.name}>
                    <td>{r.name}</td>
                    <td>{r.kind}</td>
                    <td>{r.tags.join(", ")}</td>
                    <td>
                      <CopyLine text={pullLine(r)} label={`Copy the pull line of ${r.name}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {v.proxied.length > 0 && (
            <>
              <h3>Through the proxy</h3>
              <ul aria-label="Proxied paths">
                {v.proxied.map((p) => (
                  <li key={p.pattern}>
                    <code>{p.pull}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
          <h2>Install the pull secret</h2>
          <form
            aria-label="Namespace"
            onSubmit={(e) => {
              e.preventDefault();
              setAsked(namespace.trim() || "default");
            }}
          >
            <label>
              Kubernetes namespace
              <input name="namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} />
            </label>
            <button type="submit">Use namespace</button>
          </form>
          <p>Either apply the Secret below:</p>
          <section aria-label="Kubernetes pull Secret">
            <CopyBlock text={v.pullSecret.yaml} label="Copy the pull Secret" />
          </section>
          <p>
            <button type="button" onClick={() => download(`${v.pullSecret.name}.yaml`, v.pullSecret.yaml)}>
              Download {v.pullSecret.name}.yaml
            </button>{" "}
            <CopyLine text={v.commands.kubectlApply} label="Copy the kubectl apply line" />
          </p>
          <p>or create it directly:</p>
          <p>
            <CopyLine text={v.commands.kubectlCreateSecret} label="Copy the kubectl create secret line" />
          </p>
          <p>
            Then add <code>imagePullSecrets: [{`{ name: ${v.pullSecret.name} }`}]</code> to your pods (or their service
            account).
          </p>
          <h2>Helm</h2>
          <p>
            <CopyLine text={v.commands.helmRegistryLogin} label="Copy the helm registry login line" />
          </p>
          {v.commands.helmInstall && (
            <p>
              <CopyLine text={v.commands.helmInstall} label="Copy the helm install line" />
            </p>
          )}
          <h2>Releases</h2>
          {v.releases.length === 0 && <p>No releases on your channel yet.</p>}
          {v.releases.length > 0 && (
            <table aria-label="Releases">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Channels</th>
                  <th scope="col">Created</th>
                  <th scope="col">Airgap bundle</th>
                </tr>
              </thead>
              <tbody>
                {v.releases.map((r) => (
                  <tr key={r.version}>
                    <td>{r.version}</td>
                    <td>{r.channels.join(", ")}</td>
                    <td>{new Date(r.createdAt).toLocaleString()}</td>
                    <td>
                      <a href={r.bundle} download>
                        Download the bundle of {r.version}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
