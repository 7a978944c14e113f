// Opens the annotation store: a SQLite file (the default, WAL mode, no setup) or a PostgreSQL
// server given as a postgres:// URL. Both are reached through the same Kysely query layer.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./database.js";
import { migrateToLatest } from "./migrations.js";

/** An open store: the query builder and which database is behind it. */
export interface Store {
  db: Kysely<Database>;
  kind: "sqlite" | "postgres";
  /** where the store lives, without a password */
  location: string;
  close(): Promise<void>;
}

/** Options of openStore. */
export interface OpenStoreOptions {
  /** a SQLite file path, or a postgres:// (postgresql://) URL */
  db: string;
  /** PostgreSQL schema to use (created if missing); tests give each their own */
  pgSchema?: string;
  /** run migrations on open; default true */
  migrate?: boolean;
  /** PostgreSQL pool size; default 10 */
  poolSize?: number;
  /**
   * SQLite only: move WAL checkpoints (which write back and fsync the database file) to a
   * worker thread, so no request waits for them; default false. The server turns it on.
   */
  backgroundCheckpoints?: boolean;
}

/** True when `db` names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** Opens (and by default migrates) the store named by `options.db`. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const store = isPostgresUrl(options.db)
    ? await openPostgres(options)
    : openSqlite(options.db, options.backgroundCheckpoints ?? false);
  if (options.migrate !== false) {
    try {
      const schema = store.kind === "postgres" ? options.pgSchema : undefined;
      await migrateToLatest(store.db as Kysely<unknown>, schema);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}

function openSqlite(file: string, backgroundCheckpoints: boolean): Store {
  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(file);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`openStore: cannot open SQLite file ${file}: ${reason}`);
  }

  // WAL lets readers go on while a save commits; NORMAL sync is durable across app crashes
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  const checkpointer =
    backgroundCheckpoints && file !== ":memory:" ? startCheckpointer(database, file) : undefined;
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  return {
    db,
    kind: "sqlite",
    location: file,
    async close() {
      await checkpointer?.terminate();
      await db.destroy();
    },
  };
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements can be reused, and preparing
 * is a large share of a small query's cost, so keep the most recent ones by SQL text.
 */
function withStatementCache(database: BetterSqlite3.Database, size = 256): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close() {
      cache.clear();
      database.close();
    },
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) {
        // refresh its place so the least recently used one goes first
        cache.delete(text);
      } else {
        statement = database.prepare(text);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

// the checkpoint loop, run in a worker thread with its own connection
const CHECKPOINT_WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 5000");
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) {
    parentPort.postMessage(String(err && err.message));
  }
}, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); process.exit(0); });
`;

/**
 * Turns off checkpoints on the serving connection and runs passive ones every 200 ms in a
 * worker; if the worker fails, the serving connection checkpoints again as SQLite would.
 */
function startCheckpointer(database: BetterSqlite3.Database, file: string) {
  const module = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(CHECKPOINT_WORKER, {
    eval: true,
    workerData: { module, file, everyMs: 200 },
  });
  worker.unref();
  database.pragma("wal_autocheckpoint = 0");
  const fallBack = () => {
    if (database.open) database.pragma("wal_autocheckpoint = 1000");
  };
  worker.on("error", fallBack);
  worker.on("message", fallBack);
  return {
    async terminate() {
      worker.off("error", fallBack);
      worker.postMessage("stop");
      await new Promise((resolve) => worker.once("exit", resolve));
    },
  };
}

async function openPostgres(options: OpenStoreOptions): Promise<Store> {
  const schema = options.pgSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`openStore: PostgreSQL schema "${schema}" must match [a-z_][a-z0-9_]*`);
  }
  const pool = new pg.Pool({
    connectionString: options.db,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    else await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`openStore: cannot reach PostgreSQL at ${redact(options.db)}: ${reason}`);
  }
  return {
    db,
    kind: "postgres",
    location: redact(options.db) + (schema ? ` (schema ${schema})` : ""),
    async close() {
      await db.destroy();
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
