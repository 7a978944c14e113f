// The quality view of a project: progress per annotator and pairwise agreement on shared items.
import { useEffect, useState } from "react";
import { api } from "./api.js";

interface QualityReport {
  progress: {
    annotator: string;
    items: number;
    started: number;
    done: number;
    liked: number;
    disliked: number;
    last_active: string | null;
  }[];
  pairs: {
    a: string;
    b: string;
    shared_items: number;
    span_f1: number | null;
    label_agreement: number | null;
  }[];
  annotators: {
    annotator: string;
    shared_items: number;
    span_f1: number | null;
    label_agreement: number | null;
  }[];
}

function pct(x: number | null): string {
  return x === null ? "–" : `${(100 * x).toFixed(0)}%`;
}

function flag(x: number | null): string {
  return x !== null && x < 0.5 ? "low" : "";
}

/** Progress and agreement tables. */
export function QualityPage({ projectId }: { projectId: string }) {
  const [report, setReport] = useState<QualityReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<QualityReport>("GET", `/admin/projects/${projectId}/quality`)
      .then(setReport)
      .catch((err: Error) => setError(err.message));
  }, [projectId]);

  if (error)
    return (
      <div className="page">
        <p className="error">{error}</p>
      </div>
    );
  if (!report) return <div className="page muted">Loading…</div>;
  return (
    <div className="page">
      <h1>Quality</h1>
      <p className="muted">
        <a href={`#/p/${projectId}/manage`}>manage</a> · Agreement counts items both annotators
        marked done. Span F1 compares the code points each one marked; label agreement is the share
        of jointly marked code points with the same label.
      </p>
      <h2>Progress</h2>
      <table className="table">
        <thead>
          <tr>
            <th>Annotator</th>
            <th>Done</th>
            <th>Started</th>
            <th>Liked spans</th>
            <th>Disliked spans</th>
            <th>Last active</th>
          </tr>
        </thead>
        <tbody>
          {report.progress.map((p) => (
            <tr key={p.annotator}>
              <td>{p.annotator}</td>
              <td>
                {p.done} / {p.items}
                <div className="progress">
                  <div
                    className="progress-bar"
                    style={{ width: `${p.items ? (100 * p.done) / p.items : 0}%` }}
                  />
                </div>
              </td>
              <td>{p.started}</td>
              <td>{p.liked}</td>
              <td>{p.disliked}</td>
              <td>{p.last_active ? new Date(p.last_active).toLocaleString() : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Agreement with the others</h2>
      <table className="table">
        <thead>
          <tr>
            <th>Annotator</th>
            <th>Shared items</th>
            <th>Span F1</th>
            <th>Label agreement</th>
          </tr>
        </thead>
        <tbody>
          {report.annotators.map((a) => (
            <tr key={a.annotator}>
              <td>{a.annotator}</td>
              <td>{a.shared_items}</td>
              <td className={flag(a.span_f1)}>{pct(a.span_f1)}</td>
              <td className={flag(a.label_agreement)}>{pct(a.label_agreement)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Pairs</h2>
      <table className="table">
        <thead>
          <tr>
            <th>Annotators</th>
            <th>Shared items</th>
            <th>Span F1</th>
            <th>Label agreement</th>
          </tr>
        </thead>
        <tbody>
          {report.pairs.map((p) => (
            <tr key={`${p.a}-${p.b}`}>
              <td>
                {p.a} · {p.b}
              </td>
              <td>{p.shared_items}</td>
              <td className={flag(p.span_f1)}>{pct(p.span_f1)}</td>
              <td className={flag(p.label_agreement)}>{pct(p.label_agreement)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.pairs.length === 0 && <p className="muted">No item is done by two annotators yet.</p>}
    </div>
  );
}
