// Conversions between JSONL lines and the store's rows: items (and any spans they carry) come
// in as feedback records, annotations go out as feedback records. A file imported and then
// exported comes back unchanged: fields are written in the schema's order, spans as given.
import { z } from "zod";
import type { Chain } from "../chains/types.js";
import { type FeedbackRecord, FeedbackRecordSchema, type Prompt } from "../feedback/schema.js";
import type { AnnotationTable, ItemTable } from "./database.js";
import { checkSpans, spanRuleErrors } from "./spans.js";

/** A feedback record whose spans may be missing: a plain item still to annotate. */
export const ItemRecordSchema = FeedbackRecordSchema.partial({ spans: true });
export type ItemRecord = z.infer<typeof ItemRecordSchema>;

/** A problem with one line of an imported file, by line number (1-based). */
export interface LineProblem {
  line: number;
  path: (string | number)[];
  message: string;
}

/** Result of parsing a JSONL file: the good records and every problem found. */
export interface ParsedLines<T> {
  records: { line: number; record: T }[];
  problems: LineProblem[];
}

/** Parses JSONL item records, checking the schema and every span against its response. */
export function parseItemLines(text: string): ParsedLines<ItemRecord> {
  const out: ParsedLines<ItemRecord> = { records: [], problems: [] };
  const seen = new Map<string, number>();
  eachJsonLine(text, out.problems, (value, line) => {
    const parsed = ItemRecordSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
        out.problems.push({ line, path, message: issue.message });
      }
      return;
    }
    const record = value as ItemRecord;
    const earlier = seen.get(record.id);
    if (earlier !== undefined) {
      const message = `id "${record.id}" already used on line ${earlier}; ids must be unique`;
      out.problems.push({ line, path: ["id"], message });
      return;
    }
    seen.set(record.id, line);
    if (record.spans !== undefined) {
      const checked = checkSpans(record.response, record.spans);
      const problems = checked.ok
        ? spanRuleErrors(record.response, checked.spans)
        : checked.problems;
      if (problems.length > 0) {
        for (const p of problems) out.problems.push({ line, path: p.path, message: p.message });
        return;
      }
    }
    out.records.push({ line, record });
  });
  return out;
}

const ChainLineSchema = z.looseObject({
  id: z.string().min(1),
  prompt: z.unknown(),
  steps: z.array(z.looseObject({ index: z.int(), text: z.string() })).min(1),
  status: z.enum(["complete", "stopped"]),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** Parses JSONL improvement chains (as written by the chains stage). */
export function parseChainLines(text: string): ParsedLines<Chain> {
  const out: ParsedLines<Chain> = { records: [], problems: [] };
  eachJsonLine(text, out.problems, (value, line) => {
    const parsed = ChainLineSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
        out.problems.push({ line, path, message: issue.message });
      }
      return;
    }
    out.records.push({ line, record: value as Chain });
  });
  return out;
}

function eachJsonLine(
  text: string,
  problems: LineProblem[],
  visit: (value: unknown, line: number) => void,
): void {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      problems.push({ line: i + 1, path: [], message: `not valid JSON: ${reason}` });
      continue;
    }
    visit(value, i + 1);
  }
}

/** Formats line problems for a terminal, at most `limit` of them. */
export function formatLineProblems(source: string, problems: LineProblem[], limit = 20): string {
  const shown = problems.slice(0, limit).map((p) => {
    const where = p.path.length > 0 ? ` ${p.path.join(".")}` : "";
    return `${source}:${p.line}${where}: ${p.message}`;
  });
  if (problems.length > limit) shown.push(`... and ${problems.length - limit} more`);
  return shown.join("\n");
}

/** The feedback record of one annotation, with fields in the schema's order. */
export function toFeedbackRecord(
  item: Pick<ItemTable, "prompt" | "response" | "metadata">,
  annotation: Pick<
    AnnotationTable,
    "record_id" | "annotator" | "spans" | "created_at" | "updated_at" | "metadata"
  >,
): FeedbackRecord {
  const record: FeedbackRecord = {
    id: annotation.record_id,
    prompt: JSON.parse(item.prompt) as Prompt,
    response: item.response,
    spans: JSON.parse(annotation.spans),
  };
  if (annotation.annotator !== "") record.annotator = annotation.annotator;
  if (annotation.created_at) record.created_at = annotation.created_at;
  if (annotation.updated_at) record.updated_at = annotation.updated_at;
  const metadata = annotation.metadata ?? item.metadata;
  if (metadata !== null) record.metadata = JSON.parse(metadata);
  return record;
}
