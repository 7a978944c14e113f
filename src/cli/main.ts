// The `redline` command line. Run with `npx redline --help` or `npm run redline -- --help`.
// Each pipeline stage registers its own subcommands (see commands.ts); this file only wires
// them together and turns errors into exit codes without stack traces.
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands.js";
import { DataError, ExitCode, UsageError } from "./exit.js";

const program = new Command()
  .name("redline")
  .description(
    "Fine-tune language models from fine-grained human feedback on text spans.\n" +
      "Exit codes: 0 ok, 1 invalid data, 2 usage error.",
  )
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

// a reader that stops early (`redline chains … -o - | head`) is not an error
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeOf(err);
}

function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
    return err.exitCode === 0 ? 0 : ExitCode.usage;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`redline: ${err.message}\n`);
    return ExitCode.usage;
  }
  if (err instanceof DataError) {
    process.stderr.write(`redline: ${err.message}\n`);
    return ExitCode.invalidData;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`redline: ${message}\n`);
  if (process.env.REDLINE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return ExitCode.invalidData;
}
