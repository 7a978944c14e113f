// Result tables of a report: built once as rows of cells, rendered to Markdown and to HTML.
import type { EvalMetrics, ExperimentResult, RunResult } from "./results.js";
import { confidenceInterval, formatInterval, type Interval } from "./stats.js";

/** A table: a header row and body rows of already formatted cells. */
export interface Table {
  headers: string[];
  rows: string[][];
}

/** Renders a table as GitHub Markdown. */
export function tableToMarkdown(t: Table): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(t.headers), line(t.headers.map(() => "---")), ...t.rows.map(line)].join("\n");
}

/** Renders a table as HTML. */
export function tableToHtml(t: Table): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const head = `<tr>${t.headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`);
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body.join("\n")}\n</tbody>\n</table>`;
}

/** A scalar read from the metrics of a run. */
export type MetricPick = (m: EvalMetrics) => number;

/** The metrics shown in the main table, in order. */
export const MAIN_METRICS: { label: string; pick: MetricPick; digits: number }[] = [
  { label: "error rate ↓", pick: (m) => m.errorRate, digits: 3 },
  { label: "wrong facts ↓", pick: (m) => m.factErrorRate, digits: 3 },
  { label: "poor phrasing ↓", pick: (m) => m.phrasingRate, digits: 3 },
  { label: "clean answers ↑", pick: (m) => m.cleanShare, digits: 3 },
  {
    label: "acc chain pairs ↑",
    pick: (m) => m.preference.chain?.accuracy ?? Number.NaN,
    digits: 3,
  },
  {
    label: "acc rewrite pairs ↑",
    pick: (m) => m.preference.rewrite?.accuracy ?? Number.NaN,
    digits: 3,
  },
  { label: "acc A/B pairs ↑", pick: (m) => m.preference.ab?.accuracy ?? Number.NaN, digits: 3 },
  { label: "margin chain pairs", pick: (m) => m.preference.chain?.margin ?? Number.NaN, digits: 3 },
  {
    label: "margin rewrite pairs",
    pick: (m) => m.preference.rewrite?.margin ?? Number.NaN,
    digits: 3,
  },
  { label: "margin A/B pairs", pick: (m) => m.preference.ab?.margin ?? Number.NaN, digits: 3 },
];

/** The arms of a result in first-seen order. */
export function armsOf(result: ExperimentResult): string[] {
  return [...new Set(result.runs.map((r) => r.arm))];
}

/** The largest annotation budget of a result (the main comparison). */
export function mainBudget(result: ExperimentResult): number {
  return Math.max(...result.runs.map((r) => r.annotated));
}

/** Runs of one arm at one budget. */
export function runsOf(result: ExperimentResult, arm: string, annotated: number): RunResult[] {
  return result.runs.filter((r) => r.arm === arm && r.annotated === annotated);
}

/** Mean and 95% interval of a metric over runs. */
export function intervalOf(runs: RunResult[], pick: MetricPick): Interval {
  return confidenceInterval(runs.map((r) => pick(r.final)));
}

/** The main table: one row per arm (and the base model) at the largest budget. */
export function mainTable(result: ExperimentResult): Table {
  const budget = mainBudget(result);
  const headers = ["model", "pairs", "steps", ...MAIN_METRICS.map((m) => m.label)];
  const baseRow = [
    "base (no tuning)",
    "–",
    "0",
    ...MAIN_METRICS.map((m) =>
      formatInterval(confidenceInterval(result.base.map((b) => m.pick(b.metrics))), m.digits),
    ),
  ];
  const rows = armsOf(result).map((arm) => {
    const runs = runsOf(result, arm, budget);
    return [
      `DPO on ${arm} pairs`,
      formatInterval(confidenceInterval(runs.map((r) => r.pairs)), 0),
      formatInterval(confidenceInterval(runs.map((r) => r.steps)), 0),
      ...MAIN_METRICS.map((m) => formatInterval(intervalOf(runs, m.pick), m.digits)),
    ];
  });
  return { headers, rows: [baseRow, ...rows] };
}

/**
 * Paired differences by seed: metric(reference arm) − metric(other arm), with a 95% interval.
 * An interval that excludes 0 is a difference this many seeds can resolve.
 */
export function differenceTable(result: ExperimentResult, reference = "chain"): Table {
  const budget = mainBudget(result);
  const ref = runsOf(result, reference, budget);
  const headers = [
    "comparison",
    "Δ error rate",
    "error rate resolved?",
    "Δ wrong facts",
    "Δ acc chain pairs",
    "Δ acc A/B pairs",
  ];
  const picks: MetricPick[] = [
    (m) => m.errorRate,
    (m) => m.factErrorRate,
    (m) => m.preference.chain?.accuracy ?? Number.NaN,
    (m) => m.preference.ab?.accuracy ?? Number.NaN,
  ];
  const rows: string[][] = [];
  for (const arm of armsOf(result)) {
    if (arm === reference) continue;
    const other = runsOf(result, arm, budget);
    const intervals = picks.map((pick) =>
      confidenceInterval(
        ref.flatMap((r) => {
          const o = other.find((x) => x.seed === r.seed);
          return o ? [pick(r.final) - pick(o.final)] : [];
        }),
      ),
    );
    const [err, ...rest] = intervals.map((i) => formatInterval(i, 3));
    rows.push([`${reference} − ${arm}`, err, verdict(intervals[0], reference, arm), ...rest]);
  }
  return { headers, rows };
}

/** Whether a paired interval of error-rate differences excludes 0, and which way. */
function verdict(i: Interval, reference: string, other: string): string {
  if (!Number.isFinite(i.half)) return "n/a (one seed)";
  if (i.high < 0) return `yes: ${reference} lower`;
  if (i.low > 0) return `yes: ${other} lower`;
  return "no";
}

/** Error rate against annotation budget: one row per arm, one column per budget. */
export function budgetTable(result: ExperimentResult): Table {
  const budgets = [...new Set(result.runs.map((r) => r.annotated))].sort((a, b) => a - b);
  const base = formatInterval(confidenceInterval(result.base.map((b) => b.metrics.errorRate)));
  return {
    headers: ["arm", "0 (base)", ...budgets.map((b) => `${b} annotated`)],
    rows: armsOf(result).map((arm) => [
      arm,
      base,
      ...budgets.map((b) => formatInterval(intervalOf(runsOf(result, arm, b), (m) => m.errorRate))),
    ]),
  };
}

/**
 * Mean learning curve of one metric for one arm at one budget: the mean at every step that all
 * runs logged, then (when runs ended at different steps) the final point at the mean last step.
 */
export function meanCurve(
  runs: RunResult[],
  pick: MetricPick,
): { step: number; interval: Interval; end?: boolean }[] {
  if (runs.length === 0) return [];
  const at = (r: RunResult, step: number) => r.curve.find((p) => p.step === step);
  const steps = [...new Set(runs.flatMap((r) => r.curve.map((p) => p.step)))]
    .filter((s) => runs.every((r) => at(r, s) !== undefined))
    .sort((a, b) => a - b);
  const out: { step: number; interval: Interval; end?: boolean }[] = steps.map((step) => ({
    step,
    interval: confidenceInterval(runs.map((r) => pick(at(r, step)!.metrics))),
  }));
  const lastSteps = runs.map((r) => r.curve.at(-1)!.step);
  if (lastSteps.some((s) => s !== out.at(-1)?.step)) {
    const mean = lastSteps.reduce((a, b) => a + b, 0) / lastSteps.length;
    out.push({
      step: mean,
      interval: confidenceInterval(runs.map((r) => pick(r.final))),
      end: true,
    });
  }
  return out;
}

/** The main table cut to the columns that fit a terminal. */
export function compactTable(result: ExperimentResult): Table {
  const full = mainTable(result);
  const keep = ["model", "pairs", "steps", "error rate ↓", "acc chain pairs ↑", "acc A/B pairs ↑"];
  const idx = keep.map((k) => full.headers.indexOf(k));
  return { headers: keep, rows: full.rows.map((r) => idx.map((i) => r[i])) };
}
