// The list of subcommand groups; each pipeline stage adds one line here.
import type { Command } from "commander";

/** Registers every subcommand on `program`. */
export function registerCommands(program: Command): void {
  void program;
}
