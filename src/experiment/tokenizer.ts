// Builds the bundled task's tokenizer: a whitespace-only word vocabulary in the Hugging Face
// tokenizer.json format (WordPiece model with whole words only, no "##" pieces, and the
// WordPiece decoder), so task text round-trips exactly, one id per word. Unlike
// model/word-tokenizer.ts it does not split punctuation: the task writes it as separate words.

/** Special tokens, at ids 0..3 in this order. */
export const SPECIAL_TOKENS = {
  pad: "<pad>",
  unk: "<unk>",
  bos: "<s>",
  eos: "</s>",
} as const;

/** Options of the tokenizer builder. */
export interface TokenizerBuildOptions {
  /** the words of the task, in a stable order */
  words: readonly string[];
  /** extra special tokens appended after the four standard ones (e.g. chat markers) */
  extraSpecial?: readonly string[];
}

/** The two files of a Hugging Face tokenizer. */
export interface TokenizerFiles {
  tokenizer: Record<string, unknown>;
  config: Record<string, unknown>;
}

/** Builds tokenizer.json and tokenizer_config.json for a word-level vocabulary. */
export function buildTaskTokenizer(options: TokenizerBuildOptions): TokenizerFiles {
  const specials = [...Object.values(SPECIAL_TOKENS), ...(options.extraSpecial ?? [])];
  const vocab: Record<string, number> = {};
  for (const t of specials) vocab[t] = Object.keys(vocab).length;
  for (const w of options.words) {
    if (/\s/.test(w) || w.length === 0) {
      throw new Error(`buildTaskTokenizer: word ${JSON.stringify(w)} is empty or has whitespace`);
    }
    if (!(w in vocab)) vocab[w] = Object.keys(vocab).length;
  }
  const added = specials.map((content) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const tokenizer = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: "WhitespaceSplit" },
    post_processor: null,
    decoder: { type: "WordPiece", prefix: "##", cleanup: false },
    model: {
      type: "WordPiece",
      unk_token: SPECIAL_TOKENS.unk,
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab,
    },
  };
  const config = {
    tokenizer_class: "PreTrainedTokenizerFast",
    model_max_length: 256,
    pad_token: SPECIAL_TOKENS.pad,
    unk_token: SPECIAL_TOKENS.unk,
    bos_token: SPECIAL_TOKENS.bos,
    eos_token: SPECIAL_TOKENS.eos,
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
  };
  return { tokenizer, config };
}
