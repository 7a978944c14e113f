// Progress for long jobs: a redrawn bar on a terminal, plain periodic lines elsewhere (CI, logs).

/** Options of a progress display. */
export interface ProgressOptions {
  /** what is being counted, e.g. "records" */
  label: string;
  /** total units, when known */
  total?: number;
  /** stream to draw on; defaults to stderr */
  stream?: NodeJS.WriteStream;
  /** seconds between plain lines when not on a terminal */
  intervalSeconds?: number;
}

/** A progress display; call `tick` as work is done and `done` at the end. */
export interface Progress {
  tick(units?: number, note?: string): void;
  done(note?: string): void;
}

/** Creates a progress display that adapts to whether its stream is a terminal. */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  const interval = (options.intervalSeconds ?? 10) * 1000;
  const started = Date.now();
  let count = 0;
  let lastDraw = 0;

  const describe = (note?: string) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const total = options.total;
    let text = `${options.label} ${count}`;
    if (total !== undefined) {
      const pct = total > 0 ? (100 * count) / total : 100;
      const eta = rate > 0 ? (total - count) / rate : Number.NaN;
      text += `/${total} (${pct.toFixed(0)}%)`;
      if (Number.isFinite(eta)) text += ` eta ${formatSeconds(eta)}`;
    }
    text += ` | ${rate.toFixed(1)}/s | ${formatSeconds(elapsed)}`;
    return note ? `${text} | ${note}` : text;
  };

  const draw = (note?: string) => {
    if (tty) {
      const total = options.total;
      const width = 24;
      const filled = total ? Math.min(width, Math.round((width * count) / total)) : 0;
      const bar = total ? `[${"#".repeat(filled)}${".".repeat(width - filled)}] ` : "";
      stream.write(`\r\x1b[2K${bar}${describe(note)}`);
    } else {
      stream.write(`${describe(note)}\n`);
    }
  };

  return {
    tick(units = 1, note) {
      count += units;
      const now = Date.now();
      if (now - lastDraw >= (tty ? 100 : interval)) {
        lastDraw = now;
        draw(note);
      }
    },
    done(note) {
      draw(note);
      if (tty) stream.write("\n");
    },
  };
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${Math.round(s % 60)}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}
