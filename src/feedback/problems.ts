// Validation problems as data: a line, a path into the record, a stable code and a message that
// says what is wrong and how to fix it, so the CLI and the UI can point at the exact place.
import type { z } from "zod";

/** Stable codes of every problem validation can report. */
export type ProblemCode =
  | "invalid_json"
  | "not_an_object"
  | "invalid_type"
  | "unknown_field"
  | "invalid_value"
  | "offset_out_of_range"
  | "inverted_span"
  | "text_mismatch"
  | "lone_surrogate"
  | "splits_surrogate_pair"
  | "splits_crlf"
  | "overlapping_spans"
  | "missing_comment_and_suggestion"
  | "duplicate_id"
  | "liked_overlaps_disliked"
  | "suggestion_on_liked"
  | "missing_field"
  | "unmapped_label";

/** `error` makes the record unusable; `warning` keeps it but tells the user something looks off. */
export type Severity = "error" | "warning";

/** One problem found in one line of a JSONL file. */
export interface Problem {
  /** 1-based line number in the file (0 for a JSON document, where the path says where) */
  line: number;
  /** where in the record, e.g. `spans[3].end`; empty for the whole line */
  path: string;
  code: ProblemCode;
  severity: Severity;
  message: string;
}

/** Formats a path of keys and indices the way a reader writes it: `spans[3].end`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line per problem: `line 12: spans[3].end: message (code)`; line 0 means the whole file. */
export function formatProblem(p: Problem, file?: string): string {
  const where = p.line === 0 ? (file ?? "input") : file ? `${file}:${p.line}` : `line ${p.line}`;
  const kind = p.severity === "warning" ? "warning: " : "";
  const path = p.path ? `${p.path}: ` : "";
  return `${where}: ${kind}${path}${p.message} (${p.code})`;
}

/** True when any problem is an error (warnings alone leave a record usable). */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === "error");
}

/** Allowed keys of each strict object, for "unknown field" messages; keyed by object kind. */
export type AllowedKeys = (path: readonly PropertyKey[]) => readonly string[] | undefined;

/**
 * Turns zod issues into problems with readable paths and messages that say how to fix them.
 * `allowedKeys` names the fields permitted at a path, so unknown fields can list the good ones.
 */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  line: number,
  allowedKeys?: AllowedKeys,
  prefix: readonly PropertyKey[] = [],
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const at = (code: ProblemCode, message: string, p = path): Problem => ({
      line,
      path: formatPath(p),
      code,
      severity: "error",
      message,
    });
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = allowedKeys?.(path);
        const hint = allowed ? `; allowed fields here are ${allowed.join(", ")}` : "";
        // only a format with a top-level metadata field has a place for free data
        const free = allowedKeys?.([])?.includes("metadata")
          ? '; put free data under "metadata"'
          : "";
        for (const key of issue.keys) {
          out.push(at("unknown_field", `unknown field "${key}"${hint}${free}`, [...path, key]));
        }
        break;
      }
      case "invalid_type": {
        const got = describeValue(issue.input);
        const missing = issue.input === undefined;
        const last = path[path.length - 1];
        const offset = last === "start" || last === "end";
        const expected = offset
          ? "a whole number (a code-point offset)"
          : issue.expected === "int"
            ? "an integer"
            : // zod says "record" for a JSON object with free keys (metadata)
              articled(issue.expected === "record" ? "object" : issue.expected);
        out.push(
          at(
            "invalid_type",
            missing
              ? `required field is missing; add ${expected}`
              : `expected ${expected}, got ${got}`,
          ),
        );
        break;
      }
      case "invalid_union": {
        // a prompt is a string or a list of messages: explain the branch the value was aiming at
        const input = (issue as { input?: unknown }).input;
        const branch = Array.isArray(input) ? issue.errors[1] : undefined;
        if (branch && branch.length > 0) {
          out.push(...problemsFromZod(branch, line, allowedKeys, path));
        } else {
          out.push(
            at(
              "invalid_type",
              `expected a string or a non-empty list of {role, content} messages, got ${describeValue(input)}`,
            ),
          );
        }
        break;
      }
      case "invalid_value":
        out.push(
          at(
            "invalid_value",
            `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(issue.input)}`,
          ),
        );
        break;
      case "too_small":
        out.push(
          at(
            "invalid_value",
            issue.origin === "array"
              ? `must hold at least ${issue.minimum} item(s)`
              : issue.origin === "string"
                ? "must not be empty"
                : `must be at least ${issue.minimum}, got ${describeValue(issue.input)}`,
          ),
        );
        break;
      case "invalid_format":
        out.push(
          at(
            "invalid_value",
            `expected an ISO 8601 ${issue.format} with a time zone such as "2026-03-01T12:00:00Z", got ${describeValue(issue.input)}`,
          ),
        );
        break;
      default:
        out.push(at("invalid_value", issue.message));
    }
  }
  return out;
}

function articled(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A short description of a JSON value for messages: its type and a clipped rendering. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list (${clip(JSON.stringify(value))})`;
  if (typeof value === "object") return `an object (${clip(JSON.stringify(value))})`;
  if (typeof value === "string") return `the string ${clip(JSON.stringify(value))}`;
  if (typeof value === "number" && !Number.isInteger(value)) return `the fraction ${value}`;
  return `${typeof value} ${String(value)}`;
}

function clip(s: string, max = 40): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
