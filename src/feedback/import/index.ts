// Import adapters from annotation tools into the feedback format, and the file runner behind
// `redline import`. Imported records are checked with the same rules as `redline validate`.
import { createJsonlWriter } from "../jsonl.js";
import type { Problem } from "../problems.js";
import { checkRecord } from "../rules.js";
import { FeedbackRecordSchema } from "../schema.js";
import { type ArgillaOptions, importArgilla } from "./argilla.js";
import { type ImportResult, readJsonDocument } from "./common.js";
import { importLabelStudio, type LabelStudioOptions } from "./labelstudio.js";

export { type ArgillaOptions, importArgilla } from "./argilla.js";
export { type ImportResult, type LabelMapping, mapLabel, readJsonDocument } from "./common.js";
export { importLabelStudio, type LabelStudioOptions } from "./labelstudio.js";

/** The tools Redline imports from. */
export type ImportSource = "labelstudio" | "argilla";

/** Options of {@link importFile}. */
export interface ImportFileOptions {
  input: string;
  /** feedback JSONL to write; `-` for stdout */
  output: string;
  from: ImportSource;
  adapter?: LabelStudioOptions & ArgillaOptions;
}

/** What an import run did. */
export interface ImportSummary {
  records: number;
  problems: Problem[];
  /** written records that `redline validate` will reject (their line numbers are in problems) */
  invalid: number;
}

/** Converts an export of `from` into feedback JSONL; records are written even when they break a rule, and the problems say which. */
export async function importFile(options: ImportFileOptions): Promise<ImportSummary> {
  const items = readJsonDocument(options.input, options.from === "argilla" ? "records" : undefined);
  const result: ImportResult =
    options.from === "labelstudio"
      ? importLabelStudio(items, options.adapter)
      : importArgilla(items, options.adapter);
  const problems = [...result.problems];
  let invalid = 0;
  const writer = createJsonlWriter(options.output);
  try {
    for (const [i, record] of result.records.entries()) {
      const line = i + 1;
      const parsed = FeedbackRecordSchema.safeParse(record);
      const found = parsed.success
        ? checkRecord(parsed.data, line)
        : [
            {
              line,
              path: "",
              code: "invalid_value" as const,
              severity: "error" as const,
              message: parsed.error.issues[0].message,
            },
          ];
      if (found.some((p) => p.severity === "error")) invalid++;
      problems.push(...found);
      await writer.write(record);
    }
  } finally {
    await writer.close();
  }
  return { records: result.records.length, problems, invalid };
}
