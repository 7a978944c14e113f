// Validation of feedback JSONL, streamed line by line: every problem comes back as data, and a
// bad line never costs the good ones. `redline validate` prints them; the other stages skip
// bad records (or stop at the first with `strict`).
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import { FingerprintMap } from "./fingerprint.js";
import { type NumberedLine, parseJsonLine, readLines } from "./jsonl.js";
import { formatProblem, hasErrors, type Problem } from "./problems.js";
import { checkRecord } from "./rules.js";
import { type FeedbackRecord, FeedbackRecordSchema, MessageSchema, SpanSchema } from "./schema.js";

/** One validated line: the record when it is usable, and every problem found on the line. */
export interface ValidatedLine {
  line: number;
  /** present when the line has no errors (it may still carry warnings) */
  record?: FeedbackRecord;
  problems: Problem[];
}

/** Fields allowed at each level of a record, for messages about unknown fields. */
export function feedbackAllowedKeys(path: readonly PropertyKey[]): readonly string[] | undefined {
  if (path.length === 0) return Object.keys(FeedbackRecordSchema.shape);
  if (path[0] === "spans" && path.length === 2) return Object.keys(SpanSchema.shape);
  if (path[0] === "prompt" && path.length === 2) return Object.keys(MessageSchema.shape);
  return undefined;
}

/**
 * Validates the lines of one file in order. It remembers the ids seen so far (12 bytes each)
 * to report duplicates; make one validator per file.
 */
export class FeedbackValidator {
  private readonly ids = new FingerprintMap();

  /** Validates one line; undefined for a blank line. */
  validateLine(input: NumberedLine): ValidatedLine | undefined {
    const parsed = parseJsonLine(FeedbackRecordSchema, input, feedbackAllowedKeys);
    if (parsed === undefined) return undefined;
    const { line } = input;
    if (parsed.problems) {
      // a record that fails the schema still claims its id, if it has a string one
      const whole = ["invalid_json", "not_an_object"].includes(parsed.problems[0].code);
      const id = whole ? undefined : rawId(input.text);
      if (id !== undefined) this.claimId(id, line, parsed.problems);
      return { line, problems: parsed.problems };
    }
    const record = parsed.value;
    const problems = checkRecord(record, line);
    this.claimId(record.id, line, problems);
    return hasErrors(problems) ? { line, problems } : { line, record, problems };
  }

  // ids are unique within a file; the later use is the problem
  private claimId(id: string, line: number, problems: Problem[]): void {
    const first = this.ids.addIfAbsent(id, line);
    if (first === undefined) return;
    problems.push({
      line,
      path: "id",
      code: "duplicate_id",
      severity: "error",
      message: `${JSON.stringify(id)} was already used on line ${first}; give every record its own id`,
    });
  }
}

function rawId(text: string): string | undefined {
  const id = (JSON.parse(text) as { id?: unknown }).id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** Validates every line of a stream of lines. */
export async function* validateFeedbackLines(
  lines: AsyncIterable<NumberedLine> | Iterable<NumberedLine>,
): AsyncGenerator<ValidatedLine> {
  const validator = new FeedbackValidator();
  for await (const input of lines) {
    const result = validator.validateLine(input);
    if (result) yield result;
  }
}

/** Counts of one pass over a feedback file. */
export interface FeedbackReport {
  /** non-blank lines read */
  lines: number;
  /** records passed on */
  valid: number;
  /** records skipped for errors */
  skipped: number;
  errors: number;
  warnings: number;
}

/** Options of {@link readFeedback}. */
export interface ReadFeedbackOptions {
  /** stop at the first bad record by throwing {@link InvalidFeedbackError} */
  strict?: boolean;
  /** called for every problem, errors and warnings */
  onProblem?: (problem: Problem) => void;
  /** receives one warning per skipped record */
  logger?: Logger;
  /** file name used in log messages */
  file?: string;
  /** filled in as the file is read */
  report?: FeedbackReport;
}

/** Thrown in strict mode at the first record with errors. */
export class InvalidFeedbackError extends Error {
  override name = "InvalidFeedbackError";
  constructor(
    readonly problems: Problem[],
    file?: string,
  ) {
    super(
      `${problems.map((p) => formatProblem(p, file)).join("\n")}\n` +
        "stopped at the first bad record (--strict); run `redline validate` to list them all",
    );
  }
}

/** A fresh report with every count at zero. */
export function emptyReport(): FeedbackReport {
  return { lines: 0, valid: 0, skipped: 0, errors: 0, warnings: 0 };
}

/**
 * Yields the usable records of a feedback JSONL file (a path, or lines from {@link readLines}),
 * skipping and reporting bad ones.
 */
export async function* readFeedback(
  source: string | AsyncIterable<NumberedLine> | Iterable<NumberedLine>,
  options: ReadFeedbackOptions = {},
): AsyncGenerator<FeedbackRecord> {
  const logger = options.logger ?? silentLogger;
  const report = options.report ?? emptyReport();
  const lines = typeof source === "string" ? readLines(source) : source;
  for await (const result of validateFeedbackLines(lines)) {
    report.lines++;
    for (const p of result.problems) {
      if (p.severity === "error") report.errors++;
      else report.warnings++;
      options.onProblem?.(p);
    }
    if (result.record) {
      report.valid++;
      yield result.record;
      continue;
    }
    if (options.strict) throw new InvalidFeedbackError(result.problems, options.file);
    report.skipped++;
    const first = result.problems[0];
    const more = result.problems.length > 1 ? ` (+${result.problems.length - 1} more)` : "";
    logger.warn(`skipped ${formatProblem(first, options.file)}${more}`);
  }
}
