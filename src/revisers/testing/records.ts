// Small feedback records made on the fly for the reviser tests and the benchmark.
import type { FeedbackRecord, Span } from "../../feedback/schema.js";

/**
 * A record whose response is `parts` joined by spaces; parts wrapped as `[text]` become disliked
 * spans (comment "vague") and parts wrapped as `{text}` become liked spans.
 */
export function makeRecord(
  id: string,
  parts: string[],
  prompt = `Question ${id}?`,
): FeedbackRecord {
  let response = "";
  const spans: Span[] = [];
  for (const part of parts) {
    if (response) response += " ";
    const start = [...response].length;
    const disliked = /^\[(.*)\]$/.exec(part);
    const liked = /^\{(.*)\}$/.exec(part);
    const text = disliked?.[1] ?? liked?.[1] ?? part;
    response += text;
    const end = start + [...text].length;
    if (disliked) spans.push({ start, end, label: "disliked", comment: "vague" });
    if (liked) spans.push({ start, end, label: "liked", comment: "clear" });
  }
  return { id, prompt, response, spans };
}

/** `n` records with `spansEach` disliked spans each, for runs at scale. */
export function makeRecords(n: number, spansEach: number): FeedbackRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const parts = [`Answer ${i} begins here.`, "{A liked opening.}"];
    for (let k = 0; k < spansEach; k++) {
      parts.push(`Then point ${k} says`, `[something weak ${k}]`, "and moves on.");
    }
    return makeRecord(`rec-${String(i).padStart(5, "0")}`, parts);
  });
}
