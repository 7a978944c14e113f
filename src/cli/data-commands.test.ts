// The data-path subcommands end to end: a few runs of the real `redline` process for exit codes
// and stack-free messages, the rest in-process (same commands, captured output) to stay fast.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { registerDataCommands } from "./data-commands.js";
import { DataError, UsageError } from "./exit.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function redline(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      { maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
      },
    );
  });
}

// the same commands in this process, with output captured and errors mapped as main.ts does
async function inProcess(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerDataCommands(program);
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof stdout;
  process.stderr.write = ((s: string) => err.push(String(s)) > 0) as typeof stderr;
  let code = 0;
  try {
    await program.parseAsync(["node", "redline", ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError || e instanceof UsageError) code = 2;
    else if (e instanceof DataError) code = 1;
    else throw e;
    if (!(e instanceof CommanderError)) err.push(`redline: ${(e as Error).message}\n`);
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    process.exitCode = undefined;
  }
  return { code, stdout: out.join(""), stderr: err.join("") };
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

// a malformed file: binary junk, then the broken examples
const dir = mkdtempSync(join(tmpdir(), "redline-cli-"));
const garbage = join(dir, "garbage.jsonl");
writeFileSync(garbage, `\u0000\u0001binary\n${readFileSync("examples/broken.jsonl", "utf8")}`);

// the real process is slow to start, so its three runs go at once
let real: Promise<Run[]>;
beforeAll(() => {
  real = Promise.all([
    redline("validate", "examples/broken.jsonl"),
    redline("validate", "no/such/file.jsonl"),
    redline("chains", garbage, "-o", join(dir, "b.jsonl"), "--strict"),
  ]);
});

describe("redline validate", () => {
  it("lists every problem of the broken examples and exits 1; the good file exits 0", async () => {
    const [broken] = await real;
    const good = await inProcess("validate", "examples/feedback.jsonl");
    expect(broken.code).toBe(1);
    const codes = broken.stdout
      .trim()
      .split("\n")
      .map((l) => /\((\w+)\)$/.exec(l)?.[1]);
    expect(codes).toEqual([
      "invalid_json",
      "offset_out_of_range",
      "inverted_span",
      "text_mismatch",
      "splits_crlf",
      "overlapping_spans",
      "missing_comment_and_suggestion",
      "unknown_field",
      "unknown_field",
      "invalid_type",
      "invalid_type",
      "invalid_value",
      "lone_surrogate",
      "duplicate_id",
    ]);
    expect(broken.stderr).toContain("14 records, 2 usable, 12 with errors");
    noStack(broken.stderr);
    expect(good.code).toBe(0);
  });

  it("exits 2 for a missing file and for an unknown option value, without a stack trace", async () => {
    const [, missing] = await real;
    const badStrategy = await inProcess(
      "pairs",
      "examples/feedback.jsonl",
      "-o",
      "-",
      "--strategy",
      "best",
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatchInlineSnapshot(`
      "redline: feedback file no/such/file.jsonl does not exist
      "
    `);
    expect(badStrategy.code).toBe(2);
    expect(badStrategy.stderr).toContain("Allowed choices are chain, chain-all, rewrite, ab");
    noStack(missing.stderr + badStrategy.stderr);
  });
});

describe("redline chains", () => {
  it("skips the bad records of a malformed file, or stops at the first with --strict (exit 1)", async () => {
    const [, , strict] = await real;
    const lenient = await inProcess("chains", garbage, "-o", join(dir, "a.jsonl"), "--quiet");
    expect(lenient.code).toBe(0);
    expect(readFileSync(join(dir, "a.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`${garbage}:1: is not valid JSON`);
    expect(strict.stderr).toContain("stopped at the first bad record (--strict)");
    noStack(lenient.stderr + strict.stderr);
  });

  it("exits 0 without a message when the reader of its stdout stops early", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "chains",
        "examples/planets-feedback.jsonl",
        "-o",
        "-",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE/);
    expect(code).toBe(0);
  });

  it("names the known revisers for an unknown one (exit 2)", async () => {
    const run = await inProcess(
      "chains",
      "examples/feedback.jsonl",
      "-o",
      "-",
      "--reviser",
      "magic",
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown reviser "magic"; choose one of: suggestion');
  });
});

describe("redline data path", () => {
  it("goes from the example feedback to TRL rows whose ranges mark the edit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "redline-cli-"));
    const chains = join(dir, "chains.jsonl");
    const pairs = join(dir, "pairs.jsonl");
    const trl = join(dir, "trl.jsonl");
    expect(
      (await inProcess("chains", "examples/feedback.jsonl", "-o", chains, "--quiet")).code,
    ).toBe(0);
    expect((await inProcess("pairs", chains, "-o", pairs, "--quiet")).code).toBe(0);
    const exported = await inProcess("export", pairs, "-o", trl, "--format", "trl");
    expect(exported.code).toBe(0);
    const rows = readFileSync(trl, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const capital = rows.find((r) => r.id === "zh-capital:chain:0-1");
    expect(capital).toMatchObject({
      prompt: "System: 你是一个简洁的助手。\n\nUser: 澳大利亚的首都是哪里？",
      rejected: "澳大利亚的首都是悉尼。悉尼也是最大的城市。",
      chosen: "澳大利亚的首都是堪培拉。悉尼也是最大的城市。",
      rejected_range: [8, 10],
      chosen_range: [8, 11],
    });
    expect(exported.stderr).toContain("30 rows written as trl");
  });

  it("refuses --judgments without --strategy ab rather than ignoring it (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "redline-cli-"));
    const judgments = join(dir, "j.jsonl");
    writeFileSync(judgments, '{"chosen_id":"a","rejected_id":"b"}\n');
    const run = await inProcess(
      "pairs",
      "examples/feedback.jsonl",
      "-o",
      join(dir, "p.jsonl"),
      "--judgments",
      judgments,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--judgments needs --strategy ab");
  });

  it("says that --strategy ab reads feedback records when it is given a chains file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "redline-cli-"));
    const chains = join(dir, "chains.jsonl");
    await inProcess("chains", "examples/feedback.jsonl", "-o", chains, "--quiet");
    const run = await inProcess("pairs", chains, "-o", join(dir, "ab.jsonl"), "--strategy", "ab");
    expect(run.stderr).toContain(`no line of ${chains} is a usable feedback record`);
  });

  it("prints the JSON Schema and imports the Label Studio example", async () => {
    const dir = mkdtempSync(join(tmpdir(), "redline-cli-"));
    const schema = await inProcess("schema");
    const ls = join(dir, "ls.jsonl");
    const imported = await inProcess(
      "import",
      "--from",
      "labelstudio",
      "examples/labelstudio.json",
      "-o",
      ls,
    );
    const json = JSON.parse(schema.stdout);
    expect(json.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(json.required).toEqual(["id", "prompt", "response", "spans"]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain("imported 2 records");
    const again = await inProcess("validate", join(dir, "ls.jsonl"));
    expect(again.code).toBe(0);
  });
});

describe("redline start", () => {
  it("runs the data path on the examples and prints one table row per stage", async () => {
    const out = mkdtempSync(join(tmpdir(), "redline-start-"));
    const run = await inProcess("start", "--out", out, "--data-only");
    expect(run.code).toBe(0);
    const rows = run.stdout.split("\n").filter((l) => /^(validate|chains|pairs|export)/.test(l));
    expect(rows.map((r) => r.split(/\s{2,}/).slice(0, 5))).toEqual([
      ["validate", "examples/feedback.jsonl", "25", "25", "0"],
      ["validate", "examples/broken.jsonl", "14", "2", "12"],
      ["chains", "examples/feedback.jsonl", "25", "25", "0"],
      ["pairs chain", `${out}/chains.jsonl`, "25", "30", "0"],
      ["pairs ab", "examples/feedback.jsonl", "25", "4", "0"],
      ["export trl", `${out}/pairs-chain.jsonl`, "30", "30", "0"],
      ["export parquet", `${out}/pairs-chain.jsonl`, "30", "30", "0"],
    ]);
  });
});
