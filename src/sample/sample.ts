// Draws N answers per prompt from a model backend, to make items for annotation (feedback records
// with no spans yet) or the candidates of A/B pairs. Samples are seeded, so a rerun with the same
// seed and a response cache asks the server nothing new.

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mapOrdered } from "../chains/run.js";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import type { Progress } from "../common/progress.js";
import { readLines } from "../feedback/jsonl.js";
import type { FeedbackRecord, Prompt } from "../feedback/schema.js";
import { PromptSchema } from "../feedback/schema.js";
import type { ChatMessage, Completer, UsageMeter } from "../revisers/completion.js";

/** One prompt to sample from. */
export interface SamplePrompt {
  id: string;
  prompt: Prompt;
}

/** Output shapes: feedback records to annotate, or one line of candidates per prompt. */
export type SampleFormat = "items" | "candidates";

/** Options of {@link samplePrompts}. */
export interface SampleOptions {
  prompts: AsyncIterable<SamplePrompt>;
  completer: Completer;
  /** answers per prompt */
  n: number;
  /** JSONL output path */
  out: string;
  format?: SampleFormat;
  temperature?: number;
  maxTokens?: number;
  /** sample k of every prompt uses seed + k */
  seed?: number;
  /** prompts sampled at the same time */
  concurrency?: number;
  usage?: UsageMeter;
  progress?: Progress;
  logger?: Logger;
  signal?: AbortSignal;
}

/** One line of `--format candidates`: every answer drawn for a prompt. */
export interface CandidateSet {
  id: string;
  prompt: Prompt;
  candidates: Array<{ text: string; sample: number; seed: number; model: string }>;
}

/** What a sampling run did. */
export interface SampleReport {
  prompts: number;
  answers: number;
}

/** Samples `n` answers for every prompt and writes them in prompt order. */
export async function samplePrompts(options: SampleOptions): Promise<SampleReport> {
  const { completer, n } = options;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`samplePrompts: n must be a positive integer, got ${n}; pass --n 4`);
  }
  const seed = options.seed ?? 0;
  const model = `${completer.kind}:${completer.model}`;
  const report: SampleReport = { prompts: 0, answers: 0 };
  const stream = createWriteStream(options.out, { encoding: "utf8" });
  const write = async (value: unknown) => {
    if (!stream.write(`${JSON.stringify(value)}\n`)) await once(stream, "drain");
  };

  // all samples of one prompt at once; the backend bounds requests in flight
  const drawAll = (p: SamplePrompt) =>
    Promise.all(
      Array.from({ length: n }, async (_, k) => {
        const completion = await completer.complete(
          {
            messages: toMessages(p.prompt),
            temperature: options.temperature ?? 1,
            seed: seed + k,
            ...(options.maxTokens !== undefined && { maxTokens: options.maxTokens }),
          },
          options.signal,
        );
        options.usage?.add(completion);
        options.progress?.tick(1, options.usage?.describe());
        return { text: completion.text, sample: k, seed: seed + k, model };
      }),
    ).then((candidates) => ({ p, candidates }));

  try {
    for await (const { p, candidates } of mapOrdered(
      options.prompts,
      options.concurrency ?? 4,
      drawAll,
    )) {
      report.prompts++;
      report.answers += candidates.length;
      if (options.format === "candidates") {
        await write({ id: p.id, prompt: p.prompt, candidates } satisfies CandidateSet);
        continue;
      }
      for (const c of candidates) {
        const item: FeedbackRecord = {
          id: `${p.id}#${c.sample}`,
          prompt: p.prompt,
          response: c.text,
          spans: [],
          metadata: { prompt_id: p.id, sample: c.sample, seed: c.seed, model: c.model },
        };
        await write(item);
      }
    }
  } finally {
    await new Promise<void>((resolve) => stream.end(resolve));
  }
  (options.logger ?? silentLogger).info(
    `sample: ${report.answers} answers to ${report.prompts} prompts written to ${options.out}`,
  );
  return report;
}

/**
 * Reads prompts from a file: JSONL lines holding `prompt` (text or chat messages) and an
 * optional `id` (feedback records qualify), or, for a `.txt` file, one prompt per line.
 */
export async function* readPrompts(path: string): AsyncGenerator<SamplePrompt> {
  const plain = path.endsWith(".txt");
  for await (const { line, text } of readLines(path)) {
    if (!text.trim()) continue;
    if (plain) {
      yield { id: `p${line}`, prompt: text };
      continue;
    }
    let row: { id?: unknown; prompt?: unknown };
    try {
      row = JSON.parse(text);
    } catch (err) {
      throw new Error(
        `readPrompts: ${path}:${line} is not JSON (${(err as Error).message}); write one ` +
          '{"id": ..., "prompt": ...} object per line, or use a .txt file with one prompt per line',
      );
    }
    const prompt = PromptSchema.safeParse(row.prompt);
    if (!prompt.success) {
      throw new Error(
        `readPrompts: ${path}:${line}: "prompt" must be a string or a list of ` +
          '{"role", "content"} messages',
      );
    }
    yield { id: typeof row.id === "string" ? row.id : `p${line}`, prompt: prompt.data };
  }
}

/** A prompt as chat messages; tool messages become user messages, as not every server has them. */
export function toMessages(prompt: Prompt): ChatMessage[] {
  if (typeof prompt === "string") return [{ role: "user", content: prompt }];
  return prompt.map((m) => ({
    role: m.role === "tool" ? "user" : m.role,
    content: m.role === "tool" ? `[tool output]\n${m.content}` : m.content,
  }));
}
