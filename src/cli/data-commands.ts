// The data-path subcommands: validate, schema, import, chains, pairs and export (and start).
// Each parses its options, calls the library, and prints a short summary on stderr.
import { existsSync, statSync } from "node:fs";
import { type Command, Option } from "commander";
import { createReviser, listRevisers, type Reviser, writeChains } from "../chains/index.js";
import { createLogger, type Logger } from "../common/logger.js";
import { type ExportFormat, exportFormats, writeExport } from "../export/index.js";
import { type ImportSource, importFile } from "../feedback/import/index.js";
import { InvalidLineError, readLines } from "../feedback/jsonl.js";
import { formatProblem } from "../feedback/problems.js";
import { feedbackJsonSchema } from "../feedback/schema.js";
import { InvalidFeedbackError, validateFeedbackLines } from "../feedback/validate.js";
import { type PairStrategy, pairStrategies, writePairs } from "../pairs/index.js";
import { DataError, UsageError } from "./exit.js";
import { isLlmReviser, runLlmChains } from "./llm-commands.js";
import { plural, registerStartCommand } from "./start.js";

/** Registers the data-path subcommands on `program`. */
export function registerDataCommands(program: Command): void {
  registerValidate(program);
  registerSchema(program);
  registerImport(program);
  registerChainsCommand(program);
  registerPairs(program);
  registerExport(program);
  registerStartCommand(program);
}

/** Fails with a usage error (exit 2) unless `path` is a readable file. */
export function requireFile(path: string, what: string): void {
  if (!existsSync(path)) throw new UsageError(`${what} ${path} does not exist`);
  if (!statSync(path).isFile()) throw new UsageError(`${what} ${path} is not a file`);
}

/** Runs a data step, turning strict-mode stops into data errors (exit 1). */
export async function asDataStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof InvalidFeedbackError || err instanceof InvalidLineError) {
      throw new DataError(err.message);
    }
    throw err;
  }
}

function splitList(value: unknown): string[] {
  return String(value)
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
}

function loggerFor(options: { quiet?: boolean }): Logger {
  return createLogger(options.quiet ? "error" : "info");
}

function registerValidate(program: Command): void {
  program
    .command("validate")
    .summary("check a feedback JSONL file and list every problem")
    .description(
      "check a feedback JSONL file and list every problem with its line and path;\n" +
        "exits 1 when any record has an error, 0 when all are usable (warnings allowed)",
    )
    .argument("<file>", "feedback JSONL file")
    .option("--json", "print problems as JSON lines instead of text")
    .action(async (file: string, options: { json?: boolean }) => {
      requireFile(file, "feedback file");
      let records = 0;
      let bad = 0;
      let errors = 0;
      let warnings = 0;
      for await (const result of validateFeedbackLines(readLines(file))) {
        records++;
        if (result.record === undefined) bad++;
        for (const p of result.problems) {
          if (p.severity === "error") errors++;
          else warnings++;
          process.stdout.write(`${options.json ? JSON.stringify(p) : formatProblem(p, file)}\n`);
        }
      }
      process.stderr.write(
        `${file}: ${plural(records, "record")}, ${records - bad} usable, ${bad} with errors ` +
          `(${plural(errors, "error")}, ${plural(warnings, "warning")})\n`,
      );
      if (bad > 0) process.exitCode = 1;
    });
}

function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema (draft 2020-12) of one feedback record")
    .action(() => {
      process.stdout.write(`${JSON.stringify(feedbackJsonSchema(), null, 2)}\n`);
    });
}

function registerImport(program: Command): void {
  program
    .command("import")
    .summary("convert a Label Studio or Argilla export into feedback JSONL")
    .description(
      "convert an annotation tool's export into feedback JSONL\n" +
        "  labelstudio: JSON export of text tasks with Labels regions and per-region TextAreas\n" +
        "  argilla: records exported with a span question (nested or flattened, JSON or JSONL)",
    )
    .argument("<input>", "the tool's export file")
    .addOption(
      new Option("--from <tool>", "the tool that wrote the export")
        .choices(["labelstudio", "argilla"])
        .makeOptionMandatory(),
    )
    .requiredOption("-o, --output <file>", "feedback JSONL to write (- for stdout)")
    .option("--prompt-field <name>", "field holding the prompt", "prompt")
    .option("--response-field <name>", "field holding the response", "response")
    .option("--liked-label <labels>", "comma-separated labels meaning liked", "liked")
    .option(
      "--disliked-label <labels>",
      "comma-separated labels meaning disliked (Label Studio default: disliked; " +
        "Argilla default: any label not liked)",
    )
    .option("--span-question <name>", "argilla: name of the span question")
    .option("--comment-question <name>", "argilla: text question used as the comment")
    .option(
      "--offsets <unit>",
      "argilla: offset unit of the export, codepoints or utf16",
      "codepoints",
    )
    .option("--quiet", "print only errors")
    .action(async (input: string, options: Record<string, unknown>) => {
      requireFile(input, "export file");
      const from = options.from as ImportSource;
      const summary = await importFile({
        input,
        output: String(options.output),
        from,
        adapter: {
          promptField: options.promptField as string,
          responseField: options.responseField as string,
          liked: splitList(options.likedLabel),
          disliked:
            options.dislikedLabel === undefined
              ? from === "labelstudio"
                ? ["disliked"]
                : []
              : splitList(options.dislikedLabel),
          spanQuestion: options.spanQuestion as string | undefined,
          commentQuestion: options.commentQuestion as string | undefined,
          offsets: options.offsets === "utf16" ? "utf16" : "codepoints",
        },
      });
      const logger = loggerFor(options);
      for (const p of summary.problems) {
        const where = p.line > 0 ? String(options.output) : input;
        if (p.severity === "error") logger.error(formatProblem(p, where));
        else logger.warn(formatProblem(p, where));
      }
      logger.info(
        `imported ${summary.records} records from ${input} into ${String(options.output)}` +
          (summary.invalid > 0 ? `; ${summary.invalid} break a rule (see above)` : ""),
      );
    });
}

/** Options of `redline chains`; revisers read the ones they need from here. */
export interface ChainsCommandOptions {
  output: string;
  reviser: string;
  concurrency: string;
  strict?: boolean;
  quiet?: boolean;
  [option: string]: unknown;
}

/**
 * Builds the reviser `redline chains` asked for. Every command-line option is handed to the
 * reviser's factory, so a reviser adds its own flags to the command and reads them here.
 */
export async function reviserFromOptions(options: ChainsCommandOptions): Promise<Reviser> {
  try {
    return await createReviser(options.reviser, options);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Registers `redline chains`; returns the command so more reviser options can be added. */
export function registerChainsCommand(program: Command): Command {
  const names = listRevisers().map((r) => `  ${r.name}: ${r.description}`);
  return program
    .command("chains")
    .summary("rewrite disliked spans left to right into improvement chains")
    .description(
      "rewrite the disliked spans of each record left to right into an improvement chain\n" +
        `revisers:\n${names.join("\n")}`,
    )
    .argument("<input>", "feedback JSONL file")
    .requiredOption("-o, --output <file>", "chains JSONL to write (- for stdout)")
    .option("--reviser <name>", "which reviser writes the replacements", "suggestion")
    .option("--concurrency <n>", "records revised at the same time", "1")
    .option("--strict", "stop at the first invalid record instead of skipping it")
    .option("--quiet", "print only errors")
    .action(async (input: string, options: ChainsCommandOptions, command: Command) => {
      requireFile(input, "feedback file");
      const concurrency = Number(options.concurrency);
      if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
        throw new UsageError(
          `--concurrency must be a whole number >= 1, got ${options.concurrency}`,
        );
      }
      // model-backed revisers run with their own journal, cache and progress (llm-commands.ts)
      if (isLlmReviser(options.reviser)) {
        return asDataStep(() => runLlmChains(input, options, command));
      }
      const reviser = await reviserFromOptions(options);
      const logger = loggerFor(options);
      const s = await asDataStep(() =>
        writeChains({
          input,
          output: options.output,
          reviser,
          strict: options.strict,
          concurrency,
          logger,
          progress: !options.quiet && options.output !== "-",
        }),
      );
      logger.info(
        `${s.chains} chains (${s.complete} complete, ${s.stopped} stopped), ${s.edits} edits, ` +
          `${s.rejected} rewrites refused; ${s.input.skipped} invalid records skipped`,
      );
    });
}

function registerPairs(program: Command): void {
  const strategies = Object.entries(pairStrategies).map(([k, v]) => `  ${k}: ${v}`);
  program
    .command("pairs")
    .summary("make preference pairs from chains, or A/B pairs from feedback")
    .description(
      `make preference pairs from chains (or, for ab, from feedback records)\nstrategies:\n${strategies.join("\n")}`,
    )
    .argument("<input>", "chains JSONL (feedback JSONL for --strategy ab)")
    .requiredOption("-o, --output <file>", "pairs JSONL to write (- for stdout)")
    .addOption(
      new Option("--strategy <name>", "how to pair drafts")
        .choices(Object.keys(pairStrategies))
        .default("chain"),
    )
    .option("--judgments <file>", "ab: JSONL of {chosen_id, rejected_id} judgments")
    .option(
      "--score-field <name>",
      "ab without judgments: numeric metadata field, higher is better",
      "score",
    )
    .option("--strict", "stop at the first invalid line instead of skipping it")
    .option("--quiet", "print only errors")
    .action(async (input: string, options: Record<string, unknown>) => {
      requireFile(input, "input file");
      const judgments = options.judgments as string | undefined;
      if (judgments !== undefined && options.strategy !== "ab") {
        throw new UsageError(
          `--judgments needs --strategy ab (got --strategy ${String(options.strategy)}); ` +
            "judgments pair whole responses of a feedback file",
        );
      }
      if (judgments !== undefined) requireFile(judgments, "judgments file");
      const logger = loggerFor(options);
      const s = await asDataStep(() =>
        writePairs({
          input,
          output: String(options.output),
          strategy: options.strategy as PairStrategy,
          judgments,
          scoreField: options.scoreField as string,
          strict: options.strict === true,
          logger,
        }),
      );
      if (s.input.valid === 0 && s.input.skipped > 0) {
        logger.warn(
          options.strategy === "ab"
            ? `no line of ${input} is a usable feedback record; --strategy ab reads feedback records ` +
                "(the input of `redline chains`), not chains"
            : `no line of ${input} is a chain; pairs reads the output of \`redline chains\` ` +
                "(or feedback records with --strategy ab)",
        );
      }
      logger.info(
        `${s.pairs} pairs written; dropped ${s.noop} no-op and ${s.duplicates} duplicate pairs` +
          (s.unmatched > 0 ? `; ${s.unmatched} judgments unmatched` : "") +
          `; ${s.input.skipped} invalid input lines skipped`,
      );
    });
}

function registerExport(program: Command): void {
  const formats = Object.entries(exportFormats).map(([k, v]) => `  ${k}: ${v}`);
  program
    .command("export")
    .summary("write pairs for TRL, OpenAI preference fine-tuning, JSONL or Parquet")
    .description(`write preference pairs in a trainer's format\nformats:\n${formats.join("\n")}`)
    .argument("<pairs>", "pairs JSONL file")
    .requiredOption("-o, --output <file>", "file to write (- for stdout, JSONL formats only)")
    .addOption(
      new Option("--format <name>", "output format")
        .choices(Object.keys(exportFormats))
        .default("trl"),
    )
    .option("--strict", "stop at the first invalid pair instead of skipping it")
    .option("--quiet", "print only errors")
    .action(async (input: string, options: Record<string, unknown>) => {
      requireFile(input, "pairs file");
      if (options.format === "parquet" && options.output === "-") {
        throw new UsageError("--format parquet needs a file name for -o, not stdout");
      }
      const logger = loggerFor(options);
      const s = await asDataStep(() =>
        writeExport({
          input,
          output: String(options.output),
          format: options.format as ExportFormat,
          strict: options.strict === true,
          logger,
        }),
      );
      logger.info(
        `${s.rows} rows written as ${String(options.format)} to ${String(options.output)}; ` +
          `${s.input.skipped} invalid pairs skipped`,
      );
    });
}
