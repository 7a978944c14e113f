// `redline start` (what `npm start` runs): the whole data path on the bundled examples —
// validate, chains, pairs, export — with a summary table, then the short bundled experiment
// (DPO on chain, A/B and rewrite pairs, and chain pairs with an NLL term, over three seeds)
// with its results table. Run: `npm start`.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { createSuggestionReviser, writeChains } from "../chains/index.js";
import { createLogger, type Logger } from "../common/logger.js";
import { writeExport } from "../export/index.js";
import { readLines } from "../feedback/jsonl.js";
import { validateFeedbackLines } from "../feedback/validate.js";
import { writePairs } from "../pairs/index.js";
import { runExperimentCommand } from "./experiment-commands.js";

/** Options of {@link runDataPath}. */
export interface DataPathOptions {
  /** feedback JSONL with the records to turn into pairs */
  feedback: string;
  /** more files to validate only (the deliberately broken examples) */
  alsoValidate?: string[];
  /** A/B judgments for the `ab` strategy (omit to pair by metadata.score) */
  judgments?: string;
  /** folder for every output file */
  outDir: string;
  logger: Logger;
}

/** One row of the summary table. */
export interface StageRow {
  stage: string;
  input: string;
  in: number;
  out: number;
  dropped: number;
  note: string;
  ms: number;
}

/** Runs validate → chains → pairs → export and returns one row per stage. */
export async function runDataPath(options: DataPathOptions): Promise<StageRow[]> {
  const { feedback, outDir, logger } = options;
  mkdirSync(outDir, { recursive: true });
  const rows: StageRow[] = [];
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const value = await f();
    return [value, Math.round(performance.now() - t0)];
  };

  // validate
  for (const file of [feedback, ...(options.alsoValidate ?? [])]) {
    const [counts, ms] = await timed(async () => {
      const c = { records: 0, usable: 0, errors: 0, warnings: 0 };
      for await (const r of validateFeedbackLines(readLines(file))) {
        c.records++;
        if (r.record) c.usable++;
        for (const p of r.problems) c[p.severity === "error" ? "errors" : "warnings"]++;
      }
      return c;
    });
    rows.push({
      stage: "validate",
      input: file,
      in: counts.records,
      out: counts.usable,
      dropped: counts.records - counts.usable,
      note: `${plural(counts.errors, "error")}, ${plural(counts.warnings, "warning")}`,
      ms,
    });
  }

  // chains
  const chainsFile = join(outDir, "chains.jsonl");
  const [chains, chainsMs] = await timed(() =>
    writeChains({
      input: feedback,
      output: chainsFile,
      reviser: createSuggestionReviser(),
      logger,
    }),
  );
  rows.push({
    stage: "chains",
    input: feedback,
    in: chains.input.lines,
    out: chains.chains,
    dropped: chains.input.skipped,
    note: `${chains.edits} edits, ${chains.stopped} stopped early`,
    ms: chainsMs,
  });

  // pairs, two ways
  const pairFiles: string[] = [];
  for (const strategy of ["chain", "ab"] as const) {
    const output = join(outDir, `pairs-${strategy}.jsonl`);
    const input = strategy === "ab" ? feedback : chainsFile;
    const [s, ms] = await timed(() =>
      writePairs({
        input,
        output,
        strategy,
        judgments: strategy === "ab" ? options.judgments : undefined,
        logger,
      }),
    );
    pairFiles.push(output);
    rows.push({
      stage: `pairs ${strategy}`,
      input,
      in: s.input.valid,
      out: s.pairs,
      dropped: s.noop + s.duplicates + s.unmatched,
      note:
        `${s.noop} no-op, ${s.duplicates} duplicate` +
        (strategy === "ab" ? `, ${s.unscored} records without a score` : ""),
      ms,
    });
  }

  // export the chain pairs for TRL, as JSONL and Parquet
  for (const format of ["trl", "parquet"] as const) {
    const output = join(outDir, format === "trl" ? "trl.jsonl" : "pairs.parquet");
    const [s, ms] = await timed(() => writeExport({ input: pairFiles[0], output, format, logger }));
    rows.push({
      stage: `export ${format}`,
      input: pairFiles[0],
      in: s.input.valid,
      out: s.rows,
      dropped: s.input.skipped,
      note: output,
      ms,
    });
  }
  return rows;
}

/** `1 error`, `2 errors`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Renders rows as an aligned text table. */
export function formatTable(rows: StageRow[]): string {
  const header = ["stage", "input", "in", "out", "dropped", "ms", "note"];
  const cells = rows.map((r) =>
    [r.stage, r.input, r.in, r.out, r.dropped, r.ms, r.note].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const numeric = new Set([2, 3, 4, 5]);
  const line = (c: string[]) =>
    c
      .map((v, i) => (numeric.has(i) ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** Registers `redline start`. */
export function registerStartCommand(program: Command): void {
  program
    .command("start")
    .summary("run the data path on the bundled examples, then the short bundled experiment")
    .description(
      "run the data path on the bundled examples (validate, chains, pairs, export) and print a " +
        "summary; then run the short experiment (chain vs A/B vs rewrite pairs by DPO, 3 seeds) " +
        "and print its summary table (report in reports/short/)",
    )
    .option("--examples <dir>", "folder with feedback.jsonl and broken.jsonl", "examples")
    .option("--out <dir>", "folder for the outputs", "runs/start")
    .option("--data-only", "run only the data path, not the experiment")
    .option("--seeds <list>", "seeds of the experiment, e.g. 1,2,3")
    .option("--no-png", "skip the PNG copies of the experiment's charts")
    .action(
      async (options: {
        examples: string;
        out: string;
        dataOnly?: boolean;
        seeds?: string;
        png?: boolean;
      }) => {
        const logger = createLogger("warn");
        const rows = await runDataPath({
          feedback: join(options.examples, "feedback.jsonl"),
          alsoValidate: [join(options.examples, "broken.jsonl")],
          outDir: options.out,
          logger,
        });
        process.stdout.write(`${formatTable(rows)}\n`);
        process.stdout.write(`\noutputs in ${options.out}/; see docs/format.md for every format\n`);
        if (options.dataOnly) return;

        // the short experiment: feedback → chains → pairs → DPO → evaluation on the bundled task
        process.stdout.write("\nRunning the short experiment (a few minutes on two cores)...\n");
        await runExperimentCommand({ seeds: options.seeds, png: options.png });
      },
    );
}
