// Runs the bundled experiment end to end: load the base checkpoint and its task, run every
// seed and arm, write the report folder, and return the summary table for the terminal.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UsageError } from "../cli/exit.js";
import type { Logger } from "../common/logger.js";
import { writeReport } from "../evaluation/report.js";
import type { ExperimentResult } from "../evaluation/results.js";
import { compactTable, tableToMarkdown } from "../evaluation/tables.js";
import { createTrainerBackend } from "./backend.js";
import type { ExperimentConfig } from "./config.js";
import { runExperiment } from "./run.js";
import { readTaskSpec } from "./task.js";

/** Options of `runBundledExperiment`. */
export interface BundledExperimentOptions {
  logger: Logger;
  /** rasterise charts to PNG (default true) */
  png?: boolean;
}

/** What the experiment produced: the results, the report folder and the terminal summary. */
export interface BundledExperimentOutput {
  result: ExperimentResult;
  dir: string;
  summary: string;
}

/** Runs the experiment described by `config` and writes `<out>/<name>/`. */
export async function runBundledExperiment(
  config: ExperimentConfig,
  options: BundledExperimentOptions,
): Promise<BundledExperimentOutput> {
  const { logger } = options;
  const task = await readTaskSpec(config.modelDir);
  const dir = join(config.out, config.name);
  logger.info(
    `experiment ${config.name}: arms ${config.arms.join(", ")} × seeds ${config.seeds.join(", ")}` +
      ` × budgets ${config.annotated.join(", ")}; report in ${dir}/`,
  );
  const backend = await createTrainerBackend(config.modelDir, { logger, config });
  try {
    // the resolved config goes first, so an interrupted run still says what it was
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "config.json"), `${JSON.stringify({ ...config, task }, null, 2)}\n`);
    const result = await runExperiment({
      config,
      task,
      backend,
      logger: clearingBarLine(logger),
      // the simulated annotations, in the feedback format, for inspection or `redline run`
      onAnnotated: async (seed, records) => {
        const lines = records.map((r) => JSON.stringify(r)).join("\n");
        await writeFile(join(dir, `feedback-seed${seed}.jsonl`), `${lines}\n`);
      },
    });
    const paths = await writeReport(result, { dir, logger, png: options.png });
    const summary = [
      "",
      `Results (${config.seeds.length} seeds, mean ± 95% interval; lower error rate is better):`,
      "",
      tableToMarkdown(compactTable(result)),
      "",
      `Report: ${paths.index}`,
      `Summary: ${paths.summary}`,
      `Took ${(result.seconds / 60).toFixed(1)} minutes.`,
    ].join("\n");
    return { result, dir, summary };
  } finally {
    backend.dispose?.();
  }
}

/** Writes the report of `results.json` again (e.g. after a change to the charts). */
export async function rerenderReport(
  file: string,
  options: BundledExperimentOptions,
): Promise<string> {
  if (!existsSync(file)) {
    throw new UsageError(`--from-results: ${file} not found; pass the results.json of a report`);
  }
  const result = JSON.parse(await readFile(file, "utf8")) as ExperimentResult;
  const paths = await writeReport(result, {
    dir: dirname(file),
    logger: options.logger,
    png: options.png,
  });
  return [tableToMarkdown(compactTable(result)), "", `Report: ${paths.index}`].join("\n");
}

/** On a terminal, clears the progress bar's line before each message so lines do not mix. */
function clearingBarLine(logger: Logger): Logger {
  if (!process.stderr.isTTY || process.env.CI) return logger;
  const clear = (m: string) => `\r\x1b[2K${m}`;
  return {
    debug: (m) => logger.debug(clear(m)),
    info: (m) => logger.info(clear(m)),
    // warnings keep their "warning:" prefix at the line start, so they are not cleared
    warn: (m) => logger.warn(m),
    error: (m) => logger.error(m),
  };
}
