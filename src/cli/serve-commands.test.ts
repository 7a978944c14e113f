// The annotation app's commands run in process: add the first admin, create a project,
// import items, export annotations, and refuse a weak password.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyPassword } from "../server/passwords.js";
import { findProjectByName, findUserWithHash, listAssignees, openStore } from "../store/index.js";
import { UsageError } from "./exit.js";
import { registerServeCommands } from "./serve-commands.js";

describe("redline user/project commands", () => {
  let dir: string;
  let db: string;

  async function redline(...args: string[]): Promise<void> {
    const program = new Command().exitOverride();
    registerServeCommands(program);
    await program.parseAsync(["node", "redline", ...args, "--db", db]);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "redline-cli-"));
    db = join(dir, "app.db");
  });

  afterEach(() => {
    delete process.env.REDLINE_PASSWORD;
    rmSync(dir, { recursive: true, force: true });
  });

  it("adds the first admin with a hashed password", async () => {
    process.env.REDLINE_PASSWORD = "first admin pass";
    await redline("user", "add", "root", "--admin");
    const store = await openStore({ db });
    const user = await findUserWithHash(store, "root");
    await store.close();
    expect(user?.role).toBe("admin");
    expect(await verifyPassword("first admin pass", user!.password_hash)).toBe(true);
  });

  it("refuses a short password and a taken name", async () => {
    process.env.REDLINE_PASSWORD = "short";
    await expect(redline("user", "add", "root")).rejects.toThrow(UsageError);
    process.env.REDLINE_PASSWORD = "long enough now";
    await redline("user", "add", "root");
    await expect(redline("user", "add", "root")).rejects.toThrow(/already exists/);
  });

  it("imports items and exports the same feedback records", async () => {
    const record = {
      id: "x1",
      prompt: "Q",
      response: "🙂 ok",
      spans: [{ start: 2, end: 4, label: "liked" }],
      annotator: "ann",
    };
    const input = join(dir, "in.jsonl");
    const output = join(dir, "out.jsonl");
    writeFileSync(input, `${JSON.stringify(record)}\n`);
    process.env.REDLINE_PASSWORD = "annotator pass";
    await redline("user", "add", "ann");
    await redline("project", "create", "demo");
    await redline("project", "import-items", "demo", input);
    await redline("project", "assign", "demo", "ann");
    await redline("project", "export-annotations", "demo", "-o", output);
    expect(readFileSync(output, "utf8")).toBe(readFileSync(input, "utf8"));

    const store = await openStore({ db });
    const project = await findProjectByName(store, "demo");
    const assignees = await listAssignees(store, project!.id);
    await store.close();
    expect(assignees.map((u) => u.username)).toEqual(["ann"]);
  });
});
