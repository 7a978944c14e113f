// Reads the replacement out of a model's answer. Structured answers are JSON; other servers
// answer in many shapes (fenced JSON, tags, quoted text, a label before the text), so each
// shape is tried in turn and only an answer that promised JSON and broke it is refused.
import { spanClose, spanOpen } from "./prompt.js";

/** The replacement read from an answer, or why none could be read. */
export type ParsedReply =
  | { ok: true; text: string; via: "json" | "tags" | "fence" | "plain" }
  | { ok: false; reason: string };

/** Extracts the replacement text from a model's answer. */
export function parseReplacement(reply: string): ParsedReply {
  // reasoning models may think aloud first
  const answer = reply.replace(/<think>[\s\S]*?<\/think>/g, "");
  const trimmed = answer.trim();

  // JSON: the whole answer, a fenced block, or the outermost braces
  const fence = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(trimmed);
  const candidates = [trimmed, fence?.[1]?.trim(), outerBraces(trimmed)];
  for (const candidate of candidates) {
    if (!candidate?.startsWith("{")) continue;
    const value = tryJson(candidate);
    const text = value === undefined ? undefined : replacementField(value);
    if (text !== undefined) return { ok: true, text, via: "json" };
  }
  if (trimmed.startsWith("{") || fence?.[1]?.trim().startsWith("{")) {
    // broken JSON that still holds a readable "replacement" string
    const m = /"replacement"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(trimmed);
    const text = m ? tryJson(`"${m[1]}"`) : undefined;
    if (typeof text === "string") return { ok: true, text, via: "json" };
    return { ok: false, reason: `malformed JSON answer: ${preview(trimmed)}` };
  }

  // tags, in the answer's own words or ours
  const tag = new RegExp(
    `<replacement>([\\s\\S]*?)</replacement>|${escapeRegExp(spanOpen)}([\\s\\S]*?)${escapeRegExp(spanClose)}`,
  ).exec(answer);
  if (tag) return { ok: true, text: tag[1] ?? tag[2], via: "tags" };
  if (fence) return { ok: true, text: fence[1], via: "fence" };

  // plain text, less a leading label and one pair of wrapping quotes
  let text = trimmed.replace(/^(replacement|rewritten passage|rewrite|new text)\s*:\s*/i, "");
  const quoted = /^(["“'])([\s\S]*)(["”'])$/.exec(text);
  if (quoted && pairs(quoted[1], quoted[3]) && !quoted[2].includes(quoted[1])) text = quoted[2];
  if (text === trimmed) text = answer.replace(/^\n+|\n+$/g, "");
  return { ok: true, text, via: "plain" };
}

function replacementField(value: unknown): string | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.replacement === "string") return record.replacement;
  // a model that renamed the field but answered with a single string
  const strings = Object.values(record).filter((v) => typeof v === "string");
  return Object.keys(record).length === 1 && strings.length === 1
    ? (strings[0] as string)
    : undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function outerBraces(text: string): string | undefined {
  const a = text.indexOf("{");
  const b = text.lastIndexOf("}");
  return a >= 0 && b > a ? text.slice(a, b + 1) : undefined;
}

function pairs(open: string, close: string): boolean {
  return (open === "“" && close === "”") || (open === close && open !== "“");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function preview(s: string): string {
  return JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);
}
