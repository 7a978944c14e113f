// Builds a word-level `tokenizer.json` (whitespace and punctuation split) from a word list,
// for tiny models trained from scratch; it loads with @huggingface/tokenizers like any other.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer } from "./tokenizer.js";

/** Special tokens of a built tokenizer, with fixed ids 0..3. */
export const wordTokenizerSpecials = ["<pad>", "<unk>", "<s>", "</s>"] as const;

/** The files of a word-level tokenizer. */
export interface WordTokenizerFiles {
  /** tokenizer.json contents */
  tokenizer: Record<string, unknown>;
  /** tokenizer_config.json contents, with a plain chat template */
  config: Record<string, unknown>;
}

/** Options of `buildWordTokenizer`. */
export interface WordTokenizerOptions {
  /** a Jinja chat template; default "<s>role: content</s>" turns ending in "assistant:" */
  chatTemplate?: string;
}

const defaultTemplate =
  "{% for m in messages %}<s>{{ m.role }}: {{ m.content }}</s>{% endfor %}" +
  "{% if add_generation_prompt %}<s>assistant:{% endif %}";

/**
 * Word-level tokenizer files for `words` (deduplicated, in order after the four specials).
 * Text splits on whitespace and punctuation; unknown words map to `<unk>`; decoding joins
 * words with spaces.
 */
export function buildWordTokenizer(
  words: Iterable<string>,
  options: WordTokenizerOptions = {},
): WordTokenizerFiles {
  const vocab: Record<string, number> = {};
  for (const s of wordTokenizerSpecials) vocab[s] = Object.keys(vocab).length;
  for (const w of words) if (!(w in vocab)) vocab[w] = Object.keys(vocab).length;
  return {
    tokenizer: {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: wordTokenizerSpecials.map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: null,
      pre_tokenizer: { type: "Whitespace" },
      post_processor: null,
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
      model: { type: "WordLevel", vocab, unk_token: "<unk>" },
    },
    config: {
      bos_token: "<s>",
      eos_token: "</s>",
      pad_token: "<pad>",
      unk_token: "<unk>",
      chat_template: options.chatTemplate ?? defaultTemplate,
    },
  };
}

/** A `Tokenizer` over built word-level files. */
export function wordTokenizer(files: WordTokenizerFiles): Tokenizer {
  return new Tokenizer(files.tokenizer, files.config);
}

/** Writes tokenizer.json and tokenizer_config.json into `dir`. */
export async function writeTokenizerFiles(dir: string, files: WordTokenizerFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "tokenizer.json"), `${JSON.stringify(files.tokenizer)}\n`);
  await writeFile(join(dir, "tokenizer_config.json"), `${JSON.stringify(files.config, null, 2)}\n`);
}
