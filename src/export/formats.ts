// Row layouts of the export formats: TRL's preference format (standard and conversational), the
// OpenAI preference fine-tuning format, and the full pair. Ranges are code points into the
// completion text (`chosen` / `rejected`, or the assistant message content).
import type { Message, Prompt } from "../feedback/schema.js";
import type { PreferencePair } from "../pairs/types.js";

/** The export formats `redline export` writes. */
export type ExportFormat = "trl" | "trl-chat" | "openai" | "jsonl" | "parquet";

/** Every format with a one-line description, for `--help` and docs. */
export const exportFormats: Record<ExportFormat, string> = {
  trl: "TRL preference JSONL, standard: prompt, chosen and rejected as plain text",
  "trl-chat": "TRL preference JSONL, conversational: prompt and completions as message lists",
  openai: "OpenAI preference fine-tuning JSONL: input.messages, preferred/non_preferred_output",
  jsonl: "the full pair with every provenance field, one per line",
  parquet: "the TRL standard columns plus provenance, as a Parquet file",
};

/** The provenance columns kept next to TRL rows, so a trainer can find the tokens that differ. */
export interface ProvenanceColumns {
  id: string;
  strategy: PreferencePair["strategy"];
  source_id: string;
  rejected_source_id: string | null;
  chosen_step: number | null;
  rejected_step: number | null;
  chosen_range: [number, number];
  rejected_range: [number, number];
}

/** A prompt as chat messages; a plain-text prompt becomes one user message. */
export function promptMessages(prompt: Prompt): Message[] {
  return typeof prompt === "string" ? [{ role: "user", content: prompt }] : prompt;
}

/**
 * A prompt as plain text. A chat of one user message is that message; a longer chat is written
 * as `Role: content` paragraphs (use `trl-chat` to keep its structure for a chat template).
 */
export function promptText(prompt: Prompt): string {
  if (typeof prompt === "string") return prompt;
  if (prompt.length === 1 && prompt[0].role === "user") return prompt[0].content;
  return prompt
    .map((m) => `${m.role[0].toUpperCase()}${m.role.slice(1)}: ${m.content}`)
    .join("\n\n");
}

/** Provenance of a pair as flat columns. */
export function provenanceColumns(pair: PreferencePair): ProvenanceColumns {
  return {
    id: pair.id,
    strategy: pair.strategy,
    source_id: pair.source_id,
    rejected_source_id: pair.rejected_source_id ?? null,
    chosen_step: pair.chosen_step ?? null,
    rejected_step: pair.rejected_step ?? null,
    chosen_range: pair.chosen_range,
    rejected_range: pair.rejected_range,
  };
}

/** TRL standard preference row: `{prompt, chosen, rejected}` as text, plus provenance. */
export function toTrlRow(pair: PreferencePair) {
  return {
    prompt: promptText(pair.prompt),
    chosen: pair.chosen,
    rejected: pair.rejected,
    ...provenanceColumns(pair),
  };
}

/** TRL conversational preference row: message lists, plus provenance. */
export function toTrlChatRow(pair: PreferencePair) {
  return {
    prompt: promptMessages(pair.prompt),
    chosen: [{ role: "assistant", content: pair.chosen }],
    rejected: [{ role: "assistant", content: pair.rejected }],
    ...provenanceColumns(pair),
  };
}

/** OpenAI preference fine-tuning row (DPO); the format allows no extra fields. */
export function toOpenAIRow(pair: PreferencePair) {
  return {
    input: { messages: promptMessages(pair.prompt) },
    preferred_output: [{ role: "assistant", content: pair.chosen }],
    non_preferred_output: [{ role: "assistant", content: pair.rejected }],
  };
}

/** The row writer of each JSONL format. */
export const jsonlRow: Record<
  Exclude<ExportFormat, "parquet">,
  (pair: PreferencePair) => unknown
> = {
  trl: toTrlRow,
  "trl-chat": toTrlChatRow,
  openai: toOpenAIRow,
  jsonl: (pair) => pair,
};
