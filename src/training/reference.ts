// Reference-model log-probs: computed once per (reference model, pair, mask), cached in memory
// for the process and on disk across runs, so repeated runs and arms skip the reference pass.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { np, tree } from "../engine/index.js";
import type { Model } from "../model/model.js";
import type { Params } from "../model/params.js";
import { buildPairBatch, type TokenizedPair } from "./batching.js";
import { compilePairLogps, uploadBatch } from "./step.js";

/** Per-pair chosen and rejected sequence log-probs. */
export interface PairLogpValues {
  chosen: Float64Array;
  rejected: Float64Array;
}

const memory = new Map<string, Map<string, [number, number]>>();

/** Forgets the in-memory reference log-probs (the disk cache stays). */
export function clearReferenceMemory(): void {
  memory.clear();
}

/** A content hash of a model's parameters, dtype and config, naming its cache entries. */
export async function modelFingerprint(model: Model): Promise<string> {
  const h = createHash("sha256");
  // the dtype too: float32 and float64 passes over the same weights give different log-probs
  const dtype = Object.values(model.params)[0]?.dtype;
  h.update(JSON.stringify({ ...model.config, hf: undefined, dtype }));
  for (const name of Object.keys(model.params).sort()) {
    const data = (await model.params[name].ref.astype(np.float32).data()) as Float32Array;
    h.update(name);
    h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return h.digest("hex").slice(0, 24);
}

function pairKey(p: TokenizedPair): string {
  return createHash("sha1")
    .update(JSON.stringify([p.prompt, p.chosen, p.rejected, p.chosenStart, p.rejectedStart]))
    .digest("hex");
}

/**
 * Summed log-probs of each pair's chosen and rejected tokens under `model`, computed in
 * batches of distinct sequences. Params are borrowed.
 */
export async function computePairLogps(
  model: Model,
  pairs: TokenizedPair[],
  options: { batchSize: number; padId: number; chainAware?: boolean },
): Promise<PairLogpValues> {
  const chosen = new Float64Array(pairs.length);
  const rejected = new Float64Array(pairs.length);
  const step = compilePairLogps(model.config);
  const dtype = Object.values(model.params)[0].dtype;
  for (let start = 0; start < pairs.length; start += options.batchSize) {
    const slice = pairs.slice(start, start + options.batchSize);
    const b = buildPairBatch(slice, {
      chainAware: options.chainAware ?? true,
      padId: options.padId,
      maxT: model.config.maxPositions,
    });
    const zeros = new Float64Array(b.P);
    const batch = uploadBatch(b, zeros, zeros, 0, dtype);
    const [c, r] = step(tree.ref(model.params) as Params, batch);
    const cv = await c.data();
    const rv = await r.data();
    for (let i = 0; i < slice.length; i++) {
      chosen[start + i] = cv[i];
      rejected[start + i] = rv[i];
    }
  }
  return { chosen, rejected };
}

/** Options of `referenceLogps`. */
export interface ReferenceLogpsOptions {
  batchSize: number;
  padId: number;
  /** directory for the on-disk cache; none keeps it in memory only */
  cacheDir?: string;
}

/** Reference log-probs of `pairs`, from the caches where present, computing the rest. */
export async function referenceLogps(
  reference: Model,
  pairs: TokenizedPair[],
  options: ReferenceLogpsOptions,
): Promise<PairLogpValues & { computed: number }> {
  const fingerprint = await modelFingerprint(reference);
  let known = memory.get(fingerprint);
  if (!known) {
    known = new Map();
    memory.set(fingerprint, known);
  }
  const file = options.cacheDir ? join(options.cacheDir, `ref-${fingerprint}.json`) : null;
  if (file && existsSync(file)) {
    const stored = JSON.parse(await readFile(file, "utf8")) as Record<string, [number, number]>;
    for (const [k, v] of Object.entries(stored)) known.set(k, v);
  }
  const keys = pairs.map(pairKey);
  const missing = pairs.filter((_, i) => !known.has(keys[i]));
  if (missing.length > 0) {
    const values = await computePairLogps(reference, missing, options);
    missing.forEach((p, i) => {
      known.set(pairKey(p), [values.chosen[i], values.rejected[i]]);
    });
    if (file && options.cacheDir) {
      await mkdir(options.cacheDir, { recursive: true });
      await writeFile(file, JSON.stringify(Object.fromEntries(known)));
    }
  }
  const chosen = Float64Array.from(keys, (k) => known.get(k)![0]);
  const rejected = Float64Array.from(keys, (k) => known.get(k)![1]);
  return { chosen, rejected, computed: missing.length };
}
