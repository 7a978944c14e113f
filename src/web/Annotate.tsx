// The annotation page of a project: the annotator's queue on the left and the current item.
import { useCallback, useEffect, useState } from "react";
import {
  type ApiError,
  api,
  type ItemView,
  type Project,
  type QueueEntry,
  type User,
} from "./api.js";
import { flushDrafts } from "./autosave.js";
import { ItemEditor } from "./ItemEditor.js";
import { navigate } from "./router.js";

/** Properties of AnnotatePage. */
export interface AnnotatePageProps {
  user: User;
  projectId: string;
  itemId?: string;
}

/** Queue and editor for one project. */
export function AnnotatePage({ user, projectId, itemId }: AnnotatePageProps) {
  const [project, setProject] = useState<Project | null>(null);
  const [queue, setQueue] = useState<QueueEntry[] | null>(null);
  const [view, setView] = useState<ItemView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [allDone, setAllDone] = useState(false);
  const [hideDone, setHideDone] = useState(false);

  useEffect(() => {
    Promise.all([
      api<{ project: Project }>("GET", `/projects/${projectId}`),
      api<{ queue: QueueEntry[] }>("GET", `/projects/${projectId}/queue`),
    ])
      .then(([p, q]) => {
        setProject(p.project);
        setQueue(q.queue);
      })
      .catch((err: ApiError) => setError(err.message));
  }, [projectId]);

  // drafts left from a reload or a lost connection go out as soon as the page is back
  useEffect(() => {
    void flushDrafts(user.username, itemId);
  }, [user.username, itemId]);

  // open the first unfinished item when none is named
  useEffect(() => {
    if (!queue || itemId || queue.length === 0) return;
    const first = queue.find((q) => q.status !== "done") ?? queue[0];
    navigate(`/p/${projectId}/i/${first.id}`, true);
  }, [queue, itemId, projectId]);

  useEffect(() => {
    if (!itemId) return;
    setView(null);
    api<ItemView>("GET", `/items/${itemId}`)
      .then(setView)
      .catch((err: ApiError) => setError(err.message));
  }, [itemId]);

  const move = useCallback(
    (step: 1 | -1) => {
      if (!queue || queue.length === 0) return;
      const at = queue.findIndex((q) => q.id === itemId);
      const next = queue[(at + step + queue.length) % queue.length];
      navigate(`/p/${projectId}/i/${next.id}`);
    },
    [queue, itemId, projectId],
  );
  const onNext = useCallback(() => move(1), [move]);

  useEffect(() => {
    if (itemId) setAllDone(false);
  }, [itemId]);

  // after marking an item done: the next unfinished one, wrapping around
  const onDoneNext = useCallback(() => {
    if (!queue || queue.length === 0) return;
    const at = queue.findIndex((q) => q.id === itemId);
    for (let step = 1; step < queue.length; step++) {
      const next = queue[(at + step) % queue.length];
      if (next.status !== "done") return navigate(`/p/${projectId}/i/${next.id}`);
    }
    setAllDone(true);
  }, [queue, itemId, projectId]);
  const onPrev = useCallback(() => move(-1), [move]);

  const onProgress = useCallback((id: string, spans: number, submitted: boolean) => {
    setQueue((q) =>
      q
        ? q.map((e) =>
            e.id === id
              ? { ...e, spans, status: submitted ? "done" : spans > 0 ? "started" : "new" }
              : e,
          )
        : q,
    );
  }, []);

  if (error)
    return (
      <div className="page">
        <p className="error">{error}</p>
      </div>
    );
  if (!queue || !project) return <div className="page muted">Loading…</div>;
  if (queue.length === 0)
    return (
      <div className="page">
        <p>This project has no items yet.</p>
      </div>
    );

  const done = queue.filter((q) => q.status === "done").length;
  const at = queue.findIndex((q) => q.id === itemId);
  return (
    <div className="annotate">
      <nav className="queue" aria-label="queue">
        <div className="queue-head">
          <strong>{project.name}</strong>
          <div className="progress" title={`${done} of ${queue.length} done`}>
            <div className="progress-bar" style={{ width: `${(100 * done) / queue.length}%` }} />
          </div>
          <span className="muted">
            {done} / {queue.length} done
          </span>
          {project.description && <p className="queue-description">{project.description}</p>}
          <label className="check">
            <input
              type="checkbox"
              checked={hideDone}
              onChange={(e) => setHideDone(e.target.checked)}
            />
            hide done items
          </label>
          {allDone && (
            <p className="all-done" role="status">
              Every item is done. Thank you!
            </p>
          )}
        </div>
        <ol>
          {queue
            .filter((q) => !hideDone || q.status !== "done" || q.id === itemId)
            .map((q) => (
              <li key={q.id} className={q.id === itemId ? "current" : ""}>
                <a href={`#/p/${projectId}/i/${q.id}`} className={`queue-item ${q.status}`}>
                  <span className={`dot ${q.status}`} title={q.status} />
                  <span className="queue-text">
                    <span className="queue-id">{q.ext_id}</span>
                    <span className="queue-preview">{q.preview}</span>
                  </span>
                </a>
              </li>
            ))}
        </ol>
      </nav>
      {view && view.item.id === itemId ? (
        <ItemEditor
          key={view.item.id}
          username={user.username}
          view={view}
          place={`${at + 1} of ${queue.length}`}
          onNext={onNext}
          onDoneNext={onDoneNext}
          onPrev={onPrev}
          onProgress={onProgress}
        />
      ) : (
        <div className="page muted">Loading item…</div>
      )}
    </div>
  );
}
