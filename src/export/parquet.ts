// Parquet export of preference pairs: TRL's standard columns (prompt, chosen, rejected) plus the
// provenance columns, with the edited ranges as list<int32>, written one row group at a time.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileWriter, parquetWriteRows, type SchemaElement } from "hyparquet-writer";
import type { PreferencePair } from "../pairs/types.js";
import { promptMessages, toTrlRow } from "./formats.js";

const text = (name: string, required = false): SchemaElement => ({
  name,
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
  repetition_type: required ? "REQUIRED" : "OPTIONAL",
});
const int = (name: string): SchemaElement => ({
  name,
  type: "INT32",
  repetition_type: "OPTIONAL",
});
const json = (name: string): SchemaElement => ({
  name,
  type: "BYTE_ARRAY",
  converted_type: "JSON",
  repetition_type: "OPTIONAL",
});
const range = (name: string): SchemaElement[] => [
  { name, repetition_type: "REQUIRED", num_children: 1, converted_type: "LIST" },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", repetition_type: "REQUIRED", type: "INT32" },
];

/** The columns of the Parquet export, in order. */
export const parquetColumns = [
  "prompt",
  "chosen",
  "rejected",
  "id",
  "strategy",
  "source_id",
  "rejected_source_id",
  "chosen_step",
  "rejected_step",
  "chosen_range",
  "rejected_range",
  "prompt_messages",
  "edits",
  "metadata",
] as const;

const schema: SchemaElement[] = [
  { name: "root", num_children: parquetColumns.length },
  text("prompt", true),
  text("chosen", true),
  text("rejected", true),
  text("id", true),
  text("strategy", true),
  text("source_id", true),
  text("rejected_source_id"),
  int("chosen_step"),
  int("rejected_step"),
  ...range("chosen_range"),
  ...range("rejected_range"),
  json("prompt_messages"),
  json("edits"),
  json("metadata"),
];

/** One Parquet row of a pair; JSON columns hold JSON text. */
export function toParquetRow(pair: PreferencePair): Record<string, unknown> {
  return {
    ...toTrlRow(pair),
    prompt_messages: JSON.stringify(promptMessages(pair.prompt)),
    edits: pair.edits === undefined ? null : JSON.stringify(pair.edits),
    metadata: pair.metadata === undefined ? null : JSON.stringify(pair.metadata),
  };
}

/** Options of {@link writeParquetPairs}. */
export interface WriteParquetOptions {
  /** rows held before a row group is written (default 5,000) */
  rowGroupSize?: number;
}

/** Writes `pairs` to a Parquet file at `path`, pulling one row group at a time. */
export async function writeParquetPairs(
  path: string,
  pairs: AsyncIterable<PreferencePair>,
  options: WriteParquetOptions = {},
): Promise<void> {
  async function* rows() {
    for await (const pair of pairs) yield toParquetRow(pair);
  }
  mkdirSync(dirname(path), { recursive: true });
  await parquetWriteRows({
    writer: fileWriter(path),
    rows: rows(),
    columns: parquetColumns.map((name) => ({ name })),
    schema,
    rowGroupSize: options.rowGroupSize ?? 5000,
    createdBy: "redline",
  });
}
