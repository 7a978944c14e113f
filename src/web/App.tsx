// The page shell: session, login form, top bar and the route to each page.
import { type FormEvent, type ReactElement, useEffect, useState } from "react";
import { AnnotatePage } from "./Annotate.js";
import { ApiError, api, loadSession, login, setCsrf, type User } from "./api.js";
import { ManagePage } from "./Manage.js";
import { ProjectsPage } from "./Projects.js";
import { QualityPage } from "./Quality.js";
import { navigate, useRoute } from "./router.js";

function LoginForm({ onLogin }: { onLogin(user: User): void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(username, password));
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) await loadSession().catch(() => null);
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="login" onSubmit={submit}>
      <h1>
        <span className="brand">Redline</span>
      </h1>
      <label className="field">
        <span>Username</span>
        <input
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn primary" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

/** The whole page. */
export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const route = useRoute();

  useEffect(() => {
    loadSession()
      .then(setUser)
      .catch((err: Error) => setError(err.message));
  }, []);

  async function logout() {
    await api("POST", "/logout").catch(() => null);
    setCsrf(undefined);
    setUser(null);
    await loadSession().catch(() => null);
    navigate("/");
  }

  if (error) return <p className="error page">Cannot reach the server: {error}</p>;
  if (user === undefined) return <p className="muted page">Loading…</p>;
  if (user === null) return <LoginForm onLogin={setUser} />;

  const [section, projectId, sub, itemId] = route;
  let page: ReactElement;
  if (section === "p" && projectId && sub === "manage" && user.role === "admin") {
    page = <ManagePage projectId={projectId} />;
  } else if (section === "p" && projectId && sub === "quality" && user.role === "admin") {
    page = <QualityPage projectId={projectId} />;
  } else if (section === "p" && projectId) {
    page = (
      <AnnotatePage user={user} projectId={projectId} itemId={sub === "i" ? itemId : undefined} />
    );
  } else {
    page = <ProjectsPage user={user} />;
  }

  return (
    <div className="app">
      <header className="topbar">
        <a href="#/" className="brand">
          Redline
        </a>
        <span className="spacer" />
        <span className="who">
          {user.username}
          {user.role === "admin" && <span className="pill">admin</span>}
        </span>
        <button type="button" className="btn small" onClick={logout}>
          Sign out
        </button>
      </header>
      {page}
    </div>
  );
}
