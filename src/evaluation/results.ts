// The measured results of an experiment, as plain JSON-able data: per-run metrics, learning
// curves and the base model's scores. The report renders from this, and results.json keeps it.
import type { PreferenceMetrics } from "./preference.js";

/** Task metrics of sampled answers on held-out prompts, plus held-out preference metrics. */
export interface EvalMetrics {
  /** checker problems per expected unit (lower is better) */
  errorRate: number;
  /** wrong facts per stated fact */
  factErrorRate: number;
  /** poorly phrased sentences per expected unit */
  phrasingRate: number;
  /** share of answers with no problem at all */
  cleanShare: number;
  /** held-out preference metrics by pair kind (chain, rewrite, ab) */
  preference: Record<string, PreferenceMetrics>;
}

/** One learning-curve point: metrics after `step` optimizer steps. */
export interface CurvePoint {
  step: number;
  metrics: EvalMetrics;
}

/** One DPO run: an arm, a seed and an annotation budget. */
export interface RunResult {
  arm: string;
  seed: number;
  /** annotated answers (span arms) or A/B judgments (ab arm) the pairs came from */
  annotated: number;
  pairs: number;
  steps: number;
  seconds: number;
  final: EvalMetrics;
  curve: CurvePoint[];
}

/** Everything an experiment measured. */
export interface ExperimentResult {
  name: string;
  startedAt: string;
  seconds: number;
  /** the resolved configuration */
  config: Record<string, unknown>;
  model: { dir: string; params: number; description: string };
  /** the base model's metrics, one entry per seed (sampling differs by seed) */
  base: { seed: number; metrics: EvalMetrics }[];
  runs: RunResult[];
  /** facts about the data the reader should know (pair counts, annotation statistics) */
  notes: string[];
}
