// A level-gated logger that library code takes as a parameter instead of printing on its own.

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Where library code sends its messages. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** A logger writing to stderr, dropping messages below `level`. */
export function createLogger(level: LogLevel = "info"): Logger {
  const at = rank[level];
  const write = (l: LogLevel, m: string) => {
    if (rank[l] >= at) process.stderr.write(`${m}\n`);
  };
  return {
    debug: (m) => write("debug", m),
    info: (m) => write("info", m),
    warn: (m) => write("warn", `warning: ${m}`),
    error: (m) => write("error", `error: ${m}`),
  };
}

/** A logger that drops everything; the default for library calls made by tests. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
