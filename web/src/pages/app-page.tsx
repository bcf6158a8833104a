/**
 * @module
 * One application: its customers and their licenses. A new license's id (the
 * customer's credential) is shown once, right after creation, with what the
 * customer needs: the entitlements, the `docker login` line and the
 * Kubernetes pull Secret; a license can be revoked, extended and its pull
 * history shown. A license may follow a
 * release channel; the application's releases are listed.
 */
import { type FormEvent, useState } from "react";
import { api, seg } from "../api.ts";
import { CopyLine, ErrorBanner, useLoad } from "../ui.tsx";
import { LicenseActions } from "./license-actions.tsx";
import { ReleasesSection } from "./releases-section.tsx";

interface Created {
  readonly id: string;
  readonly licenseId: string;
  readonly entitlements: readonly string[];
  readonly secretYaml: string;
}

interface License {
  readonly id: string;
  readonly customer: string;
  readonly state: string;
  readonly channel: string | null;
  readonly expiresAt: string | null;
}

/** `/apps/{app}`. */
export function AppPage(props: { app: string }) {
  const base = `/apps/${seg(props.app)}`;
  const customers = useLoad(
    () =>
      api<{ customers: { name: string; email: string | null; activeLicenses: number }[] }>("GET", `${base}/customers`),
    [base],
  );
  const licenses = useLoad(() => api<{ licenses: License[] }>("GET", `${base}/licenses`), [base]);
  const [customer, setCustomer] = useState("");
  const [licensee, setLicensee] = useState("");
  const [expires, setExpires] = useState("");
  const [channel, setChannel] = useState("");
  const [created, setCreated] = useState<Created>();
  const [error, setError] = useState<unknown>();
  const run = async (work: () => Promise<void>) => {
    setError(undefined);
    try {
      await work();
      customers.reload();
      licenses.reload();
    } catch (e) {
      setError(e);
    }
  };
  const addCustomer = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api("POST", `${base}/customers`, { name: customer });
      setCustomer("");
    });
  };
  const addLicense = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const made = await api<{ id: string; licenseId: string; entitlements: string[] }>("POST", `${base}/licenses`, {
        customer: licensee,
        ...(expires ? { expires } : {}),
        ...(channel ? { channel } : {}),
      });
      // The id is known only now: render the customer's pull Secret while it is.
      const secret = await api<{ yaml: string }>("POST", `${base}/licenses/${seg(made.id)}/pull-secret`, {
        licenseId: made.licenseId,
        namespaces: ["default"],
        registry: window.location.host,
      }).catch(() => ({ yaml: "" }));
      setCreated({ ...made, secretYaml: secret.yaml });
    });
  };
  return (
    <>
      <h1>{props.app}</h1>
      <ErrorBanner error={error} />
      <section aria-labelledby="customers-title">
        <h2 id="customers-title">Customers</h2>
        <ErrorBanner error={customers.error} />
        <ul>
          {customers.value?.customers.map((c) => (
            <li key={c.name}>
              {c.name} <small>({c.activeLicenses} active licenses)</small>
            </li>
          ))}
        </ul>
        <form onSubmit={addCustomer} aria-label="Add a customer">
          <label>
            Customer name
            <input name="customer" value={customer} onChange={(e) => setCustomer(e.target.value)} />
          </label>
          <button type="submit">Add customer</button>
        </form>
      </section>
      <section aria-labelledby="licenses-title">
        <h2 id="licenses-title">Licenses</h2>
        <ErrorBanner error={licenses.error} />
        {created && (
          <div role="status" className="once">
            <p>
              The new license id: copy it now, it is shown only once. The customer signs in to the registry with it as
              username and password.
            </p>
            <CopyLine text={created.licenseId} label="Copy the license id" />
            <p>What the customer may pull: {created.entitlements.join(", ")}</p>
            <p>
              Log in (the password is the id too):{" "}
              <CopyLine
                text={`docker login ${window.location.host} -u ${created.licenseId}`}
                label="Copy the docker login line"
              />
            </p>
            {created.secretYaml && (
              <>
                <p>The Kubernetes pull Secret for the namespace default (kubectl apply -f -):</p>
                <section aria-label="Kubernetes pull Secret">
                  <pre>{created.secretYaml}</pre>
                </section>
              </>
            )}
            <button type="button" onClick={() => setCreated(undefined)}>
              Done
            </button>
          </div>
        )}
        <table>
          <thead>
            <tr>
              <th scope="col">License</th>
              <th scope="col">Customer</th>
              <th scope="col">Channel</th>
              <th scope="col">State</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {licenses.value?.licenses.map((l) => (
              <tr key={l.id}>
                <td>
                  <code>{l.id}</code>
                </td>
                <td>{l.customer}</td>
                <td>{l.channel ?? "—"}</td>
                <td>{l.state}</td>
                <td>{l.expiresAt ? new Date(l.expiresAt).toLocaleString() : "never"}</td>
                <td>
                  {l.state === "active" && (
                    <button
                      type="button"
                      aria-label={`Revoke ${l.id}`}
                      onClick={() => void run(() => api("POST", `${base}/licenses/${seg(l.id)}/revoke`))}
                    >
                      Revoke
                    </button>
                  )}
                  <LicenseActions
                    app={props.app}
                    id={l.id}
                    revoked={l.state === "revoked"}
                    onChanged={licenses.reload}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form onSubmit={addLicense} aria-label="Create a license">
          <label>
            For customer
            <input name="licensee" value={licensee} onChange={(e) => setLicensee(e.target.value)} />
          </label>
          <label>
            Expires after (e.g. 30d; empty: never)
            <input name="expires" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </label>
          <label>
            Release channel (optional, e.g. stable)
            <input name="channel" value={channel} onChange={(e) => setChannel(e.target.value)} />
          </label>
          <button type="submit">Create license</button>
        </form>
      </section>
      <ReleasesSection app={props.app} />
    </>
  );
}
