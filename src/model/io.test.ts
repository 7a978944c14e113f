// Save/load round trips in the Hugging Face layout, and the errors for broken model folders.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine, np } from "../engine/index.js";
import { loadModel, saveModel } from "./io.js";
import { createModel } from "./model.js";
import { readSafetensors, writeSafetensors } from "./safetensors.js";
import { loadTokenizer, Tokenizer } from "./tokenizer.js";
import { forwardLogits } from "./transformer.js";
import { buildWordTokenizer, writeTokenizerFiles } from "./word-tokenizer.js";

let dir: string;
beforeAll(async () => {
  await initEngine();
  dir = await mkdtemp(join(tmpdir(), "redline-io-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function logitsOf(model: ReturnType<typeof createModel>) {
  const x = np.array(Int32Array.from([1, 2, 3, 4]), { dtype: np.int32 }).reshape([1, 4]);
  return Array.from((await forwardLogits(model.config, model.params, x).data()) as Float32Array);
}

describe.each([
  [
    "gpt2",
    { arch: "gpt2" as const, vocabSize: 30, hidden: 16, layers: 1, heads: 2, maxPositions: 8 },
  ],
  [
    "llama",
    {
      arch: "llama" as const,
      vocabSize: 30,
      hidden: 16,
      layers: 2,
      heads: 4,
      kvHeads: 2,
      tieEmbeddings: false,
    },
  ],
])("a %s model", (name, spec) => {
  it("reloads with identical logits and an HF config.json", async () => {
    const model = createModel(spec, 11);
    const out = join(dir, name);
    await saveModel(model, out);
    const again = await loadModel(out);
    expect(again.config.layers).toBe(spec.layers);
    expect(await logitsOf(again)).toEqual(await logitsOf(model));
    const hf = JSON.parse(await readFile(join(out, "config.json"), "utf8"));
    expect(hf.model_type).toBe(name);
  });
});

describe("loadModel errors", () => {
  it("names the missing tensor and the file", async () => {
    const model = createModel({ arch: "llama", vocabSize: 20, hidden: 8, layers: 1, heads: 2 }, 1);
    const out = join(dir, "broken");
    await saveModel(model, out);
    const tensors = await readSafetensors(join(out, "model.safetensors"));
    tensors.delete("model.norm.weight");
    await writeSafetensors(join(out, "model.safetensors"), tensors);
    await expect(loadModel(out)).rejects.toThrow(/lacks 1 tensor\(s\).*model\.norm\.weight/);
  });

  it("names a tensor whose shape does not match config.json", async () => {
    const model = createModel(
      { arch: "gpt2", vocabSize: 20, hidden: 8, layers: 1, heads: 2, maxPositions: 8 },
      1,
    );
    const out = join(dir, "mismatch");
    await saveModel(model, out);
    const hf = JSON.parse(await readFile(join(out, "config.json"), "utf8"));
    hf.vocab_size = 21;
    await writeFile(join(out, "config.json"), JSON.stringify(hf));
    await expect(loadModel(out)).rejects.toThrow(/transformer\.wte\.weight has shape \[20,8\]/);
  });

  it("says when config.json is missing", async () => {
    await expect(loadModel(join(dir, "nothing"))).rejects.toThrow(/config\.json not found/);
  });
});

describe("tokenizer files", () => {
  it("round-trip a word-level tokenizer with offsets and a chat template", async () => {
    await writeTokenizerFiles(join(dir, "tok"), buildWordTokenizer(["the", "cat", "sat", "."]));
    const tok = await loadTokenizer(join(dir, "tok"));
    const enc = tok.encode("the cat  sat. dog");
    expect(enc.ids).toEqual([4, 5, 6, 7, 1]);
    expect(enc.offsets.slice(0, 4)).toEqual([
      [0, 3],
      [4, 7],
      [9, 12],
      [12, 13],
    ]);
    expect(tok.decode(enc.ids)).toBe("the cat sat.");
    expect(tok.decode([])).toBe("");
    expect(tok.decode([tok.eosTokenId!])).toBe("");
    expect(tok.formatPrompt([{ role: "user", content: "the cat" }])).toBe(
      "<s>user: the cat</s><s>assistant:",
    );
    expect(tok.eosTokenId).toBe(3);
  });

  it("adds BOS to prompts once, with a byte-level BPE tokenizer and a template that writes it", () => {
    const special = (id: number, content: string) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
    const byteLevel = {
      type: "ByteLevel",
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    };
    const tok = new Tokenizer(
      {
        added_tokens: [special(0, "<s>"), special(1, "</s>")],
        normalizer: null,
        pre_tokenizer: byteLevel,
        post_processor: {
          type: "TemplateProcessing",
          single: [
            { SpecialToken: { id: "<s>", type_id: 0 } },
            { Sequence: { id: "A", type_id: 0 } },
          ],
          pair: [],
          special_tokens: { "<s>": { id: "<s>", ids: [0], tokens: ["<s>"] } },
        },
        decoder: byteLevel,
        model: {
          type: "BPE",
          vocab: { "<s>": 0, "</s>": 1, a: 2, b: 3, Ġ: 4, ab: 5, Ġa: 6 },
          merges: ["a b", "Ġ a"],
        },
      },
      {
        bos_token: "<s>",
        eos_token: "</s>",
        chat_template: "{{ bos_token }}{{ messages[0].content }}",
      },
    );
    expect(tok.encodePrompt("ab")).toEqual([0, 5]);
    expect(tok.encodePrompt(tok.formatPrompt([{ role: "user", content: "ab" }]))).toEqual([0, 5]);
    expect(tok.encode("ab a").offsets).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(tok.decode([5, 6])).toBe("ab a");
  });
});
