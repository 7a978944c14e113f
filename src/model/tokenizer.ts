// A tokenizer read from `tokenizer.json` (and `tokenizer_config.json` when present) through
// @huggingface/tokenizers, with character offsets and a chat template on top.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Template } from "@huggingface/jinja";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import type { Prompt } from "../feedback/schema.js";

/** Token ids of a text with the UTF-16 range [start, end) each token covers. */
export interface EncodedText {
  ids: number[];
  /** per token, UTF-16 offsets into the text; zero-width when a token cannot be located */
  offsets: [number, number][];
}

/** Options of `Tokenizer.encode`. */
export interface EncodeOptions {
  /** add BOS/EOS as the tokenizer's post-processor does; default false */
  addSpecialTokens?: boolean;
}

/** A text tokenizer with offsets, special tokens and a chat template. */
export class Tokenizer {
  readonly vocabSize: number;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly padTokenId: number;
  readonly chatTemplate: string | null;
  /** the parsed tokenizer.json and tokenizer_config.json it was built from */
  readonly files: { tokenizer: Record<string, unknown>; config: Record<string, unknown> };
  readonly #hf: HfTokenizer;
  readonly #template: Template | null;
  readonly #bosToken: string | null;
  readonly #eosToken: string | null;
  readonly #unkId: number | null;

  /** Builds a tokenizer from parsed tokenizer.json and tokenizer_config.json objects. */
  constructor(json: Record<string, unknown>, config: Record<string, unknown> = {}) {
    this.#hf = new HfTokenizer(json, config);
    this.files = { tokenizer: json, config };
    const vocab = this.#hf.get_vocab(true);
    let max = -1;
    for (const id of vocab.values()) max = Math.max(max, id);
    this.vocabSize = max + 1;
    const tokenName = (v: unknown): string | null =>
      typeof v === "string"
        ? v
        : v && typeof v === "object" && "content" in v
          ? String(v.content)
          : null;
    this.#bosToken = tokenName(config.bos_token);
    this.#eosToken = tokenName(config.eos_token);
    const lookup = (name: string | null, fallbacks: string[]): number | null => {
      for (const n of name ? [name, ...fallbacks] : fallbacks) {
        const id = this.#hf.token_to_id(n);
        if (id !== undefined) return id;
      }
      return null;
    };
    this.bosTokenId = lookup(this.#bosToken, ["<s>", "<|begin_of_text|>", "<bos>"]);
    this.eosTokenId = lookup(this.#eosToken, [
      "</s>",
      "<|endoftext|>",
      "<|end_of_text|>",
      "<|im_end|>",
      "<eos>",
    ]);
    this.padTokenId =
      lookup(tokenName(config.pad_token), ["<pad>", "[PAD]"]) ?? this.eosTokenId ?? 0;
    const model = (json.model ?? {}) as { unk_token?: string };
    this.#unkId = lookup(model.unk_token ?? null, ["<unk>", "[UNK]"]);
    this.chatTemplate = typeof config.chat_template === "string" ? config.chat_template : null;
    this.#template = this.chatTemplate ? new Template(this.chatTemplate) : null;
  }

  /** Token ids of `text`, with the UTF-16 range of the text each token covers. */
  encode(text: string, options: EncodeOptions = {}): EncodedText {
    const ids = this.encodeIds(text, options);
    return { ids, offsets: this.#align(text, ids) };
  }

  /** Token ids only. */
  encodeIds(text: string, options: EncodeOptions = {}): number[] {
    const enc = this.#hf.encode(text, { add_special_tokens: options.addSpecialTokens ?? false });
    // word-level models leave out-of-vocabulary words undefined instead of mapping them to unk
    return enc.ids.map((id: number | undefined, i: number) => {
      if (id !== undefined) return id;
      if (this.#unkId === null) {
        throw new Error(
          `Tokenizer.encode: "${enc.tokens[i]}" is not in the vocabulary and the model has no unk_token`,
        );
      }
      return this.#unkId;
    });
  }

  /**
   * Ids of a formatted prompt, with the special tokens the tokenizer's post-processor adds
   * (usually BOS), without doubling a BOS the chat template already wrote, and without a
   * trailing EOS (the answer follows the prompt).
   */
  encodePrompt(text: string): number[] {
    const ids = this.encodeIds(text, { addSpecialTokens: true });
    if (ids.length >= 2 && ids[0] === this.bosTokenId && ids[1] === this.bosTokenId) ids.shift();
    if (
      ids.length > 1 &&
      ids.at(-1) === this.eosTokenId &&
      !text.endsWith(this.#eosToken ?? "\0")
    ) {
      ids.pop();
    }
    return ids;
  }

  /** Text of `ids`; special tokens are dropped unless `keepSpecial`. */
  decode(ids: number[], keepSpecial = false): string {
    // the underlying decoder refuses an empty list; an empty answer is valid output
    if (ids.length === 0) return "";
    return this.#hf.decode(ids, { skip_special_tokens: !keepSpecial });
  }

  /** The token string of an id, if any. */
  idToToken(id: number): string | undefined {
    return this.#hf.id_to_token(id);
  }

  /** The id of a token string, if any. */
  tokenToId(token: string): number | undefined {
    return this.#hf.token_to_id(token);
  }

  /**
   * The prompt as the model sees it: chat messages through the chat template with the
   * generation prompt appended (or "role: content" lines when there is no template);
   * plain text unchanged.
   */
  formatPrompt(prompt: Prompt): string {
    if (typeof prompt === "string") return prompt;
    if (this.#template) {
      return this.#template.render({
        messages: prompt,
        add_generation_prompt: true,
        bos_token: this.#bosToken ?? "",
        eos_token: this.#eosToken ?? "",
      });
    }
    return `${prompt.map((m) => `${m.role}: ${m.content}`).join("\n")}\nassistant: `;
  }

  // locate each token's surface text in the input, left to right
  #align(text: string, ids: number[]): [number, number][] {
    const out: [number, number][] = [];
    let cursor = 0;
    for (const id of ids) {
      let piece = this.#hf.decode([id], { skip_special_tokens: false });
      if (piece.startsWith("##")) piece = piece.slice(2);
      const trimmed = piece.trim();
      const at = trimmed ? text.indexOf(trimmed, cursor) : -1;
      if (trimmed && at >= 0) {
        const start = piece.length > trimmed.length && at > cursor ? Math.max(cursor, at - 1) : at;
        out.push([start, at + trimmed.length]);
        cursor = at + trimmed.length;
      } else {
        out.push([cursor, cursor]);
      }
    }
    return out;
  }
}

/** Reads `tokenizer.json` (and `tokenizer_config.json` if present) from a model directory. */
export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const file = join(dir, "tokenizer.json");
  if (!existsSync(file)) {
    throw new Error(
      `loadTokenizer: ${file} not found; put the model's tokenizer.json in the model directory`,
    );
  }
  const json = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  const configFile = join(dir, "tokenizer_config.json");
  const config = existsSync(configFile)
    ? (JSON.parse(await readFile(configFile, "utf8")) as Record<string, unknown>)
    : {};
  return new Tokenizer(json, config);
}
