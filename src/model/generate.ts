// Batched text generation with a key/value cache: greedy or sampled (temperature, top-p).
// Prompts are left-padded so every row decodes at the same cache slot; the cache has a fixed
// length, so the jitted decode step compiles once per batch shape.
import { compileOnce, jit, np, tree } from "../engine/index.js";
import type { Model } from "./model.js";
import { createRng, type Params } from "./params.js";
import type { Tokenizer } from "./tokenizer.js";
import { forwardHidden, type KvCache, lmHead, ropeTables } from "./transformer.js";

/** Options of `generate`. */
export interface GenerateOptions {
  /** tokens to add per prompt; default 64 */
  maxNewTokens?: number;
  /** 0 means greedy; default 0 */
  temperature?: number;
  /** nucleus sampling mass; default 1 */
  topP?: number;
  /** seed of the sampler */
  seed?: number;
  /** rows per decode batch; default 8 */
  batchSize?: number;
  /** token that ends a row; default the tokenizer's EOS */
  eosTokenId?: number | null;
}

/** One generated continuation. */
export interface Generation {
  text: string;
  tokens: number[];
  finishReason: "eos" | "length";
}

/**
 * Continues each prompt (already formatted text, see `Tokenizer.formatPrompt`) and returns the
 * decoded continuations in order. Parameters are borrowed, not consumed.
 */
export async function generate(
  model: Model,
  tokenizer: Tokenizer,
  prompts: string[],
  options: GenerateOptions = {},
): Promise<Generation[]> {
  const ids = prompts.map((p) => {
    const e = tokenizer.encodePrompt(p);
    return e.length > 0 ? e : [tokenizer.bosTokenId ?? tokenizer.eosTokenId ?? 0];
  });
  const out = await generateTokens(model, ids, {
    ...options,
    eosTokenId: options.eosTokenId === undefined ? tokenizer.eosTokenId : options.eosTokenId,
    padTokenId: tokenizer.padTokenId,
  });
  return out.map((g) => ({ ...g, text: tokenizer.decode(g.tokens.filter((t) => t !== g.eos)) }));
}

/** Options of `generateTokens`: those of `generate` plus the pad id. */
export interface GenerateTokensOptions extends GenerateOptions {
  padTokenId?: number;
}

/** Token-level generation: continues each prompt of token ids. */
export async function generateTokens(
  model: Model,
  prompts: number[][],
  options: GenerateTokensOptions = {},
): Promise<(Generation & { eos: number | null })[]> {
  const c = model.config;
  const maxNew = options.maxNewTokens ?? 64;
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const rng = createRng(options.seed ?? 0);
  const eos = options.eosTokenId ?? null;
  const results: (Generation & { eos: number | null })[] = [];

  // a cache length shared by all chunks keeps one compiled decode step
  const longest = Math.max(...prompts.map((p) => p.length));
  const S = longest + maxNew;
  if (S > c.maxPositions) {
    throw new Error(
      `generate: prompt of ${longest} tokens + ${maxNew} new tokens exceeds the context length ${c.maxPositions}; shorten the prompt or lower maxNewTokens`,
    );
  }
  const step: DecodeStep = (p, tok, cache, writeAt, mask, pos) => {
    const { hidden, cache: next } = forwardHidden(
      c,
      p,
      tok,
      { positions: pos.positions, mask, cache, writeAt },
      pos.cos && pos.sin ? { cos: pos.cos, sin: pos.sin } : null,
    );
    const logits = lmHead(c, p, hidden.reshape([tok.shape[0], c.hidden]));
    return [logits, next!];
  };
  // jax-js tree types do not admit optional fields, hence the casts
  const decode = compileOnce(
    "decode",
    { ...c, hf: undefined },
    () => jit(step as never) as unknown as DecodeStep,
  );
  for (let start = 0; start < prompts.length; start += batchSize) {
    const chunk = prompts.slice(start, start + batchSize);
    results.push(...(await decodeChunk(model, chunk, S, maxNew, eos, options, rng, decode)));
  }
  return results;
}

type DecodeStep = (
  p: Params,
  tok: np.Array,
  cache: KvCache,
  writeAt: np.Array,
  mask: np.Array,
  pos: PosInputs,
) => [np.Array, KvCache];

type PosInputs = { positions?: np.Array; cos?: np.Array; sin?: np.Array };

function positionInputs(model: Model, pos: Int32Array, B: number, T: number): PosInputs {
  const c = model.config;
  if (c.arch === "gpt2") return { positions: np.array(pos, { dtype: np.int32 }).reshape([B, T]) };
  const dtype = Object.values(model.params)[0].dtype;
  return ropeTables(pos, B, T, c.headDim, c.ropeTheta, dtype);
}

async function decodeChunk(
  model: Model,
  prompts: number[][],
  S: number,
  maxNew: number,
  eos: number | null,
  options: GenerateTokensOptions,
  rng: () => number,
  decode: DecodeStep,
): Promise<(Generation & { eos: number | null })[]> {
  const c = model.config;
  const B = prompts.length;
  const Tp = Math.max(...prompts.map((p) => p.length));
  const pad = prompts.map((p) => Tp - p.length);
  const padId = options.padTokenId ?? 0;

  // prefill: left-padded prompts, pads attend only to themselves so no row is all-masked
  const tok = new Int32Array(B * Tp);
  const pos = new Int32Array(B * Tp);
  const mask = new Int32Array(B * Tp * Tp);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < Tp; t++) {
      tok[b * Tp + t] = t < pad[b] ? padId : prompts[b][t - pad[b]];
      pos[b * Tp + t] = Math.max(0, t - pad[b]);
      for (let s = 0; s <= t; s++) mask[(b * Tp + t) * Tp + s] = s >= pad[b] || s === t ? 1 : 0;
    }
  }
  const prefill = forwardHidden(
    c,
    model.params,
    np.array(tok, { dtype: np.int32 }).reshape([B, Tp]),
    {
      positions:
        c.arch === "gpt2" ? np.array(pos, { dtype: np.int32 }).reshape([B, Tp]) : undefined,
      mask: np.array(mask, { dtype: np.int32 }).astype(np.bool).reshape([B, 1, Tp, Tp]),
      collect: true,
    },
    c.arch === "gpt2"
      ? null
      : (positionInputs(model, pos, B, Tp) as { cos: np.Array; sin: np.Array }),
  );
  const last = prefill.hidden.slice([], Tp - 1).reshape([B, c.hidden]);
  let logits = lmHead(c, model.params, last);
  const dtype = logits.dtype;
  const zeros = () => np.zeros([B, S - Tp, c.kvHeads, c.headDim], { dtype });
  let cache: KvCache = {
    keys: prefill.cache!.keys.map((k) => np.concatenate([k, zeros()], 1)),
    values: prefill.cache!.values.map((v) => np.concatenate([v, zeros()], 1)),
  };

  const tokens: number[][] = prompts.map(() => []);
  const done = prompts.map(() => false);
  for (let step = 0; step < maxNew; step++) {
    // pick the next token of each row on the host
    const host = (await logits.data()) as Float32Array; // consumes logits
    const next = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const row = host.subarray(b * c.vocabSize, (b + 1) * c.vocabSize);
      next[b] = done[b] ? padId : pickToken(row, options.temperature ?? 0, options.topP ?? 1, rng);
      if (!done[b]) {
        tokens[b].push(next[b]);
        if (eos !== null && next[b] === eos) done[b] = true;
      }
    }
    if (done.every(Boolean) || step === maxNew - 1) break;

    // decode one token at cache slot t, attending to every real slot up to t
    const t = Tp + step;
    const writeAt = new Float32Array(S);
    writeAt[t] = 1;
    const keyMask = new Int32Array(B * S);
    const posNow = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      for (let s = pad[b]; s <= t; s++) keyMask[b * S + s] = 1;
      posNow[b] = t - pad[b];
    }
    [logits, cache] = decode(
      tree.ref(model.params),
      np.array(next, { dtype: np.int32 }).reshape([B, 1]),
      cache,
      np.array(writeAt).astype(dtype).reshape([1, S, 1, 1]),
      np.array(keyMask, { dtype: np.int32 }).astype(np.bool).reshape([B, 1, 1, S]),
      positionInputs(model, posNow, B, 1),
    );
  }
  tree.dispose(cache);
  return tokens.map((ts, b) => ({
    text: "",
    tokens: ts,
    finishReason: done[b] ? "eos" : "length",
    eos,
  }));
}

/** Greedy argmax when temperature is 0, else a top-p sample of softmax(logits / temperature). */
export function pickToken(
  logits: ArrayLike<number>,
  temperature: number,
  topP: number,
  rng: () => number,
): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature <= 0) return best;
  const probs = Array.from(logits, (l, i) => ({
    i,
    p: Math.exp((l - logits[best]) / temperature),
  }));
  const z = probs.reduce((a, b) => a + b.p, 0);
  probs.sort((a, b) => b.p - a.p);
  let mass = 0;
  let keep = 0;
  while (keep < probs.length && mass < topP * z) mass += probs[keep++].p;
  let u = rng() * mass;
  for (let k = 0; k < keep; k++) {
    u -= probs[k].p;
    if (u <= 0) return probs[k].i;
  }
  return probs[keep - 1].i;
}
