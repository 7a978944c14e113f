// The list of subcommand groups; each pipeline stage adds one line here.
import type { Command } from "commander";
import { registerDataCommands } from "./data-commands.js";
import { registerExperimentCommands } from "./experiment-commands.js";
import { registerLlmCommands } from "./llm-commands.js";
import { registerServeCommands } from "./serve-commands.js";
import { registerTrainCommands } from "./train-commands.js";

/** Registers every subcommand on `program`. */
export function registerCommands(program: Command): void {
  registerDataCommands(program);
  registerExperimentCommands(program);
  registerLlmCommands(program);
  registerServeCommands(program);
  registerTrainCommands(program);
}
