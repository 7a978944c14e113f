// The task specification saved beside the base checkpoint (task.json), so the experiment
// regenerates the exact world the base model was trained on; plus the train/held-out split
// of planets and the corrupted SFT corpus that teaches the base model its mistakes.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { createRng, type Rng } from "./rng.js";
import {
  generateWorld,
  type Planet,
  renderAnswer,
  samplePrompt,
  type TaskPrompt,
  type World,
} from "./world.js";

/** What defines the bundled task; stored as task.json in the base model's folder. */
export const TaskSpecSchema = z.strictObject({
  worldSeed: z.int().default(2025).describe("seed of the planet catalogue"),
  planets: z.int().positive().default(48).describe("planets in the catalogue"),
  heldOutShare: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.25)
    .describe("share of planets whose prompts are only used for evaluation"),
  minAttributes: z.int().positive().default(2),
  maxAttributes: z.int().positive().default(4),
  corruption: z
    .strictObject({
      wrongFact: z.number().min(0).max(1).default(0.2),
      poorPhrasing: z.number().min(0).max(1).default(0.25),
    })
    .prefault({})
    .describe("error rates written into the SFT answers the base model learns from"),
});

export type TaskSpec = z.infer<typeof TaskSpecSchema>;

/** The file name of the task spec inside a model folder. */
export const TASK_FILE = "task.json";

/** Reads `<dir>/task.json`; throws with a fix when it is missing. */
export async function readTaskSpec(dir: string): Promise<TaskSpec> {
  const file = join(dir, TASK_FILE);
  if (!existsSync(file)) {
    throw new Error(
      `readTaskSpec: ${file} not found; the experiment needs the base model made by ` +
        "`npm run make-base-model` (or point --model at a folder that has task.json)",
    );
  }
  return TaskSpecSchema.parse(JSON.parse(await readFile(file, "utf8")));
}

/** Writes `<dir>/task.json`. */
export async function writeTaskSpec(dir: string, spec: TaskSpec): Promise<void> {
  await writeFile(join(dir, TASK_FILE), `${JSON.stringify(spec, null, 2)}\n`);
}

/** The world and its planets split into those used for annotation and those held out. */
export interface TaskSplit {
  spec: TaskSpec;
  world: World;
  train: Planet[];
  heldOut: Planet[];
}

/** Generates the world of `spec` and splits its planets (same split every time). */
export function splitTask(spec: TaskSpec): TaskSplit {
  const world = generateWorld({ seed: spec.worldSeed, planets: spec.planets });
  const order = createRng(spec.worldSeed).fork("split").shuffle(world.planets);
  const held = Math.max(1, Math.round(order.length * spec.heldOutShare));
  return { spec, world, train: order.slice(held), heldOut: order.slice(0, held) };
}

/** `count` prompts about planets drawn from `planets` (cycling through a shuffled order). */
export function samplePrompts(
  spec: TaskSpec,
  planets: readonly Planet[],
  count: number,
  rng: Rng,
  idPrefix: string,
): TaskPrompt[] {
  const options = { minAttributes: spec.minAttributes, maxAttributes: spec.maxAttributes };
  const out: TaskPrompt[] = [];
  let order: Planet[] = [];
  for (let i = 0; i < count; i++) {
    if (order.length === 0) order = rng.shuffle(planets);
    out.push(samplePrompt(order.pop()!, rng, options, `${idPrefix}${i}`));
  }
  return out;
}

/** One SFT example: the prompt text and the (possibly corrupted) answer. */
export interface SftExample {
  prompt: string;
  response: string;
}

/**
 * The base model's SFT corpus: prompts about every planet (held-out ones too, so the model
 * knows their names) with answers corrupted at the spec's rates.
 */
export function buildSftCorpus(spec: TaskSpec, count: number, seed: number): SftExample[] {
  const { world } = splitTask(spec);
  const rng = createRng(seed).fork("sft");
  return samplePrompts(spec, world.planets, count, rng, "sft").map((p) => ({
    prompt: p.text,
    response: renderAnswer(p, rng, spec.corruption, world),
  }));
}
