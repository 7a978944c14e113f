// Reading training data: preference pairs (JSONL, one PreferencePair per line) and SFT records
// (JSONL with prompt and response), checked line by line before any training starts.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { type Prompt, PromptSchema } from "../feedback/schema.js";
import { createRng } from "../model/params.js";
import type { PreferencePair } from "../pairs/types.js";

/** One SFT example: the model learns to produce `response` after `prompt`. */
export interface SftExample {
  prompt: Prompt;
  response: string;
  /** named in errors; `<file>:<line>` when read from a file */
  id?: string;
}

async function readJsonl(file: string, what: string): Promise<{ line: number; value: unknown }[]> {
  if (!existsSync(file)) throw new Error(`${file}: not found; pass an existing ${what} JSONL file`);
  const out: { line: number; value: unknown }[] = [];
  const lines = (await readFile(file, "utf8")).split("\n");
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    try {
      out.push({ line: i + 1, value: JSON.parse(text) });
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
  });
  if (out.length === 0) throw new Error(`${file}: no ${what} records; the dataset is empty`);
  return out;
}

function isRange(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x >= 0);
}

/** Checks one pair; returns a problem description or null. */
export function pairProblem(v: unknown): string | null {
  if (!v || typeof v !== "object") return "not an object";
  const p = v as Record<string, unknown>;
  if (!PromptSchema.safeParse(p.prompt).success) return "prompt must be a string or chat messages";
  for (const k of ["chosen", "rejected"])
    if (typeof p[k] !== "string") return `${k} must be a string`;
  for (const k of ["chosen_range", "rejected_range"]) {
    if (p[k] !== undefined && !isRange(p[k])) return `${k} must be [start, end] code points`;
  }
  if (p.chosen === p.rejected) return "chosen and rejected are identical";
  return null;
}

/** Reads preference pairs from JSONL; ranges default to whole texts. */
export async function readPairsFile(file: string): Promise<PreferencePair[]> {
  const rows = await readJsonl(file, "preference pair");
  return rows.map(({ line, value }) => {
    const problem = pairProblem(value);
    if (problem) throw new Error(`${file}:${line}: ${problem}`);
    const p = value as PreferencePair;
    return {
      ...p,
      id: p.id ?? `${file}:${line}`,
      source_id: p.source_id ?? p.id ?? `${file}:${line}`,
      chosen_range: p.chosen_range ?? [0, [...p.chosen].length],
      rejected_range: p.rejected_range ?? [0, [...p.rejected].length],
    };
  });
}

/** Reads SFT records: `prompt` with `response` (or `completion`, or a pair's `chosen`). */
export async function readSftFile(file: string): Promise<SftExample[]> {
  const rows = await readJsonl(file, "SFT");
  return rows.map(({ line, value }) => {
    const r = (value ?? {}) as Record<string, unknown>;
    const response = r.response ?? r.completion ?? r.chosen;
    if (!PromptSchema.safeParse(r.prompt).success) {
      throw new Error(`${file}:${line}: prompt must be a string or chat messages`);
    }
    if (typeof response !== "string") {
      throw new Error(`${file}:${line}: needs a string "response" (or "completion" / "chosen")`);
    }
    return { prompt: r.prompt as Prompt, response, id: `${file}:${line}` };
  });
}

/** Splits items by group into train and held-out parts, whole groups at a time. */
export function splitByGroup<T>(
  items: T[],
  groupOf: (item: T) => string,
  fraction: number,
  seed: number,
): { train: T[]; held: T[] } {
  if (fraction <= 0) return { train: items, held: [] };
  const groups = [...new Set(items.map(groupOf))].sort();
  const rng = createRng(seed ^ 0x5eed);
  for (let i = groups.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [groups[i], groups[j]] = [groups[j], groups[i]];
  }
  const heldCount = Math.max(1, Math.round(groups.length * fraction));
  const held = new Set(groups.slice(0, heldCount));
  return {
    train: items.filter((x) => !held.has(groupOf(x))),
    held: items.filter((x) => held.has(groupOf(x))),
  };
}
