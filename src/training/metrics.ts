// Training metrics named as the common preference trainers name them (rewards/chosen,
// rewards/margins, logps/chosen, ...), averaged per log step, with an eval_ prefix for the
// held-out split, written as JSONL and as one line per step.

import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** A flat record of named numbers. */
export type Metrics = Record<string, number>;

/**
 * Implicit-reward metrics of preference pairs: reward r = β (log πθ − log πref) of each side
 * (Rafailov et al. 2023, sec. 5), their margin and how often chosen beats rejected.
 */
export function preferenceMetrics(
  policyChosen: ArrayLike<number>,
  policyRejected: ArrayLike<number>,
  refChosen: ArrayLike<number>,
  refRejected: ArrayLike<number>,
  beta: number,
): Metrics {
  const n = policyChosen.length;
  let rc = 0;
  let rr = 0;
  let acc = 0;
  let lc = 0;
  let lr = 0;
  for (let i = 0; i < n; i++) {
    const c = beta * (policyChosen[i] - refChosen[i]);
    const r = beta * (policyRejected[i] - refRejected[i]);
    rc += c;
    rr += r;
    acc += c > r ? 1 : 0;
    lc += policyChosen[i];
    lr += policyRejected[i];
  }
  const k = Math.max(1, n);
  return {
    "rewards/chosen": rc / k,
    "rewards/rejected": rr / k,
    "rewards/margins": (rc - rr) / k,
    "rewards/accuracies": acc / k,
    "logps/chosen": lc / k,
    "logps/rejected": lr / k,
  };
}

/** Averages several metric records key by key, weighting each by `weights`. */
export function averageMetrics(records: Metrics[], weights?: number[]): Metrics {
  const sum: Metrics = {};
  const total: Metrics = {};
  records.forEach((r, i) => {
    const w = weights?.[i] ?? 1;
    for (const [k, v] of Object.entries(r)) {
      sum[k] = (sum[k] ?? 0) + w * v;
      total[k] = (total[k] ?? 0) + w;
    }
  });
  return Object.fromEntries(Object.keys(sum).map((k) => [k, sum[k] / total[k]]));
}

/** Prefixes every key with `eval_`. */
export function evalPrefixed(m: Metrics): Metrics {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [`eval_${k}`, v]));
}

/** The one log line of a step: `step 12/100 | loss 0.6931 | margin 0.420 | ...`. */
export function formatStepLine(step: number, total: number, m: Metrics): string {
  const parts = [`step ${step}/${total}`];
  const add = (label: string, key: string, digits: number, exp = false) => {
    const v = m[key];
    if (v !== undefined) parts.push(`${label} ${exp ? v.toExponential(1) : v.toFixed(digits)}`);
  };
  add("loss", "loss", 4);
  add("margin", "rewards/margins", 3);
  add("acc", "rewards/accuracies", 2);
  add("eval_loss", "eval_loss", 4);
  add("eval_acc", "eval_rewards/accuracies", 2);
  add("gnorm", "grad_norm", 3);
  add("lr", "lr", 1, true);
  if (m.step_ms !== undefined) parts.push(`${Math.round(m.step_ms)} ms`);
  if (m["tokens/s"] !== undefined) parts.push(`${Math.round(m["tokens/s"])} tok/s`);
  return parts.join(" | ");
}

/** Appends metric records to a JSONL file. */
export class MetricsWriter {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  /** Creates the file, keeping only records up to `keepUpToStep` when resuming. */
  async open(keepUpToStep?: number): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    if (keepUpToStep === undefined || !existsSync(this.file)) {
      await writeFile(this.file, "");
      return;
    }
    const kept = (await readFile(this.file, "utf8"))
      .split("\n")
      .filter((l) => l.trim() && (JSON.parse(l) as { step: number }).step <= keepUpToStep);
    await writeFile(this.file, kept.map((l) => `${l}\n`).join(""));
  }

  /** Writes one record. */
  async write(record: Record<string, unknown>): Promise<void> {
    await appendFile(this.file, `${JSON.stringify(record)}\n`);
  }
}
