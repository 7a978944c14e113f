// Tests of the streaming JSONL helpers and the fingerprint map behind duplicate detection.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FingerprintMap } from "./fingerprint.js";
import { createJsonlWriter, readLines } from "./jsonl.js";

describe("readLines", () => {
  it("numbers lines from 1, drops a byte-order mark, and reads CRLF files", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "redline-jsonl-")), "f.jsonl");
    writeFileSync(path, '\uFEFF{"a":1}\r\n\r\n{"b":"x\\r\\ny"}\r\n');
    const lines = [];
    for await (const l of readLines(path)) lines.push(l);
    expect(lines).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: "" },
      { line: 3, text: '{"b":"x\\r\\ny"}' },
    ]);
  });

  it("refuses a file that is not UTF-8 and names the line, instead of reading U+FFFD", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "redline-jsonl-")), "latin1.jsonl");
    writeFileSync(path, Buffer.from('{"a":"ok"}\n{"b":"caf\xe9"}\n', "latin1"));
    const read = async () => {
      for await (const _ of readLines(path)) {
      }
    };
    await expect(read()).rejects.toThrow(/line 2 is not UTF-8/);
  });
});

describe("createJsonlWriter", () => {
  it("makes the output folder when it does not exist yet", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "redline-jsonl-")), "new", "deeper", "o.jsonl");
    const writer = createJsonlWriter(path);
    await writer.write({ a: 1 });
    await writer.close();
    expect(readFileSync(path, "utf8")).toBe('{"a":1}\n');
  });
});

describe("FingerprintMap", () => {
  it("remembers the first value of each key across growth", () => {
    const map = new FingerprintMap(4);
    for (let i = 0; i < 5000; i++) expect(map.addIfAbsent(`key-${i}`, i)).toBeUndefined();
    expect(map.size).toBe(5000);
    expect(map.addIfAbsent("key-1234", 99)).toBe(1234);
    expect(map.get("key-4999")).toBe(4999);
    expect(map.get("absent")).toBeUndefined();
  });
});
