// An admin's page for one project: import items and chains, assign annotators, export.
import { type ChangeEvent, useCallback, useEffect, useState } from "react";
import { ApiError, api, type Project, type User } from "./api.js";

function ImportBox({
  projectId,
  kind,
  onDone,
}: {
  projectId: string;
  kind: "items" | "chains";
  onDone(): void;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);

  async function upload(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    setMessage(`Importing ${file.name}…`);
    setProblems([]);
    try {
      const result = await api<Record<string, number>>(
        "POST",
        `/admin/projects/${projectId}/${kind}`,
        {
          jsonl: await file.text(),
        },
      );
      setMessage(
        `Imported ${file.name}: ${Object.entries(result)
          .map(([k, v]) => `${v} ${k}`)
          .join(", ")}.`,
      );
      onDone();
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : null;
      setMessage(err instanceof Error ? err.message : String(err));
      setProblems(
        (apiErr?.problems ?? []).slice(0, 20).map((p) => {
          const q = p as { line?: number; path?: unknown[]; message: string };
          return `line ${q.line ?? "?"} ${(q.path ?? []).join(".")}: ${q.message}`;
        }),
      );
    }
    e.target.value = "";
  }

  return (
    <section className="card">
      <h2>Import {kind}</h2>
      <p className="muted">
        {kind === "items"
          ? "A JSONL file of feedback records (spans optional): one prompt and response per line."
          : "A JSONL file of improvement chains; each is shown beside the item with the same id."}
      </p>
      <input
        type="file"
        accept=".jsonl,.json,.ndjson,text/plain"
        onChange={upload}
        aria-label={`Import ${kind}`}
      />
      {message && <p>{message}</p>}
      {problems.length > 0 && (
        <ul className="problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Project settings for admins. */
export function ManagePage({ projectId }: { projectId: string }) {
  const [project, setProject] = useState<Project | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [assigned, setAssigned] = useState<User[]>([]);
  const [pick, setPick] = useState("");
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    Promise.all([
      api<{ project: Project }>("GET", `/projects/${projectId}`),
      api<{ users: User[] }>("GET", "/admin/users"),
      api<{ users: User[] }>("GET", `/admin/projects/${projectId}/assignments`),
    ])
      .then(([p, u, a]) => {
        setProject(p.project);
        setUsers(u.users);
        setAssigned(a.users);
      })
      .catch((err: Error) => setError(err.message));
  }, [projectId]);
  useEffect(reload, [reload]);

  async function assign() {
    if (!pick) return;
    await api("PUT", `/admin/projects/${projectId}/assignments/${encodeURIComponent(pick)}`).catch(
      (err: Error) => setError(err.message),
    );
    setPick("");
    reload();
  }

  async function unassign(username: string) {
    await api("DELETE", `/admin/projects/${projectId}/assignments/${encodeURIComponent(username)}`);
    reload();
  }

  if (error)
    return (
      <div className="page">
        <p className="error">{error}</p>
      </div>
    );
  if (!project) return <div className="page muted">Loading…</div>;
  const free = users.filter((u) => !assigned.some((a) => a.id === u.id));
  return (
    <div className="page">
      <h1>{project.name}</h1>
      <p className="muted">
        {project.items} items · <a href={`#/p/${projectId}`}>annotate</a> ·{" "}
        <a href={`#/p/${projectId}/quality`}>quality</a>
      </p>
      <div className="grid2">
        <ImportBox projectId={projectId} kind="items" onDone={reload} />
        <ImportBox projectId={projectId} kind="chains" onDone={reload} />
        <section className="card">
          <h2>Annotators</h2>
          <ul className="plain">
            {assigned.map((u) => (
              <li key={u.id} className="row">
                <span>{u.username}</span>
                <button type="button" className="btn small" onClick={() => unassign(u.username)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <div className="row">
            <select
              value={pick}
              onChange={(e) => setPick(e.target.value)}
              aria-label="user to assign"
            >
              <option value="">Choose a user…</option>
              {free.map((u) => (
                <option key={u.id} value={u.username}>
                  {u.username} ({u.role})
                </option>
              ))}
            </select>
            <button type="button" className="btn primary" onClick={assign} disabled={!pick}>
              Assign
            </button>
          </div>
        </section>
        <section className="card">
          <h2>Export</h2>
          <p className="muted">
            Annotations as feedback records (JSONL), one per annotator and item.
          </p>
          <div className="row">
            <a className="btn primary" href={`/api/admin/projects/${projectId}/export`} download>
              All annotations
            </a>
            <a className="btn" href={`/api/admin/projects/${projectId}/export?done=1`} download>
              Only done items
            </a>
          </div>
        </section>
      </div>
    </div>
  );
}
