// Fresh stores for tests: a new SQLite file, or a new schema on the PostgreSQL server named by
// REDLINE_TEST_PG. Under CI the PostgreSQL store must be there, so its suite fails when the
// variable is missing instead of being skipped.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { openStore, type Store } from "./open.js";

/** A store made for one test, and how to throw it away. */
export interface TestStore extends Store {
  /** closes the store and deletes its file or schema */
  dispose(): Promise<void>;
}

/** One kind of store a suite runs against. */
export interface TestStoreKind {
  name: "sqlite" | "postgres";
  /** why this kind is skipped here, or undefined when it runs */
  skip?: string;
  open(): Promise<TestStore>;
}

async function openSqliteTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), "redline-store-"));
  const store = await openStore({ db: join(dir, "redline.db") });
  return {
    ...store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgresTestStore(url: string | undefined): Promise<TestStore> {
  if (!url) {
    throw new Error(
      "openPostgresTestStore: REDLINE_TEST_PG is not set but CI is; the PostgreSQL suite must " +
        "run in CI. Start a server with `source .ci/postgres.sh && start_postgres`.",
    );
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const store = await openStore({ db: url, pgSchema: schema, poolSize: 4 });
  return {
    ...store,
    async dispose() {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
      await store.close();
    },
  };
}

/** The stores every store-backed suite runs against: SQLite always, PostgreSQL when it can. */
export function testStoreKinds(): TestStoreKind[] {
  const url = process.env.REDLINE_TEST_PG;
  const skip =
    url || process.env.CI
      ? undefined
      : "REDLINE_TEST_PG is not set; to test PostgreSQL, run " +
        "`source .ci/postgres.sh && start_postgres` first";
  return [
    { name: "sqlite", open: openSqliteTestStore },
    { name: "postgres", skip, open: () => openPostgresTestStore(url) },
  ];
}
