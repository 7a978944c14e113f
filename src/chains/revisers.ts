// The registry of revisers by name, so `redline chains --reviser NAME` and other callers can build
// one from plain options. Model-backed revisers register themselves here with registerReviser.
import { llmReviserEntries } from "../revisers/registry.js";
import { createSuggestionReviser } from "./suggestion-reviser.js";
import type { Reviser } from "./types.js";

/** Options handed to a reviser factory, as parsed from the command line or a config file. */
export type ReviserOptions = Record<string, unknown>;

/** Builds a reviser from options; may be async (to open a client, load templates). */
export type ReviserFactory = (options: ReviserOptions) => Reviser | Promise<Reviser>;

/** A registered reviser kind. */
export interface ReviserEntry {
  name: string;
  /** one line for `--help` */
  description: string;
  create: ReviserFactory;
}

const registry = new Map<string, ReviserEntry>();

/** Adds (or replaces) a reviser kind under `entry.name`. */
export function registerReviser(entry: ReviserEntry): void {
  registry.set(entry.name, entry);
}

/** The registered reviser kinds, in registration order. */
export function listRevisers(): ReviserEntry[] {
  return [...registry.values()];
}

/**
 * Builds the reviser called `name` from `options`. Throws when no such reviser is registered,
 * listing the ones that are.
 */
export async function createReviser(name: string, options: ReviserOptions = {}): Promise<Reviser> {
  const entry = registry.get(name);
  if (entry === undefined) {
    const known = [...registry.keys()].join(", ");
    throw new Error(`createReviser: unknown reviser "${name}"; choose one of: ${known}`);
  }
  return entry.create(options);
}

registerReviser({
  name: "suggestion",
  description: "apply the annotator's suggestion for each disliked span (no model needed)",
  create: () => createSuggestionReviser(),
});

for (const entry of llmReviserEntries) registerReviser(entry);
