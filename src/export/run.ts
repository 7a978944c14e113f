// Streams a pairs file into one export format: JSONL layouts line by line, Parquet one row
// group at a time.
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import { createJsonlWriter, type JsonlReport, readJsonl } from "../feedback/jsonl.js";
import { PreferencePairSchema } from "../pairs/schema.js";
import type { PreferencePair } from "../pairs/types.js";
import { type ExportFormat, jsonlRow } from "./formats.js";
import { writeParquetPairs } from "./parquet.js";

/** Options of {@link writeExport}. */
export interface WriteExportOptions {
  /** pairs JSONL to read */
  input: string;
  /** file to write; `-` for stdout (JSONL formats only) */
  output: string;
  format: ExportFormat;
  /** stop at the first bad pair line instead of skipping it */
  strict?: boolean;
  logger?: Logger;
}

/** What an export run did. */
export interface ExportSummary {
  input: JsonlReport;
  rows: number;
}

/** Converts every valid pair of `input` into `format` and writes it to `output`. */
export async function writeExport(options: WriteExportOptions): Promise<ExportSummary> {
  const logger = options.logger ?? silentLogger;
  const report: JsonlReport = { lines: 0, valid: 0, skipped: 0 };
  const pairs = readJsonl<PreferencePair>(options.input, PreferencePairSchema, {
    strict: options.strict,
    what: "pair",
    file: options.input,
    logger,
    report,
  });

  if (options.format === "parquet") {
    if (options.output === "-") {
      throw new Error("writeExport: Parquet cannot go to stdout; give a file name with -o");
    }
    let rows = 0;
    async function* counted() {
      for await (const pair of pairs) {
        rows++;
        yield pair;
      }
    }
    await writeParquetPairs(options.output, counted());
    return { input: report, rows };
  }

  const toRow = jsonlRow[options.format];
  const writer = createJsonlWriter(options.output);
  try {
    for await (const pair of pairs) await writer.write(toRow(pair));
  } finally {
    await writer.close();
  }
  return { input: report, rows: writer.count };
}
