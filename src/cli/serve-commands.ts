// The annotation app's commands: `redline serve`, `redline user add|list|passwd` and
// `redline project create|list|assign|import-items|import-chains|export-annotations`.
// Every command takes --db (a SQLite file, default redline.db or $REDLINE_DB, or a
// postgres:// URL).

import { readFile, writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { createLogger } from "../common/logger.js";
import { ensureWebBuilt } from "../server/build-web.js";
import { DEFAULT_WEB_ROOT, hashPassword, passwordProblem, startServer } from "../server/index.js";
import {
  assignUser,
  createProject,
  createUser,
  exportRecords,
  findProjectByName,
  findUserWithHash,
  formatLineProblems,
  importChains,
  importRecords,
  listProjects,
  listUsers,
  openStore,
  parseChainLines,
  parseItemLines,
  type Store,
  setPasswordHash,
  usernameProblem,
} from "../store/index.js";
import { DataError, UsageError } from "./exit.js";

const DB_HELP = "SQLite file or postgres:// URL (default: $REDLINE_DB or redline.db)";

function dbOf(opts: { db?: string }): string {
  return opts.db ?? process.env.REDLINE_DB ?? "redline.db";
}

async function withStore<T>(opts: { db?: string }, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ db: dbOf(opts) });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

async function projectNamed(store: Store, name: string) {
  const project = await findProjectByName(store, name);
  if (!project) {
    throw new UsageError(`no project "${name}"; create it with \`redline project create ${name}\``);
  }
  return project;
}

/** Reads a password from $REDLINE_PASSWORD, piped stdin, or a prompt on the terminal. */
async function readPassword(): Promise<string> {
  if (process.env.REDLINE_PASSWORD) return process.env.REDLINE_PASSWORD;
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString("utf8")
      .replace(/\r?\n$/, "");
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const muted = rl as unknown as { _writeToOutput(s: string): void };
  process.stderr.write("password: ");
  muted._writeToOutput = () => {};
  const answer = await new Promise<string>((resolve) => rl.question("", resolve));
  rl.close();
  process.stderr.write("\n");
  return answer;
}

/** Registers the annotation app's commands on `program`. */
export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("run the annotation app (web page and API)")
    .option("--db <db>", DB_HELP)
    .option("-p, --port <port>", "port to listen on", "8080")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--web <dir>", "folder of the built web page", DEFAULT_WEB_ROOT)
    .option("--secure-cookies", "mark cookies Secure (behind an https proxy)")
    .action(async (opts) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port must be a port number, got ${opts.port}`);
      }
      const logger = createLogger("info");
      await ensureWebBuilt(opts.web, logger);
      const store = await openStore({ db: dbOf(opts), backgroundCheckpoints: true });
      const server = await startServer({
        store,
        logger,
        port,
        host: opts.host,
        webRoot: opts.web,
        secureCookies: opts.secureCookies ? true : undefined,
      });
      logger.info(`redline: serving ${store.location} at ${server.url}`);
      const users = await listUsers(store);
      if (!users.some((u) => u.role === "admin")) {
        logger.warn("no admin yet: add one with `redline user add NAME --admin`");
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await server.close();
      await store.close();
    });

  const user = program.command("user").description("manage annotation app accounts");
  user
    .command("add <username>")
    .description("add a user; the password comes from $REDLINE_PASSWORD, stdin or a prompt")
    .option("--db <db>", DB_HELP)
    .option("--admin", "make the user an admin (may create projects, users, assignments)")
    .action(async (username: string, opts) => {
      const problem = usernameProblem(username);
      if (problem) throw new UsageError(problem);
      const password = await readPassword();
      const weak = passwordProblem(password);
      if (weak) throw new UsageError(weak);
      await withStore(opts, async (store) => {
        if (await findUserWithHash(store, username)) {
          throw new UsageError(`user "${username}" already exists; use \`redline user passwd\``);
        }
        const role = opts.admin ? "admin" : "annotator";
        await createUser(store, { username, role, passwordHash: await hashPassword(password) });
        process.stderr.write(`added ${role} ${username}\n`);
      });
    });
  user
    .command("passwd <username>")
    .description("set a user's password ($REDLINE_PASSWORD, stdin or a prompt)")
    .option("--db <db>", DB_HELP)
    .action(async (username: string, opts) => {
      const password = await readPassword();
      const weak = passwordProblem(password);
      if (weak) throw new UsageError(weak);
      await withStore(opts, async (store) => {
        if (!(await setPasswordHash(store, username, await hashPassword(password)))) {
          throw new UsageError(`no user "${username}"`);
        }
        process.stderr.write(`password of ${username} changed\n`);
      });
    });
  user
    .command("list")
    .description("list users")
    .option("--db <db>", DB_HELP)
    .action(async (opts) => {
      await withStore(opts, async (store) => {
        for (const u of await listUsers(store)) process.stdout.write(`${u.username}\t${u.role}\n`);
      });
    });

  const project = program.command("project").description("manage annotation projects");
  project
    .command("create <name>")
    .description("create a project")
    .option("--db <db>", DB_HELP)
    .option("--description <text>", "what the annotators should know", "")
    .action(async (name: string, opts) => {
      await withStore(opts, async (store) => {
        if (await findProjectByName(store, name)) throw new UsageError(`project "${name}" exists`);
        await createProject(store, { name, description: opts.description });
        process.stderr.write(`created project ${name}\n`);
      });
    });
  project
    .command("list")
    .description("list projects with their item counts")
    .option("--db <db>", DB_HELP)
    .action(async (opts) => {
      await withStore(opts, async (store) => {
        const admin = { id: "", username: "", role: "admin" as const, created_at: "" };
        for (const p of await listProjects(store, admin)) {
          process.stdout.write(`${p.name}\t${p.items} items\n`);
        }
      });
    });
  project
    .command("assign <project> <usernames...>")
    .description("let users annotate a project")
    .option("--db <db>", DB_HELP)
    .action(async (name: string, usernames: string[], opts) => {
      await withStore(opts, async (store) => {
        const p = await projectNamed(store, name);
        for (const username of usernames) {
          const u = await findUserWithHash(store, username);
          if (!u) throw new UsageError(`no user "${username}"; add it with \`redline user add\``);
          await assignUser(store, p.id, u.id);
        }
        process.stderr.write(`assigned ${usernames.join(", ")} to ${name}\n`);
      });
    });
  project
    .command("import-items <project> <file>")
    .description("add feedback records (spans optional) from a JSONL file as items")
    .option("--db <db>", DB_HELP)
    .action(async (name: string, file: string, opts) => {
      const parsed = parseItemLines(await readText(file));
      if (parsed.problems.length > 0)
        throw new DataError(formatLineProblems(file, parsed.problems));
      await withStore(opts, async (store) => {
        const p = await projectNamed(store, name);
        try {
          const s = await importRecords(
            store,
            p.id,
            parsed.records.map((r) => r.record),
          );
          process.stderr.write(
            `${file}: ${s.items} new items, ${s.unchanged} already there, ` +
              `${s.annotations} annotations\n`,
          );
        } catch (err) {
          throw new DataError(err instanceof Error ? err.message : String(err));
        }
      });
    });
  project
    .command("import-chains <project> <file>")
    .description("add improvement chains from a JSONL file, shown beside their items")
    .option("--db <db>", DB_HELP)
    .action(async (name: string, file: string, opts) => {
      const parsed = parseChainLines(await readText(file));
      if (parsed.problems.length > 0)
        throw new DataError(formatLineProblems(file, parsed.problems));
      await withStore(opts, async (store) => {
        const p = await projectNamed(store, name);
        const s = await importChains(
          store,
          p.id,
          parsed.records.map((r) => r.record),
        );
        process.stderr.write(`${file}: ${s.chains} chains, ${s.linked} matched an item\n`);
      });
    });
  project
    .command("export-annotations <project>")
    .description("write the project's annotations as feedback JSONL")
    .option("--db <db>", DB_HELP)
    .option("-o, --out <file>", "output file (default: stdout)")
    .option("--done", "only items the annotator marked done")
    .option("--annotator <username>", "only this annotator's annotations")
    .action(async (name: string, opts) => {
      await withStore(opts, async (store) => {
        const p = await projectNamed(store, name);
        const records = await exportRecords(store, p.id, {
          submittedOnly: Boolean(opts.done),
          annotator: opts.annotator,
        });
        const text = records.map((r) => `${JSON.stringify(r)}\n`).join("");
        if (opts.out) {
          await writeFile(opts.out, text);
          process.stderr.write(`wrote ${records.length} records to ${opts.out}\n`);
        } else process.stdout.write(text);
      });
    });
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : err}`);
  }
}
