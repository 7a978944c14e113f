// The run journal: an append-only JSONL file holding every finished span rewrite, keyed by record
// id, span index and a hash of the request, so an interrupted run (Ctrl-C, crash, kill -9)
// replays what it finished instead of asking the model again. A torn last line is dropped.
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import type { ReviseRequest, ReviseResult, Reviser } from "../chains/types.js";

/** One finished rewrite as stored in the journal. */
export interface JournalStep {
  type: "step";
  key: string;
  record_id: string;
  span_index: number;
  reviser: string;
  result: ReviseResult;
}

/** What the journal found when it was opened. */
export interface JournalStats {
  /** steps read back from an earlier run */
  restored: number;
  /** bytes of a torn last line that were cut off */
  truncatedBytes: number;
}

/**
 * An open journal. Only one process may hold it: a lock file next to it names the owner, and a
 * lock left by a dead process (kill -9) is taken over.
 */
export class Journal {
  private readonly steps = new Map<string, JournalStep>();
  private fd: number;
  private readonly lockPath: string;
  readonly stats: JournalStats;

  constructor(readonly path: string) {
    this.lockPath = `${path}.lock`;
    takeLock(this.lockPath);

    // read back what is there, cutting a torn final line
    let truncatedBytes = 0;
    const existed = existsSync(path) && readFileSync(path).length > 0;
    if (existed) {
      const buffer = readFileSync(path);
      const lastNewline = buffer.lastIndexOf(0x0a);
      const keep = lastNewline + 1;
      truncatedBytes = buffer.length - keep;
      const text = buffer.subarray(0, keep).toString("utf8");
      for (const [i, line] of text.split("\n").entries()) {
        if (!line.trim()) continue;
        let entry: JournalStep;
        try {
          entry = JSON.parse(line) as JournalStep;
        } catch {
          throw new Error(
            `Journal: ${path} line ${i + 1} is not JSON; the file is damaged — move it away to ` +
              "start the run afresh",
          );
        }
        if (entry.type === "step") this.steps.set(entry.key, entry);
      }
      this.fd = openSync(path, "r+");
      if (truncatedBytes > 0) ftruncateSync(this.fd, keep);
      closeSync(this.fd);
    }
    this.fd = openSync(path, "a");
    if (!existed) {
      this.write({ type: "journal", version: 1, created_at: new Date().toISOString() });
    }
    this.stats = { restored: this.steps.size, truncatedBytes };
  }

  /** The finished step stored under `key`, if any. */
  get(key: string): JournalStep | undefined {
    return this.steps.get(key);
  }

  /** Number of steps held. */
  get size(): number {
    return this.steps.size;
  }

  /**
   * Appends a finished step. The line is written with one write call before this returns, so a
   * killed process leaves it whole or torn, never half-counted.
   */
  append(step: Omit<JournalStep, "type">): void {
    if (this.steps.has(step.key)) return;
    const entry: JournalStep = { type: "step", ...step };
    this.write(entry);
    this.steps.set(step.key, entry);
  }

  /** Closes the file and releases the lock. */
  close(): void {
    closeSync(this.fd);
    try {
      unlinkSync(this.lockPath);
    } catch {
      // already gone
    }
  }

  private write(entry: unknown): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }
}

/**
 * The journal key of a rewrite: record id, span index, and a hash of everything that decides the
 * answer (the request's draft, span, liked spans and issues ahead, plus the reviser's identity).
 */
export function stepKey(request: ReviseRequest, reviserId: string): string {
  // a fixed field order, so the key is stable without sorting keys on every step
  const span = (s: ReviseRequest["liked"][number]) => [s.start, s.end, s.text, s.comment ?? null];
  const content = JSON.stringify([
    reviserId,
    request.prompt,
    request.draft,
    span(request.span),
    request.span.suggestion ?? null,
    request.liked.map(span),
    request.ahead.map(span),
  ]);
  const digest = createHash("sha256").update(content).digest("hex").slice(0, 32);
  return `${request.record_id}#${request.span_index}#${digest}`;
}

/** Counts of a journaled reviser's work. */
export interface JournalCounts {
  /** rewrites answered from the journal */
  replayed: number;
  /** rewrites asked of the inner reviser and journaled */
  fresh: number;
}

/**
 * Wraps `inner` so finished rewrites are read from and written to `journal`. `reviserId` must
 * change whenever the answers would (model, templates, settings); thrown errors are not
 * journaled, so a span whose request failed is asked again on resume.
 */
export function journaledReviser(
  inner: Reviser,
  journal: Journal,
  reviserId: string = inner.name,
): Reviser & { counts: JournalCounts } {
  const counts: JournalCounts = { replayed: 0, fresh: 0 };
  return {
    name: inner.name,
    counts,
    async revise(request: ReviseRequest): Promise<ReviseResult> {
      const key = stepKey(request, reviserId);
      const done = journal.get(key);
      if (done) {
        counts.replayed++;
        return done.result;
      }
      const result = await inner.revise(request);
      journal.append({
        key,
        record_id: request.record_id,
        span_index: request.span_index,
        reviser: inner.name,
        result,
      });
      counts.fresh++;
      return result;
    },
  };
}

function takeLock(lockPath: string): void {
  if (existsSync(lockPath)) {
    const owner = Number(readFileSync(lockPath, "utf8").trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `Journal: ${lockPath} says process ${owner} is using this journal; wait for it to ` +
          "finish, or pass another --journal",
      );
    }
  }
  writeFileSync(lockPath, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
