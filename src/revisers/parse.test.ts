import { describe, expect, it } from "vitest";
import { parseReplacement } from "./parse.js";

describe("parseReplacement", () => {
  it.each([
    ['{"replacement": "Paris"}', "Paris", "json"],
    ['```json\n{"replacement": "Paris"}\n```', "Paris", "json"],
    ['Sure! Here it is: {"replacement": "Paris"} Hope that helps.', "Paris", "json"],
    ['{"text": "Paris"}', "Paris", "json"],
    ["<replacement>Paris</replacement>", "Paris", "tags"],
    ["<rewrite>Paris</rewrite>", "Paris", "tags"],
    ["```\nParis\n```", "Paris", "fence"],
    ['"Paris"', "Paris", "plain"],
    ["Replacement: Paris", "Paris", "plain"],
    ["<think>the capital is Paris</think>\nParis", "Paris", "plain"],
    ['{"replacement": ""}', "", "json"],
  ])("reads %j", (reply, text, via) => {
    expect(parseReplacement(reply)).toEqual({ ok: true, text, via });
  });

  it("keeps the inner whitespace and escapes of a JSON answer exactly", () => {
    const reply = JSON.stringify({ replacement: '  two\nlines "quoted"  ' });
    expect(parseReplacement(reply)).toMatchObject({ text: '  two\nlines "quoted"  ' });
  });

  it("recovers the replacement from JSON broken after the field", () => {
    expect(parseReplacement('{"replacement": "Paris", "note": ')).toMatchObject({ text: "Paris" });
  });

  it("refuses JSON that is cut off before the replacement is readable", () => {
    const parsed = parseReplacement('{"replacement": "Par');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.reason).toMatch(/^malformed JSON answer/);
  });

  it("leaves quotes that belong to the text", () => {
    expect(parseReplacement('"a" and "b"')).toMatchObject({ text: '"a" and "b"' });
  });
});
