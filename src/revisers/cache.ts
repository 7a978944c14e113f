// The response cache: answers of a model server stored on disk in SQLite, keyed by the request
// (server, model and body), so a repeated run asks the server nothing it already answered.
import Database from "better-sqlite3";
import type { Completer, Completion, CompletionRequest } from "./completion.js";
import { completionKey } from "./completion.js";

/** A persistent map from request key to completion. */
export class ResponseCache {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string], { value: string }>;
  private readonly putStmt: Database.Statement<[string, string]>;

  /** Opens (or creates) the cache file at `path`. */
  constructor(readonly path: string) {
    try {
      this.db = new Database(path);
    } catch (err) {
      throw new Error(
        `ResponseCache: cannot open ${path}: ${(err as Error).message}; pass a writable --cache path`,
      );
    }
    // WAL keeps committed answers safe if the process is killed mid-run
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL, " +
        "created_at TEXT NOT NULL DEFAULT (datetime('now')))",
    );
    this.getStmt = this.db.prepare("SELECT value FROM responses WHERE key = ?");
    this.putStmt = this.db.prepare("INSERT OR REPLACE INTO responses (key, value) VALUES (?, ?)");
  }

  /** The stored completion for `key`, if any. */
  get(key: string): Completion | undefined {
    const row = this.getStmt.get(key);
    return row ? (JSON.parse(row.value) as Completion) : undefined;
  }

  /** Stores a completion under `key`. */
  put(key: string, completion: Completion): void {
    const { cached: _cached, ...stored } = completion;
    this.putStmt.run(key, JSON.stringify(stored));
  }

  /** Number of stored answers. */
  size(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM responses").get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

/** Wraps a completer so answers come from `cache` when present and are stored when not. */
export function cachedCompleter(inner: Completer, cache: ResponseCache): Completer {
  return {
    kind: inner.kind,
    server: inner.server,
    model: inner.model,
    async complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
      const key = completionKey(inner, request);
      const hit = cache.get(key);
      if (hit) return { ...hit, cached: true };
      const completion = await inner.complete(request, signal);
      cache.put(key, completion);
      return completion;
    },
  };
}
