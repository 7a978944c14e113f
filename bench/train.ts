// Training benchmark: `npm run bench:train` (add `-- --quick` for the small config only).
// Prints, measured in this run: (a) DPO training tokens/s and achieved GFLOP/s for
// d=128/2 layers/T=64 and d=256/4 layers/T=128, next to the engine's plain matmul rate, the
// PyTorch step time of the same model (bench/torch_dpo.py, when python3 has torch) and the
// full-step / bare forward+backward ratio; (b) chain-aware against naive batching on chains
// of 2–6 drafts: sequence forwards and wall time per step. Figures are printed as measured;
// step times are the best of --steps steps after the first (compile), since a shared machine
// adds noise that only ever makes a step slower.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { silentLogger } from "../src/common/logger.js";
import {
  blockUntilReady,
  engineThreads,
  initEngine,
  jit,
  np,
  tree,
  valueAndGrad,
} from "../src/engine/index.js";
import { createModel, type Model } from "../src/model/model.js";
import type { Params } from "../src/model/params.js";
import { tokenLogps } from "../src/model/transformer.js";
import { buildWordTokenizer, wordTokenizer } from "../src/model/word-tokenizer.js";
import type { PreferencePair } from "../src/pairs/types.js";
import { trainDpo } from "../src/training/dpo.js";

const { values: args } = parseArgs({
  options: { quick: { type: "boolean", default: false }, steps: { type: "string", default: "6" } },
});
const steps = Number(args.steps);
const vocab = 1024;
const words = Array.from({ length: vocab - 4 }, (_, i) => `w${i}`);
const tokenizer = wordTokenizer(buildWordTokenizer(words));

interface Shape {
  d: number;
  layers: number;
  T: number;
  B: number;
  heads: number;
}
const shapes: Shape[] = [
  { d: 128, layers: 2, T: 64, B: 16, heads: 4 },
  { d: 256, layers: 4, T: 128, B: 16, heads: 4 },
].slice(0, args.quick ? 1 : 2);

const best = (xs: number[]) => Math.min(...xs);
const fmt = (x: number, digits = 1) => x.toFixed(digits);

/** Matmul FLOPs of one forward+backward (3x forward) over B sequences of T tokens, as implemented. */
function trainingFlops(s: Shape): number {
  const { d, T, B, layers } = s;
  const perToken =
    2 * vocab * d + // one-hot embedding product
    layers * (2 * d * 3 * d + 2 * d * d + 2 * 2 * d * 4 * d + 2 * 2 * T * d) + // blocks
    2 * d * vocab; // output head
  return 3 * perToken * T * B;
}

function model(s: Shape, seed = 1): Model {
  return createModel(
    {
      arch: "gpt2",
      vocabSize: vocab,
      hidden: s.d,
      layers: s.layers,
      heads: s.heads,
      maxPositions: s.T + 1,
    },
    seed,
  );
}

async function matmulRate(): Promise<number> {
  const n = 512;
  const f = jit((a: np.Array, b: np.Array) => np.matmul(a, b));
  const a = np.ones([n, n]).mul(0.01);
  const b = np.ones([n, n]).mul(0.01);
  const times: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    await f(a.ref, b.ref).data();
    times.push(performance.now() - t0);
  }
  f.dispose();
  return (2 * n ** 3) / (best(times.slice(2)) * 1e6);
}

/** A bare jitted forward+backward of the same model over B sequences of T tokens; times one call. */
function bareStep(s: Shape): () => Promise<number> {
  const m = model(s);
  const step = jit(
    valueAndGrad((p: Params, x: np.Array, y: np.Array) => tokenLogps(m.config, p, x, y).sum()),
  );
  const toks = Int32Array.from({ length: s.B * s.T }, (_, i) => 4 + ((i * 7919) % (vocab - 4)));
  return async () => {
    const t0 = performance.now();
    const x = np.array(toks, { dtype: np.int32 }).reshape([s.B, s.T]);
    const [v, g] = step(tree.ref(m.params), x.ref, x);
    await v.data();
    await blockUntilReady(g);
    tree.dispose(g);
    return performance.now() - t0;
  };
}

function randomPairs(count: number, length: number, seed: number): PreferencePair[] {
  let state = seed;
  const word = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return words[state % words.length];
  };
  const text = (n: number) => Array.from({ length: n }, word).join(" ");
  return Array.from({ length: count }, (_, i) => {
    const prompt = text(8);
    // prompt (8) + completion + EOS = T + 1 tokens, so each sequence has exactly T inputs
    const chosen = text(length - 8);
    const rejected = text(length - 8);
    return {
      id: `p${i}`,
      prompt,
      chosen,
      rejected,
      strategy: "ab",
      source_id: `s${i}`,
      chosen_range: [0, chosen.length],
      rejected_range: [0, rejected.length],
    } satisfies PreferencePair;
  });
}

/**
 * Best training-step time of trainDpo; with `between`, that function runs after every step
 * (through the onEval hook), so both are measured under the same machine load.
 */
async function fullStepMs(
  s: Shape,
  pairs: PreferencePair[],
  batchSize: number,
  chainAware = true,
  between?: () => Promise<number>,
) {
  const other: number[] = [];
  const result = await trainDpo(
    {
      training: {
        batchSize,
        maxSteps: steps + 1,
        learningRate: 1e-5,
        chainAware,
        epochs: 100,
        evalEvery: between ? 1 : 0,
      },
    },
    {
      model: model(s),
      tokenizer,
      pairs,
      logger: silentLogger,
      onEval: between
        ? async () => {
            other.push(await between());
          }
        : undefined,
    },
  );
  const rest = result.history.slice(1);
  return {
    ms: best(rest.map((r) => r.step_ms)),
    sequences: rest[0].sequences,
    otherMs: other.length > 1 ? best(other.slice(1)) : Number.NaN,
  };
}

function torchTimes(): Record<string, number> | string {
  const threads = Number(process.env.BENCH_TORCH_THREADS ?? 1);
  const spec = JSON.stringify({ threads, steps, configs: shapes.map((s) => ({ ...s, vocab })) });
  for (const py of ["python3", "/usr/bin/python3"]) {
    try {
      const out = execFileSync(py, ["bench/torch_dpo.py", spec], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        env: {
          ...process.env,
          OMP_NUM_THREADS: String(threads),
          OPENBLAS_NUM_THREADS: String(threads),
        },
      });
      const parsed = JSON.parse(out) as { torch: string; results: (Shape & { ms: number })[] };
      return Object.fromEntries(parsed.results.map((r) => [`${r.d}/${r.layers}/${r.T}`, r.ms]));
    } catch {
      // try the next interpreter
    }
  }
  return (
    "torch not available: install it with `apt-get install -y python3-torch libopenblas0-pthread` " +
    "(the OpenBLAS package matters: without it torch uses a generic BLAS, ~15x slower)"
  );
}

await initEngine();
console.log(
  `engine: @jax-js/jax wasm, ${engineThreads()} threads; torch threads: ${process.env.BENCH_TORCH_THREADS ?? 1}; load average ${loadavg()[0].toFixed(1)}`,
);
const rate = await matmulRate();
console.log(`plain matmul 512x512x512: ${fmt(rate, 2)} GFLOP/s\n`);

// (a) throughput, utilisation, torch, and full step against bare forward+backward
const torch = torchTimes();
console.log("(a) DPO training step, GPT-2 style, vocab 1024, 16 sequences (8 pairs)");
console.log(
  "config         step ms  tok/s   GFLOP/s  util   bare f+b ms  full/bare  torch ms  ours/torch",
);
for (const s of shapes) {
  // training steps and bare forward+backward calls alternate
  const full = await fullStepMs(s, randomPairs(s.B / 2, s.T, s.d), s.B / 2, true, bareStep(s));
  const bare = full.otherMs;
  const gflops = trainingFlops(s) / (full.ms * 1e6);
  const key = `${s.d}/${s.layers}/${s.T}`;
  const t = typeof torch === "string" ? null : torch[key];
  console.log(
    [
      `d=${s.d} L=${s.layers} T=${s.T}`.padEnd(14),
      fmt(full.ms).padStart(8),
      fmt((s.B * s.T * 1000) / full.ms, 0).padStart(6),
      fmt(gflops, 2).padStart(8),
      `${fmt((100 * gflops) / rate, 0)}%`.padStart(5),
      fmt(bare).padStart(12),
      `${fmt(full.ms / bare, 2)}x`.padStart(10),
      (t ? fmt(t) : "-").padStart(9),
      (t ? `${fmt(full.ms / t, 2)}x` : "-").padStart(11),
    ].join(" "),
  );
}
if (typeof torch === "string") console.log(torch);
console.log("targets: ours/torch <= 2x; full/bare <= 1.3x\n");

// (b) chain-aware against naive batching
console.log("(b) chains of k drafts (k-1 edits), 4 chains per batch, d=128 L=2 T=64");
console.log("pairs      k  pairs  seqs aware  seqs naive  fewer   aware ms  naive ms  speedup");
const small = shapes[0];
for (const strategy of ["chain", "chain-all"] as const) {
  for (let k = 2; k <= 6; k++) {
    const pairs: PreferencePair[] = [];
    for (let c = 0; c < 4; c++) {
      const drafts = randomPairs(k, small.T, 100 * k + c).map((p) => p.chosen);
      const prompt = randomPairs(1, small.T, 7 * c + k)[0].prompt;
      // adjacent drafts only, or every earlier draft against every later one
      for (let j = 1; j < k; j++) {
        for (let i = strategy === "chain" ? j - 1 : 0; i < j; i++) {
          pairs.push({
            id: `c${c}:${i}-${j}`,
            prompt,
            chosen: drafts[j],
            rejected: drafts[i],
            strategy,
            source_id: `c${c}`,
            chosen_range: [0, drafts[j].length],
            rejected_range: [0, drafts[i].length],
          });
        }
      }
    }
    const aware = await fullStepMs(small, pairs, pairs.length, true);
    const naive = await fullStepMs(small, pairs, pairs.length, false);
    console.log(
      [
        strategy.padEnd(9),
        String(k).padStart(2),
        String(pairs.length).padStart(6),
        String(aware.sequences).padStart(11),
        String(naive.sequences).padStart(11),
        `${fmt(naive.sequences / aware.sequences, 2)}x`.padStart(6),
        fmt(aware.ms).padStart(10),
        fmt(naive.ms).padStart(9),
        `${fmt(naive.ms / aware.ms, 2)}x`.padStart(8),
      ].join(" "),
    );
  }
}
console.log(
  "target: >= 1.6x fewer sequence forwards on chains of 4+ steps (adjacent pairs give 2(k-1)/k)",
);
