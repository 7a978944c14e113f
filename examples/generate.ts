// Writes the bundled example data: feedback.jsonl (good records), broken.jsonl (one broken rule
// per line), judgments.jsonl (A/B) and small Label Studio / Argilla exports for `redline import`.
// Spans are given by the text they cover and offsets computed in code points, so they are right
// by construction. Run: `npx tsx examples/generate.ts`.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FeedbackRecord, Span } from "../src/feedback/schema.js";
import { brokenLines, judgments, type RecordSpec, type SpanSpec, specs } from "./specs.js";

const here = dirname(fileURLToPath(import.meta.url));

// code-point offset of the nth occurrence of `needle`
function locate(haystack: string, needle: string, nth = 0): number {
  let at = -1;
  for (let k = 0; k <= nth; k++) {
    at = haystack.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`generate: "${needle}" (#${nth}) is not in the response`);
  }
  return [...haystack.slice(0, at)].length;
}

const cpLength = (s: string) => [...s].length;

function makeSpan(response: string, s: SpanSpec): Span {
  let start: number;
  let end: number;
  if (s.find !== undefined) {
    start = locate(response, s.find, s.nth);
    end = start + cpLength(s.find);
  } else if (s.after !== undefined) {
    start = locate(response, s.after, s.nth) + cpLength(s.after);
    end = start;
  } else {
    start = locate(response, s.before ?? "", s.nth);
    end = start;
  }
  const out: Span = { start, end, label: s.label };
  if (s.comment !== undefined) out.comment = s.comment;
  if (s.suggestion !== undefined) out.suggestion = s.suggestion;
  if (s.withText) out.text = [...response].slice(start, end).join("");
  return out;
}

function makeRecord(spec: RecordSpec, i: number): FeedbackRecord {
  const time = new Date(Date.UTC(2026, 2, 2, 9, 0) + i * 7 * 60_000);
  return {
    id: spec.id,
    prompt: spec.prompt,
    response: spec.response,
    spans: spec.spans.map((s) => makeSpan(spec.response, s)),
    annotator: i % 3 === 0 ? "ann-kofi" : "ann-lena",
    created_at: time.toISOString().replace(".000", ""),
    ...(spec.metadata !== undefined && { metadata: spec.metadata }),
  };
}

// a Label Studio export of one record: UTF-16 regions, comment and suggestion text areas
function toLabelStudio(record: FeedbackRecord, taskId: number) {
  const chars = [...record.response];
  const u16 = (cp: number) => chars.slice(0, cp).join("").length;
  const result = record.spans.flatMap((s, k) => {
    const id = `reg${taskId}-${k}`;
    const base = { id, to_name: "response" };
    const value = {
      start: u16(s.start),
      end: u16(s.end),
      text: chars.slice(s.start, s.end).join(""),
      labels: [s.label === "liked" ? "Liked" : "Disliked"],
    };
    const areas = [];
    if (s.comment) {
      areas.push({ ...base, from_name: "comment", type: "textarea", value: { text: [s.comment] } });
    }
    if (s.suggestion !== undefined) {
      const text = s.suggestion === "" ? "<delete>" : s.suggestion;
      areas.push({ ...base, from_name: "suggestion", type: "textarea", value: { text: [text] } });
    }
    return [{ ...base, from_name: "label", type: "labels", value }, ...areas];
  });
  return {
    id: taskId,
    data: { prompt: record.prompt, response: record.response },
    annotations: [
      {
        id: taskId * 10,
        completed_by: { id: 2, email: "lena@example.com" },
        was_cancelled: false,
        created_at: record.created_at,
        result,
      },
    ],
  };
}

// an Argilla (v2) record with a span question whose labels name the problem
function toArgilla(record: FeedbackRecord) {
  return {
    id: record.id,
    status: "completed",
    fields: { prompt: record.prompt, response: record.response },
    metadata: { source: "examples" },
    responses: {
      spans: [
        {
          value: record.spans.map((s) => ({
            start: s.start,
            end: s.end,
            label: s.label === "liked" ? "good" : "factual_error",
          })),
          user_id: "5e3c1f2a-9b7d-4c1e-8a55-0f3d2b6c71a1",
          status: "submitted",
        },
      ],
    },
    suggestions: {},
  };
}

const records = specs.map(makeRecord);
const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;
const byId = (id: string) => records.find((r) => r.id === id)!;

writeFileSync(join(here, "feedback.jsonl"), jsonl(records));
writeFileSync(join(here, "broken.jsonl"), `${brokenLines.join("\n")}\n`);
writeFileSync(join(here, "judgments.jsonl"), jsonl(judgments));
writeFileSync(
  join(here, "labelstudio.json"),
  `${JSON.stringify([toLabelStudio(byId("beach-packing"), 101), toLabelStudio(byId("ja-thank-you"), 102)], null, 2)}\n`,
);
writeFileSync(
  join(here, "argilla.json"),
  `${JSON.stringify([toArgilla(byId("zh-capital")), toArgilla(byId("kyoto-temples"))], null, 2)}\n`,
);
process.stdout.write(
  `wrote ${records.length} records and ${brokenLines.length} broken lines to ${here}\n`,
);
