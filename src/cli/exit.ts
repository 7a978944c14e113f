// Exit codes of the `redline` command and the errors that map onto them.

/** 0: success; 1: the input data is invalid; 2: the command line is wrong. */
export const ExitCode = { ok: 0, invalidData: 1, usage: 2 } as const;

/** Thrown for a wrong command line (bad flag value, missing file); exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Thrown when input data is invalid and the command cannot go on; exits with code 1. */
export class DataError extends Error {
  override name = "DataError";
}
