// One item on the annotation page: the prompt, the answer to select spans in, the span panel,
// the chain view, the keyboard shortcuts and the autosave status.
import { useEffect, useRef, useState } from "react";
import type { Span } from "../feedback/schema.js";
import type { ItemView } from "./api.js";
import { type SaveStatus, useAutosave } from "./autosave.js";
import { ChainView } from "./ChainView.js";
import { PromptView, spanProblems } from "./PromptView.js";
import { ResponseText } from "./ResponseText.js";
import { SpanPanel } from "./SpanPanel.js";
import { nestingOrder } from "./segments.js";
import { type CodePointRange, moveSelection, selectionInside } from "./selection.js";
import { SHORTCUTS } from "./shortcuts.js";

/** Properties of ItemEditor. */
export interface ItemEditorProps {
  username: string;
  view: ItemView;
  /** "3 of 20" style place in the queue */
  place: string;
  onNext(): void;
  /** after marking the item done; defaults to onNext */
  onDoneNext?(): void;
  onPrev(): void;
  /** tells the queue how this item stands after a change */
  onProgress(itemId: string, spans: number, submitted: boolean): void;
}

/** Where to draw the keyboard caret, relative to the item's main column. */
interface CaretBox {
  left: number;
  top: number;
  height: number;
}

/** The box of a collapsed selection inside `root` (browsers draw no caret in plain text). */
function caretBox(root: HTMLElement, frame: HTMLElement | null): CaretBox | null {
  const selection = window.getSelection();
  if (!frame || !selection || selection.rangeCount === 0 || !selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.startContainer)) return null;
  const rect = range.getClientRects()[0] ?? range.getBoundingClientRect();
  if (!rect || rect.height === 0) return null;
  const base = frame.getBoundingClientRect();
  return { left: rect.left - base.left, top: rect.top - base.top, height: rect.height };
}

function statusText(s: SaveStatus): string {
  switch (s.kind) {
    case "saved":
      return "All changes saved";
    case "pending":
      return "Unsaved changes…";
    case "saving":
      return "Saving…";
    case "retrying":
      return `Not saved yet (${s.message}); kept on this device, retrying in ${s.inSeconds} s`;
    case "error":
      return `Not saved: ${s.message}`;
  }
}

function isField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.isContentEditable);
}

/** The annotation editor for one item. */
export function ItemEditor(props: ItemEditorProps) {
  const { view, username, onNext, onPrev } = props;
  const { item } = view;
  const initial = {
    spans: view.annotation?.spans ?? [],
    submitted: view.annotation?.submitted ?? false,
  };
  const autosave = useAutosave(username, item.id, initial);
  const { draft, status } = autosave;
  const [active, setActive] = useState<number | null>(null);
  const [pending, setPending] = useState<CodePointRange | null>(null);
  const [legend, setLegend] = useState(true);
  const [tab, setTab] = useState<"answer" | "chains">("answer");
  const textRef = useRef<HTMLElement>(null);
  const deleted = useRef<Span[]>([]);
  const mainRef = useRef<HTMLElement>(null);
  const [caret, setCaret] = useState<CaretBox | null>(null);

  const [notice, setNotice] = useState<string | null>(null);
  const order = nestingOrder(draft.spans);
  const problems = spanProblems(item.response, draft.spans);
  const numbers: number[] = [];
  order.forEach((spanIndex, k) => {
    numbers[spanIndex] = k + 1;
  });

  // keep the handlers current without re-subscribing on every render
  const latest = useRef({ draft, active, pending });
  latest.current = { draft, active, pending };

  function change(next: { spans?: Span[]; submitted?: boolean }) {
    const d = { ...latest.current.draft, ...next };
    latest.current.draft = d;
    autosave.update(d);
    props.onProgress(item.id, d.spans.length, d.submitted);
  }

  function readSelection() {
    if (!textRef.current) return;
    setPending(selectionInside(textRef.current, item.response));
    setCaret(caretBox(textRef.current, mainRef.current));
  }

  function focusField(kind: "comment" | "suggestion", index: number) {
    setTimeout(() => document.getElementById(`${kind}-${index}`)?.focus(), 0);
  }

  function mark(label: Span["label"]) {
    const range =
      latest.current.pending ??
      (textRef.current && selectionInside(textRef.current, item.response));
    if (!range) return;
    const spans = latest.current.draft.spans;
    const same = spans.findIndex((s) => s.start === range.start && s.end === range.end);
    window.getSelection()?.removeAllRanges();
    setPending(null);
    setCaret(null);
    if (same >= 0) {
      change({ spans: spans.map((s, i) => (i === same ? { ...s, label } : s)) });
      setActive(same);
      return;
    }
    const text = Array.from(item.response).slice(range.start, range.end).join("");
    const span: Span = { start: range.start, end: range.end, label, text };
    change({ spans: [...spans, span] });
    setActive(spans.length);
    if (label === "disliked") focusField("comment", spans.length);
  }

  function edit(index: number, patch: Partial<Span>) {
    const spans = latest.current.draft.spans.map((s, i) => {
      if (i !== index) return s;
      const next: Span = { ...s, ...patch };
      for (const key of Object.keys(next) as (keyof Span)[]) {
        if (next[key] === undefined) delete next[key];
      }
      return next;
    });
    change({ spans });
  }

  function remove(index: number) {
    const spans = latest.current.draft.spans;
    deleted.current.push(spans[index]);
    change({ spans: spans.filter((_, i) => i !== index) });
    setActive(null);
  }

  function undoDelete() {
    const span = deleted.current.pop();
    if (!span) return;
    const spans = latest.current.draft.spans;
    change({ spans: [...spans, span] });
    setActive(spans.length);
  }

  function cycle(step: 1 | -1) {
    const ord = nestingOrder(latest.current.draft.spans);
    if (ord.length === 0) return;
    const at = latest.current.active === null ? -1 : ord.indexOf(latest.current.active);
    const next = at < 0 ? (step > 0 ? 0 : ord.length - 1) : (at + step + ord.length) % ord.length;
    setActive(ord[next]);
  }

  function doneAndNext() {
    const d = latest.current.draft;
    const blocking = [...spanProblems(item.response, d.spans)].find(([, list]) =>
      list.some((p) => p.severity === "error"),
    );
    if (blocking) {
      setActive(blocking[0]);
      setNotice("Fix the marked span before marking the item done.");
      return;
    }
    setNotice(null);
    change({ submitted: true });
    (props.onDoneNext ?? props.onNext)();
  }

  const handlers = useRef({ mark, edit, remove, undoDelete, cycle, doneAndNext, focusField });
  handlers.current = { mark, edit, remove, undoDelete, cycle, doneAndNext, focusField };

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const h = handlers.current;
      const { active: act, draft: d } = latest.current;
      if (isField(e.target)) {
        if (e.key === "Escape") {
          (e.target as HTMLElement).blur();
          textRef.current?.focus({ preventScroll: true });
          e.preventDefault();
        } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          h.doneAndNext();
        }
        return;
      }
      const target = e.target as HTMLElement | null;
      const onControl = target?.tagName === "BUTTON" || target?.tagName === "A";
      if (onControl && (e.key === "Enter" || e.key === " ")) return;
      const arrow = e.key.startsWith("Arrow") && textRef.current;
      if (arrow && (e.shiftKey || document.activeElement === textRef.current)) {
        const forward = e.key === "ArrowRight" || e.key === "ArrowDown";
        const vertical = e.key === "ArrowUp" || e.key === "ArrowDown";
        const unit = vertical ? "line" : e.ctrlKey || e.altKey || e.metaKey ? "word" : "character";
        moveSelection(
          textRef.current!,
          e.shiftKey ? "extend" : "move",
          forward ? "forward" : "backward",
          unit,
        );
        setPending(selectionInside(textRef.current!, item.response));
        setCaret(caretBox(textRef.current!, mainRef.current));
        e.preventDefault();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) {
        if (e.key === "Enter") {
          e.preventDefault();
          h.doneAndNext();
        }
        return;
      }
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const action = actionFor(key, act, d.spans);
      if (!action) return;
      e.preventDefault();
      action();
    }

    function actionFor(key: string, act: number | null, spans: Span[]): (() => void) | null {
      const h = handlers.current;
      switch (key) {
        case "l":
          return () => h.mark("liked");
        case "d":
          return () => h.mark("disliked");
        case "t":
          return act === null
            ? null
            : () => h.edit(act, { label: spans[act].label === "liked" ? "disliked" : "liked" });
        case "c":
          return act === null ? null : () => h.focusField("comment", act);
        case "s":
          if (act === null) return null;
          return () => {
            if (spans[act].label !== "disliked" && spans[act].suggestion === undefined) {
              h.edit(act, { suggestion: "" });
            }
            h.focusField("suggestion", act);
          };
        case "[":
          return () => h.cycle(-1);
        case "]":
          return () => h.cycle(1);
        case "Delete":
        case "Backspace":
          return act === null ? null : () => h.remove(act);
        case "Enter":
          return () => h.doneAndNext();
        case "u":
          return () => h.undoDelete();
        case "j":
          return () => onNext();
        case "k":
          return () => onPrev();
        case "e":
          return () => {
            const root = textRef.current;
            if (!root) return;
            root.focus();
            const selection = window.getSelection();
            if (selection && (selection.rangeCount === 0 || !root.contains(selection.anchorNode))) {
              selection.collapse(root, 0);
            }
            setCaret(caretBox(root, mainRef.current));
          };
        case "?":
          return () => setLegend((v) => !v);
        case "Escape":
          return () => {
            window.getSelection()?.removeAllRanges();
            setPending(null);
            setActive(null);
            setCaret(null);
          };
        default:
          return null;
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [item.response, onNext, onPrev]);

  useEffect(() => {
    if (active === null) return;
    document
      .querySelector(`[data-testid="span-card-${numbers[active]}"]`)
      ?.scrollIntoView({ block: "nearest" });
  });

  return (
    <div className="editor">
      <main className="item-main" ref={mainRef}>
        {caret && (
          <div
            className="caret"
            aria-hidden="true"
            style={{ left: caret.left, top: caret.top, height: caret.height }}
          />
        )}
        <header className="item-head">
          <div>
            <span className="item-id">{item.ext_id}</span>{" "}
            <span className="muted">{props.place}</span>
            {draft.submitted && <span className="pill done">done</span>}
          </div>
          <span className={`save-status ${status.kind}`} data-testid="save-status" role="status">
            {statusText(status)}
          </span>
        </header>
        <details className="prompt" open>
          <summary>Prompt</summary>
          <PromptView prompt={item.prompt} />
        </details>
        {view.chains.length > 0 && (
          <div className="tabs" role="tablist">
            <button
              type="button"
              role="tab"
              aria-selected={tab === "answer"}
              onClick={() => setTab("answer")}
            >
              Answer
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === "chains"}
              onClick={() => setTab("chains")}
            >
              Chains ({view.chains.length})
            </button>
          </div>
        )}
        {tab === "answer" ? (
          <ResponseText
            text={item.response}
            spans={draft.spans}
            numbers={numbers}
            active={active}
            onActivate={setActive}
            onSelect={readSelection}
            textRef={textRef}
          />
        ) : (
          <ChainView chains={view.chains} />
        )}
        {notice && (
          <p className="notice" role="alert">
            {notice}
          </p>
        )}
        <div className="item-actions">
          <button type="button" className="btn" onClick={props.onPrev}>
            ← Previous <kbd>K</kbd>
          </button>
          {draft.submitted ? (
            <button type="button" className="btn" onClick={() => change({ submitted: false })}>
              Reopen
            </button>
          ) : null}
          <button
            type="button"
            className="btn primary"
            onClick={doneAndNext}
            data-testid="done-next"
          >
            Done, next <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={props.onNext}>
            Skip <kbd>J</kbd>
          </button>
        </div>
      </main>
      <aside className="side">
        <SpanPanel
          text={item.response}
          spans={draft.spans}
          order={order}
          numbers={numbers}
          active={active}
          pending={pending}
          onMark={mark}
          onActivate={setActive}
          onChange={edit}
          onDelete={remove}
          problems={problems}
        />
        <section className="legend">
          <button type="button" className="link" onClick={() => setLegend((v) => !v)}>
            {legend ? "Hide" : "Show"} keyboard shortcuts <kbd>?</kbd>
          </button>
          {legend && (
            <dl>
              {SHORTCUTS.map((s) => (
                <div key={s.action} className="shortcut">
                  <dt>
                    {s.keys.map((k) => (
                      <kbd key={k}>{k}</kbd>
                    ))}
                  </dt>
                  <dd>{s.action}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
      </aside>
    </div>
  );
}
