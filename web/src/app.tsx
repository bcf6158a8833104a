/**
 * @module
 * The portal's shell: asks who is signed in, shows the sign-in form or the
 * pages with a header (user, sign out) and routes by path. Accessibility:
 * a "Skip to content" link first in the tab order, landmarks (banner,
 * navigation, main), and on every navigation the focus moves to the new
 * page's main region and the document title follows the path.
 */
import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, api } from "./api.ts";
import { AppPage } from "./pages/app-page.tsx";
import { AuditPage } from "./pages/audit-page.tsx";
import { CustomerPage } from "./pages/customer-page.tsx";
import { OrgPage } from "./pages/org-page.tsx";
import { OrgsPage } from "./pages/orgs-page.tsx";
import { ReleasePage } from "./pages/release-page.tsx";
import { RepositoryPage } from "./pages/repository-page.tsx";
import { RobotsPage } from "./pages/robots-page.tsx";
import { ServicesPage } from "./pages/services-page.tsx";
import { TokensPage } from "./pages/tokens-page.tsx";
import { navigate, usePath } from "./router.ts";
import { ErrorBanner, Link } from "./ui.tsx";

interface Session {
  readonly user: string;
  readonly isAdmin?: boolean;
  /** The session's token name (users). */
  readonly session?: string;
  /** Present when a license holder signed in with its license. */
  readonly license?: { readonly id: string; readonly app: string; readonly customer: string };
}

function SignIn(props: { onSignedIn: (s: Session) => void; error?: unknown }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(props.error);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api("POST", "/session", { username, password });
      props.onSignedIn(await api<Session>("GET", "/session"));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <main className="signin">
      <h1>Sign in to Wharf</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <p className="hint">
        Customers: sign in with your license — the license id as password, the id or your e-mail address as username.
      </p>
      <ErrorBanner error={error} />
    </main>
  );
}

function Page(props: { path: string; session: Session }) {
  if (props.session.license) return <CustomerPage />;
  const parts = props.path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "audit") return <AuditPage isAdmin={props.session.isAdmin === true} />;
  if (parts[0] === "tokens") return <TokensPage session={props.session.session} />;
  if (parts[0] === "orgs" && parts[1] && parts[2] === "robots") return <RobotsPage org={parts[1]} />;
  if (parts[0] === "orgs" && parts[1] && parts[2] === "services") return <ServicesPage org={parts[1]} />;
  if (parts[0] === "orgs" && parts[1]) return <OrgPage org={parts[1]} />;
  if (parts[0] === "repositories" && parts.length > 1) return <RepositoryPage name={parts.slice(1).join("/")} />;
  if (parts[0] === "apps" && parts[1] && parts[2] === "releases" && parts[3])
    return <ReleasePage app={parts[1]} version={parts[3]} />;
  if (parts[0] === "apps" && parts[1]) return <AppPage app={parts[1]} />;
  return <OrgsPage isAdmin={props.session.isAdmin === true} />;
}

/** The whole portal. */
export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session | null>();
  const [error, setError] = useState<unknown>();
  const [ended, setEnded] = useState<unknown>();
  useEffect(() => {
    api<Session>("GET", "/session").then(setSession, (e: unknown) => {
      // A session that ended (revoked license, expired session) says why on the sign-in page.
      if (e instanceof ApiError && e.status === 401 && !/no portal session/.test(e.message)) setEnded(e);
      setSession(null);
    });
  }, []);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    document.title = path === "/" ? "Wharf" : `${decodeURIComponent(path.slice(1))} · Wharf`;
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [path]);
  if (session === undefined)
    return (
      <main aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  if (session === null) return <SignIn onSignedIn={setSession} error={ended} />;
  const signOut = async () => {
    try {
      await api("DELETE", "/session");
      setSession(null);
      navigate("/");
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <header>
        <a href="#main" className="skip">
          Skip to content
        </a>
        <nav aria-label="Main">
          <Link to="/">Wharf</Link>
          {!session.license && (
            <>
              <Link to="/tokens">API tokens</Link>
              <Link to="/audit">Audit log</Link>
            </>
          )}
        </nav>
        <span className="who">
          Signed in as <strong>{session.user}</strong>
          {session.license && ` (license ${session.license.id})`}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <ErrorBanner error={error} />
      <main id="main" tabIndex={-1} ref={mainRef}>
        <Page path={path} session={session} />
      </main>
    </>
  );
}
