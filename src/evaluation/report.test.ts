import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../common/logger.js";
import { findChromium } from "./png.js";
import { writeReport } from "./report.js";
import type { EvalMetrics, ExperimentResult, RunResult } from "./results.js";
import { differenceTable, mainTable, tableToMarkdown } from "./tables.js";

function metrics(errorRate: number, acc: number): EvalMetrics {
  const pm = { pairs: 10, accuracy: acc, margin: acc - 0.5, chosenReward: 0, rejectedReward: 0 };
  return {
    errorRate,
    factErrorRate: errorRate / 2,
    phrasingRate: errorRate / 2,
    cleanShare: 1 - errorRate,
    preference: { chain: pm, rewrite: pm, ab: pm },
  };
}

function run(arm: string, seed: number, errorRate: number): RunResult {
  return {
    arm,
    seed,
    annotated: 16,
    pairs: 20,
    steps: 10,
    seconds: 1,
    final: metrics(errorRate, 0.7),
    curve: [
      { step: 0, metrics: metrics(0.4, 0.5) },
      { step: 10, metrics: metrics(errorRate, 0.7) },
    ],
  };
}

const result: ExperimentResult = {
  name: "fixture",
  startedAt: "2026-01-01T00:00:00Z",
  seconds: 60,
  config: { arms: ["chain", "ab"], dpo: { beta: 0.1 }, noise: {}, heldOutPrompts: 8 },
  model: { dir: "models/base", params: 1000, description: "tiny" },
  base: [1, 2, 3].map((seed) => ({ seed, metrics: metrics(0.4, 0.5) })),
  runs: [
    run("chain", 1, 0.1),
    run("chain", 2, 0.2),
    run("chain", 3, 0.3),
    run("ab", 1, 0.3),
    run("ab", 2, 0.3),
    run("ab", 3, 0.3),
  ],
  notes: ["a note"],
};

describe("report tables", () => {
  it("shows the mean and t-interval of each arm and the base model", () => {
    const md = tableToMarkdown(mainTable(result));
    expect(md).toContain("| base (no tuning) | – | 0 | 0.400 ± 0.000 |");
    // chain: mean 0.2, sd 0.1, t(2) = 4.303 → half 0.248
    expect(md).toContain("| DPO on chain pairs | 20 ± 0 | 10 ± 0 | 0.200 ± 0.248 |");
  });

  it("pairs the differences by seed", () => {
    const [row] = differenceTable(result).rows;
    expect(row[0]).toBe("chain − ab");
    expect(row[1]).toBe("-0.100 ± 0.248");
    expect(row[2]).toBe("no");
  });
});

describe("writeReport", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("writes summary.md, index.html with inline SVG charts, results and config", async () => {
    const dir = await mkdtemp(join(tmpdir(), "redline-report-"));
    dirs.push(dir);
    await writeReport(result, { dir, logger: silentLogger, png: false });
    const summary = await readFile(join(dir, "summary.md"), "utf8");
    expect(summary).toContain("# Redline experiment: fixture");
    expect(summary).toContain("- a note");
    const html = await readFile(join(dir, "index.html"), "utf8");
    expect(html.match(/<svg /g)?.length).toBe(6);
    expect(html).not.toContain("NaN");
    const charts = await readdir(join(dir, "charts"));
    expect(charts.filter((c) => c.endsWith(".svg"))).toHaveLength(6);
    expect(JSON.parse(await readFile(join(dir, "results.json"), "utf8")).runs).toHaveLength(6);
  });

  it.runIf(findChromium())("rasterises every chart to PNG with the local Chromium", async () => {
    const dir = await mkdtemp(join(tmpdir(), "redline-report-"));
    dirs.push(dir);
    await writeReport(result, { dir, logger: silentLogger });
    const pngs = (await readdir(join(dir, "charts"))).filter((c) => c.endsWith(".png"));
    expect(pngs).toHaveLength(6);
    const head = (await readFile(join(dir, "charts", pngs[0]))).subarray(0, 4);
    expect([...head]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});

describe("meanCurve", () => {
  it("averages the steps every run logged and ends at the mean last step", async () => {
    const { meanCurve } = await import("./tables.js");
    const a = run("chain", 1, 0.1);
    const b = { ...run("chain", 2, 0.3), steps: 14 };
    b.curve = [b.curve[0], { step: 14, metrics: b.final }];
    const curve = meanCurve([a, b], (m) => m.errorRate);
    expect(curve.map((p) => p.step)).toEqual([0, 12]);
    expect(curve[1].interval.mean).toBeCloseTo(0.2, 12);
  });
});
