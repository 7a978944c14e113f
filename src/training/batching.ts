// From preference pairs to padded token batches. Chain-aware batching: the drafts of one
// improvement chain share a `source_id`, and a chain of k drafts gives k−1 adjacent pairs in
// which every inner draft appears twice; each distinct (prompt, text) sequence is run through
// the model once per step and pairs pick their rows with one-hot selection matrices.
import { codePointLength, utf16Offset } from "../feedback/codepoints.js";
import { createRng } from "../model/params.js";
import type { Tokenizer } from "../model/tokenizer.js";
import type { PreferencePair } from "../pairs/types.js";

/** Which completion tokens count towards a pair's log-probabilities. */
export type LossMask = "completion" | "edit";

/** A preference pair as token ids, with where each side's counted tokens begin. */
export interface TokenizedPair {
  id: string;
  sourceId: string;
  prompt: number[];
  /** completion ids, EOS appended */
  chosen: number[];
  rejected: number[];
  /** first counted completion token of each side (0 for the "completion" mask) */
  chosenStart: number;
  rejectedStart: number;
}

/** Options of `tokenizePairs`. */
export interface TokenizePairsOptions {
  mask: LossMask;
  /** longest allowed prompt + completion, in tokens */
  maxLength: number;
  /** data file named in errors */
  source?: string;
}

/** Where an edit starts, as a completion token index: tokens before it are shared. */
function editStartToken(
  tokenizer: Tokenizer,
  text: string,
  cpStart: number,
  ids: number[],
  other: number[],
): number {
  const offsets = tokenizer.encode(text).offsets;
  const u = utf16Offset(text, Math.min(cpStart, codePointLength(text)));
  let k = offsets.findIndex(([, end]) => end > u);
  if (k < 0) k = ids.length;
  // never count past the longest shared token prefix: those tokens are identical
  let lcp = 0;
  while (lcp < ids.length && lcp < other.length && ids[lcp] === other[lcp]) lcp++;
  return Math.min(k, lcp);
}

/**
 * Tokenizes pairs: prompt through the chat template, completions with EOS appended.
 * Throws, naming the pair and the fix, when a sequence is longer than `maxLength`.
 */
export function tokenizePairs(
  pairs: PreferencePair[],
  tokenizer: Tokenizer,
  options: TokenizePairsOptions,
): TokenizedPair[] {
  const eos = tokenizer.eosTokenId;
  const where = options.source ? `${options.source}: ` : "";
  const promptCache = new Map<string, number[]>();
  return pairs.map((pair, i) => {
    const promptText = tokenizer.formatPrompt(pair.prompt);
    let prompt = promptCache.get(promptText);
    if (!prompt) {
      prompt = tokenizer.encodePrompt(promptText);
      promptCache.set(promptText, prompt);
    }
    // completion token j is predicted at position |prompt| + j − 1, so one prompt token is needed
    if (prompt.length === 0) {
      throw new Error(
        `${where}pair ${pair.id ?? i} has an empty prompt; a preference pair needs a prompt token to predict the answer from`,
      );
    }
    const withEos = (ids: number[]) => (eos === null ? ids : [...ids, eos]);
    const chosenBody = tokenizer.encodeIds(pair.chosen);
    const rejectedBody = tokenizer.encodeIds(pair.rejected);
    const chosen = withEos(chosenBody);
    const rejected = withEos(rejectedBody);
    for (const [side, ids] of [
      ["chosen", chosen],
      ["rejected", rejected],
    ] as const) {
      if (prompt.length + ids.length > options.maxLength) {
        throw new Error(
          `${where}pair ${pair.id ?? i} (${side}) is ${prompt.length + ids.length} tokens, over the limit of ${options.maxLength}; drop long pairs, or raise data.maxLength if it is below the model's context (max_position_embeddings in config.json)`,
        );
      }
    }
    let chosenStart = 0;
    let rejectedStart = 0;
    if (options.mask === "edit") {
      chosenStart = editStartToken(tokenizer, pair.chosen, pair.chosen_range[0], chosen, rejected);
      rejectedStart = editStartToken(
        tokenizer,
        pair.rejected,
        pair.rejected_range[0],
        rejected,
        chosen,
      );
      // both sides start at the same token so the shared prefix cancels exactly
      chosenStart = rejectedStart = Math.min(chosenStart, rejectedStart);
    }
    return {
      id: pair.id ?? String(i),
      sourceId: pair.source_id ?? pair.id ?? String(i),
      prompt,
      chosen,
      rejected,
      chosenStart,
      rejectedStart,
    };
  });
}

/** Host arrays of one preference batch. U sequences of T tokens, P pairs (padded). */
export interface PairBatch {
  U: number;
  T: number;
  P: number;
  /** real pairs (the rest are padding with zero weight) */
  pairs: number;
  /** distinct sequences computed (before padding) */
  sequences: number;
  /** non-pad input tokens */
  tokens: number;
  inputs: Int32Array; // [U, T]
  targets: Int32Array; // [U, T]
  selChosen: Float32Array; // [P, U]
  selRejected: Float32Array; // [P, U]
  maskChosen: Float32Array; // [P, T]
  maskRejected: Float32Array; // [P, T]
  /** counted chosen tokens per pair (≥ 1) */
  chosenCount: Float32Array; // [P]
  /** ids of the real pairs, in row order */
  ids: string[];
}

/** Options of `buildPairBatch`. */
export interface PairBatchOptions {
  /** one row per distinct sequence (true) or two rows per pair (false) */
  chainAware: boolean;
  padId: number;
  /** round T up to a multiple of this, to limit recompiles; default 16 */
  lengthBucket?: number;
  /** never round T past this (the model's context length) */
  maxT?: number;
  /** round U and P up to a multiple of this; default 4 */
  rowBucket?: number;
}

const roundUp = (n: number, m: number) => Math.max(m, Math.ceil(n / m) * m);

/** Lays out pairs as padded sequences plus per-pair selection matrices and masks. */
export function buildPairBatch(pairs: TokenizedPair[], options: PairBatchOptions): PairBatch {
  const rowBucket = options.rowBucket ?? 4;
  const seqs: number[][] = [];
  const index = new Map<string, number>();
  const rowOf = (seq: number[]) => {
    const key = seq.join(",");
    const known = options.chainAware ? index.get(key) : undefined;
    if (known !== undefined) return known;
    index.set(key, seqs.length);
    seqs.push(seq);
    return seqs.length - 1;
  };
  const layout = pairs.map((p) => ({
    c: rowOf([...p.prompt, ...p.chosen]),
    r: rowOf([...p.prompt, ...p.rejected]),
  }));
  const longest = Math.max(...seqs.map((s) => s.length - 1));
  const T = Math.max(
    longest,
    Math.min(roundUp(longest, options.lengthBucket ?? 16), options.maxT ?? Infinity),
  );
  const U = roundUp(seqs.length, rowBucket);
  const P = roundUp(pairs.length, rowBucket);
  const inputs = new Int32Array(U * T).fill(options.padId);
  const targets = new Int32Array(U * T).fill(options.padId);
  let tokens = 0;
  seqs.forEach((s, u) => {
    for (let t = 0; t < s.length - 1; t++) {
      inputs[u * T + t] = s[t];
      targets[u * T + t] = s[t + 1];
    }
    tokens += s.length - 1;
  });
  const selChosen = new Float32Array(P * U);
  const selRejected = new Float32Array(P * U);
  const maskChosen = new Float32Array(P * T);
  const maskRejected = new Float32Array(P * T);
  const chosenCount = new Float32Array(P).fill(1);
  pairs.forEach((p, i) => {
    selChosen[i * U + layout[i].c] = 1;
    selRejected[i * U + layout[i].r] = 1;
    // target position t predicts token t+1, so completion token j sits at t = |prompt| + j − 1
    const base = p.prompt.length - 1;
    for (let j = p.chosenStart; j < p.chosen.length; j++) maskChosen[i * T + base + j] = 1;
    for (let j = p.rejectedStart; j < p.rejected.length; j++) maskRejected[i * T + base + j] = 1;
    chosenCount[i] = Math.max(1, p.chosen.length - p.chosenStart);
  });
  return {
    U,
    T,
    P,
    pairs: pairs.length,
    sequences: seqs.length,
    tokens,
    inputs,
    targets,
    selChosen,
    selRejected,
    maskChosen,
    maskRejected,
    chosenCount,
    ids: pairs.map((p) => p.id),
  };
}

/**
 * Splits pairs into batches of at most `batchSize`, keeping each chain's pairs together
 * (so shared drafts are computed once) and shuffling chains with `seed`.
 */
export function planBatches(pairs: TokenizedPair[], batchSize: number, seed: number): number[][] {
  const groups = new Map<string, number[]>();
  pairs.forEach((p, i) => {
    const g = groups.get(p.sourceId);
    if (g) g.push(i);
    else groups.set(p.sourceId, [i]);
  });
  const order = [...groups.values()];
  const rng = createRng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const batches: number[][] = [];
  let current: number[] = [];
  for (const group of order) {
    // a chain that would overflow the batch starts a new one when it fits whole there
    if (
      current.length > 0 &&
      current.length + group.length > batchSize &&
      group.length <= batchSize
    ) {
      batches.push(current);
      current = [];
    }
    for (const i of group) {
      current.push(i);
      if (current.length === batchSize) {
        batches.push(current);
        current = [];
      }
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
