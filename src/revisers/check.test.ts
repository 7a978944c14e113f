import { describe, expect, it } from "vitest";
import type { ReviseRequest } from "../chains/types.js";
import { checkRewrite, deletionAsked } from "./check.js";

const draft = "The capital of France is London, a city on the Seine river.";
const start = [..."The capital of France is "].length;
const end = start + "London".length;

function request(comment = "wrong city", suggestion?: string): ReviseRequest {
  return {
    record_id: "r1",
    prompt: "What is the capital of France?",
    draft,
    span_index: 0,
    span: { start, end, text: "London", comment, ...(suggestion !== undefined && { suggestion }) },
    liked: [],
    ahead: [],
  };
}

describe("checkRewrite", () => {
  it("accepts a replacement of the span alone", () => {
    expect(checkRewrite(request(), "Paris")).toEqual({ ok: true, replacement: "Paris" });
  });

  it("cuts a whole returned answer down to its span when only the span changed", () => {
    const whole = draft.replace("London", "Paris");
    expect(checkRewrite(request(), whole)).toEqual({ ok: true, replacement: "Paris" });
  });

  it("refuses a whole returned answer that also changed text outside the span", () => {
    const whole = draft.replace("London", "Paris").replace("Seine", "Loire");
    const verdict = checkRewrite(request(), whole);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.reason).toMatch(/changed text outside the span/);
  });

  it("refuses a replacement that copies the words after the span", () => {
    const verdict = checkRewrite(request(), "Paris, a city on the Seine");
    expect(verdict.ok ? "" : verdict.reason).toMatch(/repeats text from just before or after/);
  });

  it("refuses an empty replacement unless the comment asks for removal", () => {
    expect(checkRewrite(request(), "").ok).toBe(false);
    expect(checkRewrite(request("remove this"), "")).toEqual({ ok: true, replacement: "" });
    expect(checkRewrite(request("odd", ""), "  ")).toEqual({ ok: true, replacement: "  " });
  });

  it("refuses a replacement that repeats the original", () => {
    const verdict = checkRewrite(request(), " London ");
    expect(verdict.ok ? "" : verdict.reason).toBe(
      "the rewrite repeats the original passage unchanged",
    );
  });

  it("keeps the span's own outer whitespace when the model trims it", () => {
    const r = request();
    r.span = { ...r.span, start: start - 1, text: " London" };
    expect(checkRewrite(r, "Paris")).toEqual({ ok: true, replacement: " Paris" });
  });

  it("passes a refusal of the locality check on as the reason", () => {
    const verdict = checkRewrite(request(), "Paris", () => "liked span touched");
    expect(verdict).toEqual({ ok: false, reason: "liked span touched" });
  });
});

describe("deletionAsked", () => {
  it("reads deletion from the comment or an empty suggestion", () => {
    expect(deletionAsked(request("this sentence is redundant"))).toBe(true);
    expect(deletionAsked(request("too vague"))).toBe(false);
    expect(deletionAsked(request("too vague", ""))).toBe(true);
  });
});
