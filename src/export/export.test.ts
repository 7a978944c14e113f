// Tests of export: every format is written to a real file and read back (Parquet with hyparquet).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { sliceCodePoints } from "../feedback/codepoints.js";
import type { PreferencePair } from "../pairs/types.js";
import { promptText } from "./formats.js";
import { writeExport } from "./run.js";

const pairs: PreferencePair[] = [
  {
    id: "r1:chain:0-1",
    prompt: "Name a fruit.",
    rejected: "A 🍎 apple.",
    chosen: "An apple.",
    strategy: "chain",
    source_id: "r1",
    rejected_step: 0,
    chosen_step: 1,
    rejected_range: [0, 3],
    chosen_range: [0, 2],
    edits: [{ span_index: 0, comment: "article", reviser: "suggestion" }],
    metadata: { batch: 2 },
  },
  {
    id: "q-1:ab:q-0",
    prompt: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "漢字とは?" },
    ],
    rejected: "Chinese characters used in Japanese writing, in great detail…",
    chosen: "Chinese characters used in Japanese.",
    strategy: "ab",
    source_id: "q-1",
    rejected_source_id: "q-0",
    rejected_range: [34, 61],
    chosen_range: [34, 35],
  },
];

function setup(): { dir: string; input: string } {
  const dir = mkdtempSync(join(tmpdir(), "redline-export-"));
  const input = join(dir, "pairs.jsonl");
  writeFileSync(input, `${pairs.map((p) => JSON.stringify(p)).join("\n")}\n`);
  return { dir, input };
}

function readJsonlFile(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("writeExport", () => {
  it("writes TRL standard rows with text prompts and the provenance columns", async () => {
    const { dir, input } = setup();
    const output = join(dir, "trl.jsonl");
    expect((await writeExport({ input, output, format: "trl" })).rows).toBe(2);
    const rows = readJsonlFile(output);
    expect(rows[0]).toEqual({
      prompt: "Name a fruit.",
      chosen: "An apple.",
      rejected: "A 🍎 apple.",
      id: "r1:chain:0-1",
      strategy: "chain",
      source_id: "r1",
      rejected_source_id: null,
      chosen_step: 1,
      rejected_step: 0,
      chosen_range: [0, 2],
      rejected_range: [0, 3],
    });
    expect(rows[1].prompt).toBe("System: Be brief.\n\nUser: 漢字とは?");
  });

  it("writes TRL conversational rows as message lists", async () => {
    const { dir, input } = setup();
    const output = join(dir, "chat.jsonl");
    await writeExport({ input, output, format: "trl-chat" });
    const [first] = readJsonlFile(output);
    expect(first.prompt).toEqual([{ role: "user", content: "Name a fruit." }]);
    expect(first.chosen).toEqual([{ role: "assistant", content: "An apple." }]);
    expect(first.rejected).toEqual([{ role: "assistant", content: "A 🍎 apple." }]);
    expect(first.chosen_range).toEqual([0, 2]);
  });

  it("writes OpenAI preference rows with exactly the fields the format allows", async () => {
    const { dir, input } = setup();
    const output = join(dir, "openai.jsonl");
    await writeExport({ input, output, format: "openai" });
    const rows = readJsonlFile(output);
    expect(rows[1]).toEqual({
      input: {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "漢字とは?" },
        ],
      },
      preferred_output: [{ role: "assistant", content: "Chinese characters used in Japanese." }],
      non_preferred_output: [
        {
          role: "assistant",
          content: "Chinese characters used in Japanese writing, in great detail…",
        },
      ],
    });
  });

  it("writes the full pair for jsonl, unchanged", async () => {
    const { dir, input } = setup();
    const output = join(dir, "full.jsonl");
    await writeExport({ input, output, format: "jsonl" });
    expect(readJsonlFile(output)).toEqual(pairs);
  });

  it("writes Parquet that hyparquet reads back, ranges as integer lists", async () => {
    const { dir, input } = setup();
    const output = join(dir, "pairs.parquet");
    expect((await writeExport({ input, output, format: "parquet" })).rows).toBe(2);
    const buffer = readFileSync(output);
    const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(rows.map((r) => r.id)).toEqual(pairs.map((p) => p.id));
    expect(rows[0]).toMatchObject({
      prompt: "Name a fruit.",
      chosen: "An apple.",
      rejected: "A 🍎 apple.",
      chosen_range: [0, 2],
      rejected_range: [0, 3],
      chosen_step: 1,
      rejected_source_id: null,
    });
    expect(rows[1].prompt).toBe(promptText(pairs[1].prompt));
    expect(JSON.parse(String(rows[1].prompt_messages))).toEqual(pairs[1].prompt);
    expect(JSON.parse(String(rows[0].edits))).toEqual(pairs[0].edits);

    // the ranges still point at the differing text after the round trip
    const r = rows[0].rejected_range as number[];
    expect(sliceCodePoints(String(rows[0].rejected), r[0], r[1])).toBe("A 🍎");
  });

  it("skips a line that is not a pair and exports the rest", async () => {
    const { dir, input } = setup();
    writeFileSync(input, `{"id": "x"}\n${readFileSync(input, "utf8")}`);
    const summary = await writeExport({ input, output: join(dir, "o.jsonl"), format: "trl" });
    expect(summary).toEqual({ input: { lines: 3, valid: 2, skipped: 1 }, rows: 2 });
  });
});

describe("writeExport with no pairs", () => {
  it("writes a Parquet file with the columns and no rows", async () => {
    const { dir, input } = setup();
    writeFileSync(input, "");
    const output = join(dir, "empty.parquet");
    expect((await writeExport({ input, output, format: "parquet" })).rows).toBe(0);
    const buffer = readFileSync(output);
    const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    expect(await parquetReadObjects({ file })).toEqual([]);
  });
});
