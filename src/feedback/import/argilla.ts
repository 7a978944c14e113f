// Import of Argilla (v2) record exports with a span question: `records.to_json()` /
// `to_list()` dictionaries, nested (`fields`, `responses`, `suggestions`) or flattened
// (`spans.responses`, `spans.responses.users`). Span answers are `[{start, end, label}]`, offsets
// in characters of the Python string, which are code points.
import { codePointOffset, splitsSurrogatePair } from "../codepoints.js";
import type { FeedbackRecord, Prompt, Span } from "../schema.js";
import { type ImportResult, isObject, type LabelMapping, mapLabel, problemSink } from "./common.js";

/** Options of {@link importArgilla}. */
export interface ArgillaOptions extends LabelMapping {
  /** field holding the prompt; default `prompt` */
  promptField?: string;
  /** field holding the annotated response; default `response` */
  responseField?: string;
  /** name of the span question; default: the first answer shaped like a span list */
  spanQuestion?: string;
  /** a text question whose answer becomes the comment of disliked spans that have none */
  commentQuestion?: string;
  /** also import responses still in draft (only `submitted` ones by default) */
  includeDrafts?: boolean;
  /** import the model suggestions of records that have no human answer */
  useSuggestions?: boolean;
  /** how the export counts offsets; `utf16` converts from JavaScript indices */
  offsets?: "codepoints" | "utf16";
}

/** One annotator's answers for one record, whatever the export's shape. */
interface Answer {
  user: string;
  status: string;
  values: Record<string, unknown>;
}

/**
 * Turns Argilla records into feedback records, one per submitted response, id
 * `<record id>-<user id>`. A span labelled with anything but the liked labels is disliked, and
 * its label becomes its comment unless the comment question says more; Argilla keeps no
 * per-span replacement text, so imported spans carry no suggestion.
 */
export function importArgilla(records: unknown[], options: ArgillaOptions = {}): ImportResult {
  const promptField = options.promptField ?? "prompt";
  const responseField = options.responseField ?? "response";
  const mapping: LabelMapping = { liked: options.liked, disliked: options.disliked ?? [] };
  const result: ImportResult = { records: [], problems: [] };
  const add = problemSink(result.problems);

  records.forEach((raw, r) => {
    const at = `records[${r}]`;
    if (!isObject(raw)) {
      add(at, "missing_field", "is not an Argilla record object");
      return;
    }
    const fields = isObject(raw.fields) ? raw.fields : raw;
    const response = fields[responseField];
    const prompt = fields[promptField];
    if (typeof response !== "string") {
      add(
        `${at}.${responseField}`,
        "missing_field",
        "the response text is missing; set --response-field to the field that holds it",
      );
      return;
    }
    if (typeof prompt !== "string" && !Array.isArray(prompt)) {
      add(
        `${at}.${promptField}`,
        "missing_field",
        "the prompt is missing; set --prompt-field to the field that holds it",
      );
      return;
    }
    const id = String(raw.id ?? raw._server_id ?? r);
    const answers = answersOf(raw, options);
    if (answers.length === 0) {
      add(at, "missing_field", "has no submitted span answer; it was left out", "warning");
      return;
    }

    for (const answer of answers) {
      const question = options.spanQuestion ?? findSpanQuestion(answer.values);
      const value = question === undefined ? undefined : answer.values[question];
      if (!Array.isArray(value)) {
        add(
          at,
          "missing_field",
          `the answer of ${answer.user} has no span list; set --span-question`,
          "warning",
        );
        continue;
      }
      const comment = options.commentQuestion ? answer.values[options.commentQuestion] : undefined;
      const spans: Span[] = [];
      value.forEach((s, k) => {
        const sat = `${at}.${question}[${k}]`;
        if (!isObject(s) || typeof s.start !== "number" || typeof s.end !== "number") {
          add(sat, "missing_field", "is not a {start, end, label} span; it was left out");
          return;
        }
        const labelText = String(s.label ?? "");
        const label = mapLabel(labelText, mapping);
        if (label === undefined) {
          add(
            sat,
            "unmapped_label",
            `label ${JSON.stringify(labelText)} means neither liked nor disliked; map it with --liked-label / --disliked-label`,
            "warning",
          );
          return;
        }
        const split =
          options.offsets === "utf16"
            ? [s.start, s.end].find((u) => splitsSurrogatePair(response, u))
            : undefined;
        if (split !== undefined) {
          add(
            sat,
            "splits_surrogate_pair",
            `offset ${split} falls inside a surrogate pair (an emoji or other character outside ` +
              "the BMP); the span was left out",
          );
          return;
        }
        const [start, end] =
          options.offsets === "utf16"
            ? [codePointOffset(response, s.start), codePointOffset(response, s.end)]
            : [s.start, s.end];
        const span: Span = { start, end, label };
        if (label === "disliked") {
          span.comment = typeof comment === "string" && comment.trim() !== "" ? comment : labelText;
        }
        spans.push(span);
      });
      spans.sort((x, y) => x.start - y.start || x.end - y.end);
      const record: FeedbackRecord = {
        id: `${id}-${answer.user}`,
        prompt: prompt as Prompt,
        response,
        spans,
        annotator: answer.user,
        metadata: {
          source: "argilla",
          record_id: id,
          status: answer.status,
          ...(isObject(raw.metadata) && { record_metadata: raw.metadata }),
        },
      };
      result.records.push(record);
    }
  });
  return result;
}

// nested `responses: {question: [{value, user_id, status}]}` or flattened `q.responses` lists
function answersOf(raw: Record<string, unknown>, options: ArgillaOptions): Answer[] {
  const byUser = new Map<string, Answer>();
  const answer = (user: string, status: string) => {
    const a = byUser.get(user) ?? { user, status, values: {} };
    byUser.set(user, a);
    return a;
  };

  if (isObject(raw.responses)) {
    for (const [question, list] of Object.entries(raw.responses)) {
      if (!Array.isArray(list)) continue;
      list.forEach((item, i) => {
        if (!isObject(item)) return;
        const a = answer(String(item.user_id ?? i), String(item.status ?? "submitted"));
        a.values[question] = item.value;
      });
    }
  } else {
    for (const key of Object.keys(raw)) {
      const m = /^(.+)\.responses$/.exec(key);
      if (!m || !Array.isArray(raw[key])) continue;
      const users = raw[`${m[1]}.responses.users`];
      const statuses = raw[`${m[1]}.responses.status`];
      (raw[key] as unknown[]).forEach((value, i) => {
        const user = Array.isArray(users) ? String(users[i]) : String(i);
        const status = Array.isArray(statuses) ? String(statuses[i]) : "submitted";
        answer(user, status).values[m[1]] = value;
      });
    }
  }
  const answers = [...byUser.values()].filter(
    (a) => a.status === "submitted" || (options.includeDrafts && a.status === "draft"),
  );
  if (answers.length > 0 || !options.useSuggestions) return answers;

  // fall back to the model's suggestions
  const values: Record<string, unknown> = {};
  if (isObject(raw.suggestions)) {
    for (const [q, s] of Object.entries(raw.suggestions)) if (isObject(s)) values[q] = s.value;
  } else {
    for (const key of Object.keys(raw)) {
      const m = /^(.+)\.suggestion$/.exec(key);
      if (m) values[m[1]] = raw[key];
    }
  }
  return Object.keys(values).length > 0
    ? [{ user: "suggestion", status: "suggested", values }]
    : [];
}

function findSpanQuestion(values: Record<string, unknown>): string | undefined {
  return Object.keys(values).find((q) => {
    const v = values[q];
    return (
      Array.isArray(v) &&
      v.length > 0 &&
      v.every((s) => isObject(s) && typeof s.start === "number" && "label" in s)
    );
  });
}
