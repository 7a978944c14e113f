// The experiment commands: `redline experiment` (the bundled comparison of chain, A/B and
// rewrite pairs; `--full` for the complete one) and `redline run CONFIG` (the same pipeline on
// a user's own feedback file and model).
import type { Command } from "commander";
import { createLogger } from "../common/logger.js";
import {
  type ExperimentConfigInput,
  ExperimentConfigSchema,
  FULL_PRESET,
  SHORT_PRESET,
} from "../experiment/config.js";
import { rerenderReport, runBundledExperiment } from "../experiment/main.js";
import { readUserRunConfig, runUserPipeline } from "../experiment/user-run.js";
import { UsageError } from "./exit.js";

/** Options shared by `experiment` and `start`. */
interface ExperimentFlags {
  full?: boolean;
  name?: string;
  out?: string;
  model?: string;
  seeds?: string;
  png?: boolean;
  quiet?: boolean;
}

/** Registers `experiment` and `run`. */
export function registerExperimentCommands(program: Command): void {
  program
    .command("experiment")
    .summary("compare chain, A/B and rewrite pairs by DPO on the bundled task (reports/<name>/)")
    .description(
      "Compare DPO on chain-adjacent pairs, A/B pairs and full-rewrite pairs at equal annotation " +
        "effort on the bundled task, over several seeds; writes reports/<name>/",
    )
    .option("--full", "the complete experiment (5 seeds, 3 budgets, chain-all and chain-nll arms)")
    .option("--name <name>", "report folder name (default: short or full)")
    .option("--out <dir>", "folder that holds report folders", "reports")
    .option("--model <dir>", "base checkpoint", "models/base")
    .option("--seeds <list>", "comma-separated seeds, e.g. 1,2,3")
    .option("--no-png", "skip the PNG copies of the charts")
    .option("--quiet", "only warnings and the summary")
    .option(
      "--from-results <file>",
      "re-render the report of an earlier run from its results.json (no training)",
    )
    .action(async (flags: ExperimentFlags & { fromResults?: string }) => {
      if (flags.fromResults) {
        const logger = createLogger(flags.quiet ? "warn" : "info");
        const summary = await rerenderReport(flags.fromResults, {
          logger,
          png: flags.png !== false,
        });
        process.stdout.write(`${summary}\n`);
        return;
      }
      await runExperimentCommand(flags);
    });

  program
    .command("run")
    .argument("<config>", "JSON config: feedback file, model folder, reviser, trainer settings")
    .summary("feedback → chains → pairs → DPO → held-out evaluation on your own files")
    .description(
      "Run the pipeline on your own project: feedback → chains → pairs → DPO → held-out " +
        "evaluation, writing the tuned model and a report (see examples/run.config.json)",
    )
    .option("--quiet", "only warnings and the summary")
    .action(async (file: string, flags: { quiet?: boolean }) => {
      const logger = createLogger(flags.quiet ? "warn" : "info");
      const config = await readUserRunConfig(file);
      const summary = await runUserPipeline(config, { logger });
      process.stdout.write(`${summary}\n`);
    });
}

/** Parses the flags into a config, runs the experiment and prints the summary table. */
export async function runExperimentCommand(flags: ExperimentFlags): Promise<void> {
  const input: ExperimentConfigInput = { ...(flags.full ? FULL_PRESET : SHORT_PRESET) };
  if (flags.name) input.name = flags.name;
  if (flags.out) input.out = flags.out;
  if (flags.model) input.modelDir = flags.model;
  if (flags.seeds) {
    const seeds = flags.seeds.split(",").map((s) => Number(s.trim()));
    if (seeds.some((s) => !Number.isInteger(s))) {
      throw new UsageError(`--seeds: expected integers like 1,2,3, got "${flags.seeds}"`);
    }
    input.seeds = seeds;
  }
  const parsed = ExperimentConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new UsageError(`experiment: invalid settings:\n${lines.join("\n")}`);
  }
  const logger = createLogger(flags.quiet ? "warn" : "info");
  const { summary } = await runBundledExperiment(parsed.data, { logger, png: flags.png !== false });
  process.stdout.write(`${summary}\n`);
}
