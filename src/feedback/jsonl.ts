// Streaming JSONL: read a file line by line and write objects one per line with backpressure,
// so every stage of the data path runs in memory that does not grow with the file.

import { once } from "node:events";
import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { z } from "zod";
import { type AllowedKeys, formatProblem, type Problem, problemsFromZod } from "./problems.js";

/** One line of a text file with its 1-based number. */
export interface NumberedLine {
  line: number;
  text: string;
}

/** Yields the lines of `path` (or of a readable stream), numbered from 1, without holding the file. */
export async function* readLines(
  source: string | NodeJS.ReadableStream,
): AsyncGenerator<NumberedLine> {
  const input =
    typeof source === "string"
      ? Readable.from(decodeUtf8(createReadStream(source), source))
      : source;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      // a byte-order mark is not part of the first record
      yield { line, text: line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
    }
  } finally {
    lines.close();
  }
}

/**
 * The text of a UTF-8 byte stream. Bytes that are not UTF-8 (a Latin-1 or cp1252 file) throw,
 * naming the line, rather than turning into U+FFFD that would pass validation and reach training.
 */
async function* decodeUtf8(bytes: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let line = 1;
  const fail = (chunk: Uint8Array): never => {
    // the bad byte's line: count the line breaks in front of it in this chunk
    const lenient = new TextDecoder("utf-8", { ignoreBOM: true }).decode(chunk);
    const before = lenient.slice(0, Math.max(0, lenient.indexOf("\uFFFD")));
    line += before.split("\n").length - 1;
    throw new Error(
      `readLines: ${name}: line ${line} is not UTF-8; convert the file to UTF-8 ` +
        "(for instance with iconv -f latin1 -t utf-8)",
    );
  };
  for await (const chunk of bytes) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      return fail(chunk);
    }
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) line++;
    yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest !== "") yield rest;
  } catch {
    fail(new Uint8Array([0xff]));
  }
}

/** A parsed line, or the problems that kept it from parsing. */
export type ParsedLine<T> =
  | { line: number; value: T; problems?: undefined }
  | { line: number; value?: undefined; problems: Problem[] };

/**
 * Parses one JSONL line against `schema`. Returns undefined for a blank line, which JSONL
 * readers skip.
 */
export function parseJsonLine<T>(
  schema: z.ZodType<T>,
  { line, text }: NumberedLine,
  allowedKeys?: AllowedKeys,
): ParsedLine<T> | undefined {
  if (text.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      line,
      problems: [
        {
          line,
          path: "",
          code: "invalid_json",
          severity: "error",
          message: `is not valid JSON (${reason}); each line must hold one complete JSON object`,
        },
      ],
    };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    const kind = json === null ? "null" : Array.isArray(json) ? "a list" : typeof json;
    return {
      line,
      problems: [
        {
          line,
          path: "",
          code: "not_an_object",
          severity: "error",
          message: `holds ${kind}, not a JSON object; write one record object per line`,
        },
      ],
    };
  }
  const parsed = schema.safeParse(json, { reportInput: true });
  if (parsed.success) return { line, value: parsed.data };
  return { line, problems: problemsFromZod(parsed.error.issues, line, allowedKeys) };
}

/** Writes one JSON object per line, waiting for the stream to drain when its buffer is full. */
export interface JsonlWriter {
  write(value: unknown): Promise<void>;
  close(): Promise<void>;
  /** number of lines written so far */
  readonly count: number;
}

/**
 * Opens `path` for JSONL output, making its folder if needed; `-` writes to stdout.
 * Lines are batched into ~64 KiB writes.
 */
export function createJsonlWriter(path: string): JsonlWriter {
  if (path !== "-") mkdirSync(dirname(path), { recursive: true });
  const stream: NodeJS.WritableStream =
    path === "-" ? process.stdout : createWriteStream(path, { encoding: "utf8" });
  let count = 0;
  let failure: Error | undefined;
  let batch: string[] = [];
  let batched = 0;
  stream.on("error", (err: Error) => {
    failure = err;
  });
  const flush = async () => {
    if (batch.length === 0) return;
    const chunk = batch.join("");
    batch = [];
    batched = 0;
    if (!stream.write(chunk)) await once(stream, "drain");
  };
  return {
    get count() {
      return count;
    },
    async write(value) {
      if (failure) throw failure;
      const line = `${JSON.stringify(value)}\n`;
      count++;
      batch.push(line);
      batched += line.length;
      if (batched >= 1 << 16) await flush();
    },
    async close() {
      await flush();
      if (failure) throw failure;
      if (stream === process.stdout) return;
      const file = stream as WriteStream;
      await new Promise<void>((resolve, reject) => {
        file.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
    },
  };
}

/** Counts of one pass over a JSONL file read with {@link readJsonl}. */
export interface JsonlReport {
  /** non-blank lines read */
  lines: number;
  /** lines passed on */
  valid: number;
  /** lines skipped for problems */
  skipped: number;
}

/** Options of {@link readJsonl}. */
export interface ReadJsonlOptions {
  /** throw at the first bad line instead of skipping it */
  strict?: boolean;
  /** what a line holds, for messages: "chain", "pair" */
  what?: string;
  /** file name for messages */
  file?: string;
  /** receives one warning per skipped line */
  logger?: { warn(message: string): void };
  /** filled in as the file is read */
  report?: JsonlReport;
}

/** Thrown by {@link readJsonl} in strict mode at the first bad line. */
export class InvalidLineError extends Error {
  override name = "InvalidLineError";
  constructor(
    readonly problems: Problem[],
    file?: string,
  ) {
    super(problems.map((p) => formatProblem(p, file)).join("\n"));
  }
}

/**
 * Yields the values of a JSONL file that match `schema`, one line at a time, skipping (and
 * reporting) lines that do not, or throwing {@link InvalidLineError} at the first when strict.
 */
export async function* readJsonl<T>(
  source: string | AsyncIterable<NumberedLine> | Iterable<NumberedLine>,
  schema: z.ZodType<T>,
  options: ReadJsonlOptions = {},
): AsyncGenerator<T> {
  const report = options.report ?? { lines: 0, valid: 0, skipped: 0 };
  const lines = typeof source === "string" ? readLines(source) : source;
  const allowedKeys = topLevelKeys(schema);
  for await (const input of lines) {
    const parsed = parseJsonLine(schema, input, allowedKeys);
    if (parsed === undefined) continue;
    report.lines++;
    if (parsed.problems === undefined) {
      report.valid++;
      yield parsed.value;
      continue;
    }
    if (options.strict) throw new InvalidLineError(parsed.problems, options.file);
    report.skipped++;
    const first = formatProblem(parsed.problems[0], options.file);
    options.logger?.warn(`skipped ${options.what ?? "line"}: ${first}`);
  }
}

/** The fields of an object schema at the top level of a line, for "unknown field" messages. */
function topLevelKeys(schema: z.ZodType): AllowedKeys | undefined {
  if (!(schema instanceof z.ZodObject)) return undefined;
  const keys = Object.keys(schema.shape);
  return (path) => (path.length === 0 ? keys : undefined);
}
