// Small pieces of the item view: the prompt as written (plain text or chat messages) and the
// feedback validator's findings per span.
import { checkRecord } from "../feedback/rules.js";
import type { Prompt, Span } from "../feedback/schema.js";

/** The prompt, as plain text or as its chat messages with their roles. */
export function PromptView({ prompt }: { prompt: Prompt }) {
  if (typeof prompt === "string") return <div className="prompt-text">{prompt}</div>;
  return (
    <div className="messages">
      {prompt.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages never reorder
        <div key={i} className={`message ${m.role}`}>
          <span className="role">{m.role}</span>
          <div className="prompt-text">{m.content}</div>
        </div>
      ))}
    </div>
  );
}

/** One finding of the validator about a span. */
export interface SpanFinding {
  severity: "error" | "warning";
  message: string;
}

/** What the feedback validator says about each span, by span index. */
export function spanProblems(response: string, spans: Span[]): Map<number, SpanFinding[]> {
  const out = new Map<number, SpanFinding[]>();
  for (const p of checkRecord({ id: "draft", prompt: "", response, spans }, 0)) {
    const index = /^spans\[(\d+)\]/.exec(p.path);
    if (!index) continue;
    const i = Number(index[1]);
    const list = out.get(i) ?? [];
    list.push({ severity: p.severity, message: p.message });
    out.set(i, list);
  }
  return out;
}
