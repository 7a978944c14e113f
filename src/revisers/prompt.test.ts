import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReviseRequest } from "../chains/types.js";
import { buildRetryMessage, buildReviseMessages, loadTemplates } from "./prompt.js";

// code points: the emoji is one, though JavaScript counts it as two units
const draft = "Hi 👋 there, the sun is cold today.";
const request: ReviseRequest = {
  record_id: "r1",
  prompt: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "How is the sun?" },
  ],
  draft,
  span_index: 2,
  span: { start: 23, end: 27, text: "cold", comment: "the sun is hot" },
  liked: [{ start: 0, end: 4, text: "Hi 👋", comment: "friendly" }],
  ahead: [{ start: 28, end: 33, text: "today", comment: "vague" }],
};

describe("the rewrite prompt", () => {
  it("marks the span at its code-point offsets and lists what to keep and what comes later", () => {
    const [system, user] = buildReviseMessages(loadTemplates(), request);
    expect(system.role).toBe("system");
    expect(system.content).toContain('{"replacement": "<the new text of the passage>"}');
    expect(user.content).toContain("Hi 👋 there, the sun is <rewrite>cold</rewrite> today.");
    expect(user.content).toContain("system: Be brief.\n\nuser: How is the sun?");
    expect(user.content).toContain("## The reviewer's comment on it\n\nthe sun is hot\n");
    expect(user.content).toContain('- "Hi 👋": friendly');
    expect(user.content).toContain('- "today": vague');
  });

  it("passes the annotator's suggestion along when there is one", () => {
    const [, user] = buildReviseMessages(loadTemplates(), {
      ...request,
      span: { ...request.span, suggestion: "hot" },
    });
    expect(user.content).toContain(
      'suggested this replacement, which you may follow or improve: "hot"',
    );
  });

  it("reads overriding templates from a folder, keeping the defaults for the rest", () => {
    const dir = mkdtempSync(join(tmpdir(), "redline-templates-"));
    writeFileSync(join(dir, "revise-user.md"), "Fix {{span}} in: {{marked_draft}} ({{comment}})");
    writeFileSync(join(dir, "revise-retry.md"), "No: {{reason}}");
    const templates = loadTemplates(dir);
    const [system, user] = buildReviseMessages(templates, request);
    expect(system.content).toBe(loadTemplates().system.trim());
    expect(user.content).toBe(
      "Fix cold in: Hi 👋 there, the sun is <rewrite>cold</rewrite> today. (the sun is hot)",
    );
    expect(buildRetryMessage(templates, "too long").content).toBe("No: too long");
  });

  it("refuses a template with an unknown placeholder before any request is made", () => {
    const dir = mkdtempSync(join(tmpdir(), "redline-templates-"));
    writeFileSync(join(dir, "revise-retry.md"), "No: {{why}}");
    expect(() => loadTemplates(dir)).toThrow(
      `loadTemplates: ${join(dir, "revise-retry.md")} uses {{why}}, which is not known; allowed here: {{reason}}`,
    );
    expect(() => loadTemplates(join(dir, "missing"))).toThrow(/does not exist; check --templates/);
  });
});
