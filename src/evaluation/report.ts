// Writes an experiment's report folder: summary.md (means and 95% intervals across seeds),
// index.html with the charts inline, charts/*.svg and *.png, results.json and config.json.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../common/logger.js";
import { type LineSeries, renderBarChart, renderLineChart } from "./charts.js";
import { renderPngs } from "./png.js";
import type { ExperimentResult } from "./results.js";
import { confidenceInterval } from "./stats.js";
import {
  armsOf,
  budgetTable,
  differenceTable,
  intervalOf,
  type MetricPick,
  mainBudget,
  mainTable,
  meanCurve,
  runsOf,
  type Table,
  tableToHtml,
  tableToMarkdown,
} from "./tables.js";

/** A chart of the report: its file stem, caption and SVG. */
export interface ReportChart {
  name: string;
  caption: string;
  svg: string;
}

/** Options of `writeReport`. */
export interface WriteReportOptions {
  /** the report folder, e.g. reports/short */
  dir: string;
  logger: Logger;
  /** rasterise charts to PNG with a local Chromium (default true) */
  png?: boolean;
}

/** Writes the whole report; returns the paths of summary.md and index.html. */
export async function writeReport(result: ExperimentResult, options: WriteReportOptions) {
  const { dir, logger } = options;
  await mkdir(join(dir, "charts"), { recursive: true });
  const charts = buildCharts(result);
  for (const c of charts) await writeFile(join(dir, "charts", `${c.name}.svg`), c.svg);
  const pngs =
    options.png === false
      ? []
      : await renderPngs(
          charts.map((c) => ({ svg: c.svg, file: join(dir, "charts", `${c.name}.png`) })),
          logger,
        );
  const summary = renderSummaryMarkdown(result);
  await writeFile(join(dir, "summary.md"), summary);
  await writeFile(join(dir, "index.html"), renderIndexHtml(result, charts, pngs.length > 0));
  await writeFile(join(dir, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(dir, "config.json"), `${JSON.stringify(result.config, null, 2)}\n`);
  return { summary: join(dir, "summary.md"), index: join(dir, "index.html") };
}

/** The report's charts: final metrics by arm, learning curves against steps and budgets. */
export function buildCharts(result: ExperimentResult): ReportChart[] {
  const budget = mainBudget(result);
  const arms = armsOf(result);
  const charts: ReportChart[] = [];
  const bar = (pick: MetricPick) => [
    (() => {
      const i = confidenceInterval(result.base.map((b) => pick(b.metrics)));
      return { series: "base", value: i.mean, low: i.low, high: i.high };
    })(),
    ...arms.map((arm) => {
      const i = intervalOf(runsOf(result, arm, budget), pick);
      return { series: arm, value: i.mean, low: i.low, high: i.high };
    }),
  ];

  charts.push({
    name: "error-rate",
    caption: `Held-out error rate of sampled answers after DPO (${budget} annotated answers per arm; 95% intervals over seeds).`,
    svg: renderBarChart({
      title: "Held-out error rate by arm (lower is better)",
      yLabel: "checker problems per unit",
      groups: [
        { category: "all problems", bars: bar((m) => m.errorRate) },
        { category: "wrong facts", bars: bar((m) => m.factErrorRate) },
        { category: "poor phrasing", bars: bar((m) => m.phrasingRate) },
      ],
    }),
  });

  const kinds = [...new Set(result.runs.flatMap((r) => Object.keys(r.final.preference)))];
  charts.push({
    name: "preference-accuracy",
    caption:
      "Held-out preference accuracy by pair kind, implicit reward β·log πθ/πref (0.5 = chance).",
    svg: renderBarChart({
      title: "Held-out preference accuracy (higher is better)",
      yLabel: "accuracy",
      yDomain: [0, 1],
      groups: kinds.map((k) => ({
        category: `${k} pairs`,
        bars: arms.map((arm) => {
          const i = intervalOf(
            runsOf(result, arm, budget),
            (m) => m.preference[k]?.accuracy ?? Number.NaN,
          );
          return { series: arm, value: i.mean, low: i.low, high: i.high };
        }),
      })),
    }),
  });
  charts.push({
    name: "reward-margin",
    caption: "Mean implicit reward margin r(chosen) − r(rejected) on held-out pairs.",
    svg: renderBarChart({
      title: "Held-out reward margin",
      yLabel: "margin",
      groups: kinds.map((k) => ({
        category: `${k} pairs`,
        bars: arms.map((arm) => {
          const i = intervalOf(
            runsOf(result, arm, budget),
            (m) => m.preference[k]?.margin ?? Number.NaN,
          );
          return { series: arm, value: i.mean, low: i.low, high: i.high };
        }),
      })),
    }),
  });

  const curve = (pick: MetricPick): LineSeries[] =>
    arms.map((arm) => ({
      name: arm,
      points: meanCurve(runsOf(result, arm, budget), pick).map(({ step, interval }) => ({
        x: step,
        y: interval.mean,
        low: interval.low,
        high: interval.high,
      })),
    }));
  charts.push({
    name: "curve-error-rate",
    caption: "Held-out error rate against DPO steps (mean and 95% band over seeds).",
    svg: renderLineChart({
      title: "Error rate against training steps",
      xLabel: "optimizer step",
      yLabel: "error rate",
      series: curve((m) => m.errorRate),
    }),
  });
  charts.push({
    name: "curve-chain-accuracy",
    caption: "Held-out accuracy on chain pairs against DPO steps.",
    svg: renderLineChart({
      title: "Chain-pair accuracy against training steps",
      xLabel: "optimizer step",
      yLabel: "accuracy",
      series: curve((m) => m.preference.chain?.accuracy ?? Number.NaN),
    }),
  });

  const budgets = [...new Set(result.runs.map((r) => r.annotated))].sort((a, b) => a - b);
  const baseErr = baseMean(result, (m) => m.errorRate);
  charts.push({
    name: "curve-annotated",
    caption: "Held-out error rate against annotated answers (0 = base model).",
    svg: renderLineChart({
      title: "Error rate against annotation effort",
      xLabel: "annotated answers",
      yLabel: "error rate",
      series: arms.map((arm) => ({
        name: arm,
        points: [
          { x: 0, y: baseErr },
          ...budgets.map((b) => {
            const i = intervalOf(runsOf(result, arm, b), (m) => m.errorRate);
            return { x: b, y: i.mean, low: i.low, high: i.high };
          }),
        ],
      })),
    }),
  });
  return charts;
}

function baseMean(result: ExperimentResult, pick: MetricPick): number {
  const v = result.base.map((b) => pick(b.metrics));
  return v.reduce((a, b) => a + b, 0) / v.length;
}

/** The Markdown summary: setup, the main table, paired differences, budgets and notes. */
export function renderSummaryMarkdown(result: ExperimentResult): string {
  const budget = mainBudget(result);
  const seeds = [...new Set(result.runs.map((r) => r.seed))];
  const lines = [
    `# Redline experiment: ${result.name}`,
    "",
    ...setupLines(result),
    "",
    `## Results at ${budget} annotated answers per arm`,
    "",
    `Mean ± 95% t-interval over ${seeds.length} seeds (${seeds.join(", ")}).`,
    "",
    tableToMarkdown(mainTable(result)),
    "",
    "## Paired differences by seed",
    "",
    "Chain arm minus each other arm; an interval that excludes 0 is resolved at this many seeds.",
    "",
    tableToMarkdown(differenceTable(result)),
    "",
  ];
  if (new Set(result.runs.map((r) => r.annotated)).size > 1) {
    lines.push(
      "## Error rate against annotation effort",
      "",
      tableToMarkdown(budgetTable(result)),
      "",
    );
  }
  lines.push(
    "## Learning curves (error rate by step)",
    "",
    tableToMarkdown(curveTable(result)),
    "",
  );
  lines.push("## Notes", "", ...result.notes.map((n) => `- ${n}`), "");
  return lines.join("\n");
}

function setupLines(result: ExperimentResult): string[] {
  const c = result.config as Record<string, unknown>;
  return [
    `Run ${result.startedAt}, ${(result.seconds / 60).toFixed(1)} minutes.`,
    `Base model: ${result.model.description} (${result.model.params.toLocaleString("en-US")} parameters, \`${result.model.dir}\`).`,
    `Arms: ${(c.arms as string[]).join(", ")}; each trained by DPO with the same settings ` +
      `(${JSON.stringify(c.dpo)}).`,
    `Annotator: simulated, noise ${JSON.stringify(c.noise)}.`,
    `Evaluation: ${c.heldOutPrompts} held-out prompts × ${c.samplesPerPrompt} sampled answers ` +
      `(temperature ${c.temperature}) scored by the task checker; held-out pairs from ` +
      `${c.heldOutAnswers} noise-free annotated base answers.`,
  ];
}

/** Mean error rate at each logged step, one column per arm. */
export function curveTable(result: ExperimentResult): Table {
  const budget = mainBudget(result);
  const arms = armsOf(result);
  const curves = arms.map((arm) => meanCurve(runsOf(result, arm, budget), (m) => m.errorRate));
  const steps = [...new Set(curves.flatMap((c) => c.map((p) => p.step)))].sort((a, b) => a - b);
  return {
    headers: ["step", ...arms],
    rows: steps.map((s) => [
      curves.some((c) => c.some((p) => p.step === s && p.end))
        ? `${Number.isInteger(s) ? s : s.toFixed(1)} (mean last step)`
        : String(s),
      ...curves.map((c) => {
        const p = c.find((x) => x.step === s);
        return p ? p.interval.mean.toFixed(3) : "";
      }),
    ]),
  };
}

/** The HTML report: the same tables as summary.md and every chart inline. */
export function renderIndexHtml(
  result: ExperimentResult,
  charts: ReportChart[],
  png: boolean,
): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const figures = charts.map(
    (c) =>
      `<figure>\n${c.svg}\n<figcaption>${esc(c.caption)} <a href="charts/${c.name}.svg">SVG</a>` +
      `${png ? ` · <a href="charts/${c.name}.png">PNG</a>` : ""}</figcaption>\n</figure>`,
  );
  const budgets = new Set(result.runs.map((r) => r.annotated)).size > 1;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Redline experiment: ${esc(result.name)}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { display: inline-block; margin: 0.5em; vertical-align: top; }
figcaption { font-size: 12px; max-width: 560px; color: #555; }
</style>
</head>
<body>
<h1>Redline experiment: ${esc(result.name)}</h1>
${setupLines(result)
  .map((l) => `<p>${esc(l).replace(/`([^`]*)`/g, "<code>$1</code>")}</p>`)
  .join("\n")}
<h2>Results at ${mainBudget(result)} annotated answers per arm</h2>
<p>Mean ± 95% t-interval over seeds.</p>
${tableToHtml(mainTable(result))}
<h2>Paired differences by seed</h2>
${tableToHtml(differenceTable(result))}
${budgets ? `<h2>Error rate against annotation effort</h2>\n${tableToHtml(budgetTable(result))}` : ""}
<h2>Charts</h2>
${figures.join("\n")}
<h2>Notes</h2>
<ul>${result.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>
</body>
</html>
`;
}
