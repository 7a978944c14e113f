// Public API of evaluation: statistics across seeds, implicit-reward preference metrics,
// result types, SVG charts and the report writer.
export {
  type BarChartOptions,
  type LineChartOptions,
  renderBarChart,
  renderLineChart,
} from "./charts.js";
export { findChromium, renderPngs } from "./png.js";
export {
  implicitReward,
  type PairLogps,
  type PreferenceMetrics,
  preferenceMetrics,
} from "./preference.js";
export { buildCharts, renderSummaryMarkdown, writeReport } from "./report.js";
export type { CurvePoint, EvalMetrics, ExperimentResult, RunResult } from "./results.js";
export {
  confidenceInterval,
  formatInterval,
  type Interval,
  mean,
  sampleSd,
  tQuantile975,
} from "./stats.js";
export { compactTable, mainTable, type Table, tableToHtml, tableToMarkdown } from "./tables.js";
