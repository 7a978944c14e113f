// Public API of export: the formats, their row layouts, and the file runner.
export {
  type ExportFormat,
  exportFormats,
  jsonlRow,
  type ProvenanceColumns,
  promptMessages,
  promptText,
  provenanceColumns,
  toOpenAIRow,
  toTrlChatRow,
  toTrlRow,
} from "./formats.js";
export {
  parquetColumns,
  toParquetRow,
  type WriteParquetOptions,
  writeParquetPairs,
} from "./parquet.js";
export { type ExportSummary, type WriteExportOptions, writeExport } from "./run.js";
