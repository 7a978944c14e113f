// Summary statistics across seeds: mean, sample standard deviation and the two-sided 95%
// Student-t confidence interval mean ± t(0.975, n−1) · s / √n.

/** A mean with its 95% interval; `half` is the half-width (NaN with fewer than 2 values). */
export interface Interval {
  n: number;
  mean: number;
  sd: number;
  half: number;
  low: number;
  high: number;
}

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n − 1 in the denominator); NaN below 2 values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return Math.sqrt(s / (values.length - 1));
}

// t(0.975, df) for df = 1..30
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: a table up to 30, then the
 * Cornish–Fisher expansion around z = 1.959964 (error below 1e-3).
 */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`tQuantile975: df must be at least 1, got ${df}`);
  const d = Math.floor(df);
  if (d <= 30) return T975[d - 1];
  const z = 1.959964;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  return z + g1 / d + g2 / d ** 2 + g3 / d ** 3;
}

/** Mean and 95% t-interval of `values` (non-finite values are dropped first). */
export function confidenceInterval(values: readonly number[]): Interval {
  const v = values.filter((x) => Number.isFinite(x));
  const m = mean(v);
  const sd = sampleSd(v);
  const half = v.length >= 2 ? (tQuantile975(v.length - 1) * sd) / Math.sqrt(v.length) : Number.NaN;
  return { n: v.length, mean: m, sd, half, low: m - half, high: m + half };
}

/** Formats an interval as "0.123 ± 0.045" (or just the mean when there is no interval). */
export function formatInterval(i: Interval, digits = 3): string {
  if (!Number.isFinite(i.mean)) return "n/a";
  const m = i.mean.toFixed(digits);
  return Number.isFinite(i.half) ? `${m} ± ${i.half.toFixed(digits)}` : m;
}
