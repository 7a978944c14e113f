// Shared pieces of the import adapters: label mapping, results with problems, and reading an
// export that is either one JSON array or JSONL.
import { readFileSync } from "node:fs";
import type { Problem, ProblemCode, Severity } from "../problems.js";
import type { FeedbackRecord, Span } from "../schema.js";

/** What an import produced: the records, and every problem met on the way. */
export interface ImportResult {
  records: FeedbackRecord[];
  problems: Problem[];
}

/** Which annotation labels mean liked and which mean disliked (compared case-insensitively). */
export interface LabelMapping {
  /** labels that mark liked text (default `liked`) */
  liked?: readonly string[];
  /**
   * labels that mark disliked text (default `disliked`); when empty, every label that is not
   * liked counts as disliked and becomes the span's comment when it has none
   */
  disliked?: readonly string[];
}

/** The span label for an annotation label, or undefined when the label maps to neither. */
export function mapLabel(label: string, mapping: LabelMapping): Span["label"] | undefined {
  const norm = label.trim().toLowerCase();
  const liked = (mapping.liked ?? ["liked"]).map((l) => l.toLowerCase());
  if (liked.includes(norm)) return "liked";
  const disliked = (mapping.disliked ?? ["disliked"]).map((l) => l.toLowerCase());
  if (disliked.length === 0 || disliked.includes(norm)) return "disliked";
  return undefined;
}

/** Builds problems for a JSON document (line 0: the path says where). */
export function problemSink(problems: Problem[]) {
  return (path: string, code: ProblemCode, message: string, severity: Severity = "error") => {
    problems.push({ line: 0, path, code, severity, message });
  };
}

/** Reads a JSON array (or object with a list under `key`) or a JSONL file into a list. */
export function readJsonDocument(path: string, key?: string): unknown[] {
  const text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  const trimmed = text.trimStart();
  if (trimmed.startsWith("[") || (trimmed.startsWith("{") && !looksLikeJsonl(trimmed))) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`${path} is not valid JSON (${reason}); pass the file the tool exported`);
    }
    if (Array.isArray(json)) return json;
    const inner = key !== undefined ? (json as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(inner)) return inner;
    return [json];
  }
  // number the lines before skipping blank ones, so a message names the file's own line
  return text
    .split(/\r?\n/)
    .map((l, i) => ({ l, n: i + 1 }))
    .filter(({ l }) => l.trim() !== "")
    .map(({ l, n }) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new Error(`${path}:${n} is not valid JSON; pass a JSON array or JSONL export`);
      }
    });
}

function looksLikeJsonl(text: string): boolean {
  const firstLine = text.split("\n", 1)[0];
  try {
    JSON.parse(firstLine);
    return text.trim() !== firstLine.trim();
  } catch {
    return false;
  }
}

/** A valid ISO 8601 timestamp with a zone, or undefined. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)
    ? value
    : undefined;
}

/** True for a value that is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
