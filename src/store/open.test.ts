// Opening stores: SQLite in WAL mode with checkpoints moved to a worker, and clear errors.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isPostgresUrl, openStore } from "./open.js";
import { createProject } from "./projects.js";

describe("openStore", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "redline-open-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the WAL back to the database file from a worker thread", async () => {
    const file = join(dir, "w.db");
    const store = await openStore({ db: file, backgroundCheckpoints: true });
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      expect(mode.rows[0].journal_mode).toBe("wal");
      const auto = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
        store.db,
      );
      expect(auto.rows[0].wal_autocheckpoint).toBe(0);

      // the serving connection never checkpoints now, so the file grows only by the worker
      const before = statSync(file).size;
      for (let i = 0; i < 300; i++) {
        await createProject(store, { name: `project ${i}`, description: "x".repeat(200) });
      }
      await expect.poll(() => statSync(file).size, { timeout: 10_000 }).toBeGreaterThan(before);
    } finally {
      await store.close();
    }
  });

  it("says which file it could not open", async () => {
    const missing = join(dir, "no", "such", "dir", "x.db");
    await expect(openStore({ db: missing })).rejects.toThrow(
      `openStore: cannot open SQLite file ${missing}`,
    );
  });

  it("tells PostgreSQL URLs from file paths", () => {
    expect(isPostgresUrl("postgres://u@h/db")).toBe(true);
    expect(isPostgresUrl("postgresql://u@h/db")).toBe(true);
    expect(isPostgresUrl("./postgres.db")).toBe(false);
  });
});
