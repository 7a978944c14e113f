// The side panel: the pending selection with buttons to mark it, and one card per span with
// its label, comment and suggested replacement. All text is shown as text, never as HTML.
import type { Span } from "../feedback/schema.js";
import type { CodePointRange } from "./selection.js";

/** Properties of SpanPanel. */
export interface SpanPanelProps {
  text: string;
  spans: Span[];
  /** span indices in display order */
  order: number[];
  numbers: number[];
  active: number | null;
  pending: CodePointRange | null;
  onMark(label: Span["label"]): void;
  onActivate(index: number): void;
  onChange(index: number, patch: Partial<Span>): void;
  onDelete(index: number): void;
  /** validator findings per span index */
  problems: Map<number, { severity: "error" | "warning"; message: string }[]>;
}

function excerpt(text: string, max = 140): string {
  const cps = Array.from(text);
  return cps.length <= max ? text : `${cps.slice(0, max - 1).join("")}…`;
}

function keepMouseSelection(event: React.MouseEvent) {
  event.preventDefault();
}

/** Pending selection and the list of spans. */
export function SpanPanel(props: SpanPanelProps) {
  const { spans, order, numbers, active, pending } = props;
  const cps = Array.from(props.text);
  return (
    <div className="span-panel">
      <section className="selection-bar" aria-live="polite">
        {pending ? (
          <>
            <div className="selection-text" data-testid="pending-selection">
              “{excerpt(cps.slice(pending.start, pending.end).join(""), 90)}”
              <span className="muted">
                {" "}
                {pending.start}–{pending.end}
              </span>
            </div>
            <div className="row">
              <button
                type="button"
                className="btn liked"
                onMouseDown={keepMouseSelection}
                onClick={() => props.onMark("liked")}
              >
                Liked <kbd>L</kbd>
              </button>
              <button
                type="button"
                className="btn disliked"
                onMouseDown={keepMouseSelection}
                onClick={() => props.onMark("disliked")}
              >
                Disliked <kbd>D</kbd>
              </button>
            </div>
          </>
        ) : (
          <div className="muted">
            Select text in the answer, then press L (liked) or D (disliked).
          </div>
        )}
      </section>

      {order.length === 0 && <p className="muted empty">No spans yet.</p>}
      <ol className="span-list">
        {order.map((i) => {
          const span = spans[i];
          const isActive = i === active;
          return (
            // biome-ignore lint/a11y/useKeyWithClickEvents: focus inside the card selects it for the keyboard
            <li
              key={`${span.start}-${span.end}-${i}`}
              className={`span-card ${span.label}${isActive ? " active" : ""}`}
              data-testid={`span-card-${numbers[i]}`}
              onFocusCapture={() => props.onActivate(i)}
              onClick={() => props.onActivate(i)}
            >
              <div className="span-head">
                <span className="span-number">#{numbers[i]}</span>
                <div className="seg-toggle">
                  <button
                    type="button"
                    className={span.label === "liked" ? "on liked" : ""}
                    aria-pressed={span.label === "liked"}
                    onClick={() => props.onChange(i, { label: "liked" })}
                  >
                    Liked
                  </button>
                  <button
                    type="button"
                    className={span.label === "disliked" ? "on disliked" : ""}
                    aria-pressed={span.label === "disliked"}
                    onClick={() => props.onChange(i, { label: "disliked" })}
                  >
                    Disliked
                  </button>
                </div>
                <button
                  type="button"
                  className="btn-icon"
                  title="Delete span (Del)"
                  aria-label={`Delete span ${numbers[i]}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    props.onDelete(i);
                  }}
                >
                  ✕
                </button>
              </div>
              <blockquote className="span-quote">
                {excerpt(cps.slice(span.start, span.end).join(""))}
                <span className="muted offsets">
                  {" "}
                  {span.start}–{span.end}
                </span>
              </blockquote>
              {(props.problems.get(i) ?? []).map((p) => (
                <p key={p.message} className={`span-problem ${p.severity}`}>
                  {p.message}
                </p>
              ))}
              <label className="field">
                <span>Comment</span>
                <textarea
                  id={`comment-${i}`}
                  data-testid={`comment-${numbers[i]}`}
                  rows={2}
                  value={span.comment ?? ""}
                  placeholder={
                    span.label === "disliked" ? "What is wrong here?" : "What is good here?"
                  }
                  onChange={(e) => props.onChange(i, { comment: e.target.value || undefined })}
                />
              </label>
              {(span.label === "disliked" || span.suggestion !== undefined) && (
                <label className="field">
                  <span>Suggested replacement</span>
                  <textarea
                    id={`suggestion-${i}`}
                    data-testid={`suggestion-${numbers[i]}`}
                    rows={2}
                    value={span.suggestion ?? ""}
                    placeholder="Optional: the text you would write instead"
                    onChange={(e) =>
                      props.onChange(i, {
                        suggestion: e.target.value === "" ? undefined : e.target.value,
                      })
                    }
                  />
                </label>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
