// The project list: annotators see their assigned projects; admins also create projects and users.
import { type FormEvent, useEffect, useState } from "react";
import { api, type Project, type User } from "./api.js";

function NewProjectForm({ onCreated }: { onCreated(): void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await api("POST", "/admin/projects", { name, description });
      setName("");
      setDescription("");
      setError(null);
      onCreated();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <form className="card form" onSubmit={submit}>
      <h2>New project</h2>
      <label className="field">
        <span>Name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label className="field">
        <span>Description</span>
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {error && <p className="error">{error}</p>}
      <button type="submit" className="btn primary">
        Create project
      </button>
    </form>
  );
}

function NewUserForm() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<"annotator" | "admin">("annotator");
  const [message, setMessage] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await api("POST", "/admin/users", { username, password, role });
      setMessage(`Created ${role} ${username}.`);
      setUsername("");
      setPassword("");
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <form className="card form" onSubmit={submit}>
      <h2>New user</h2>
      <label className="field">
        <span>Username</span>
        <input value={username} onChange={(e) => setUsername(e.target.value)} required />
      </label>
      <label className="field">
        <span>Password (8+ characters)</span>
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <label className="field">
        <span>Role</span>
        <select value={role} onChange={(e) => setRole(e.target.value as "annotator" | "admin")}>
          <option value="annotator">annotator</option>
          <option value="admin">admin</option>
        </select>
      </label>
      {message && <p className="muted">{message}</p>}
      <button type="submit" className="btn primary">
        Create user
      </button>
    </form>
  );
}

/** Projects the user may open. */
export function ProjectsPage({ user }: { user: User }) {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    void tick;
    api<{ projects: Project[] }>("GET", "/projects")
      .then((r) => setProjects(r.projects))
      .catch((err: Error) => setError(err.message));
  }, [tick]);

  return (
    <div className="page">
      <h1>Projects</h1>
      {error && <p className="error">{error}</p>}
      {projects && projects.length === 0 && (
        <p className="muted">
          {user.role === "admin"
            ? "No projects yet: create one below."
            : "No projects are assigned to you yet."}
        </p>
      )}
      <ul className="project-list">
        {projects?.map((p) => (
          <li key={p.id} className="card project">
            <div>
              <h2>{p.name}</h2>
              {p.description && <p className="muted">{p.description}</p>}
              <p className="muted">{p.items} items</p>
            </div>
            <div className="row">
              <a className="btn primary" href={`#/p/${p.id}`}>
                Annotate
              </a>
              {user.role === "admin" && (
                <>
                  <a className="btn" href={`#/p/${p.id}/manage`}>
                    Manage
                  </a>
                  <a className="btn" href={`#/p/${p.id}/quality`}>
                    Quality
                  </a>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {user.role === "admin" && (
        <div className="grid2">
          <NewProjectForm onCreated={() => setTick((t) => t + 1)} />
          <NewUserForm />
        </div>
      )}
    </div>
  );
}
