// The prompts that ask a model to rewrite one disliked span, rendered from Markdown templates
// (src/revisers/templates/*.md) that a user may override with a directory of their own.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ReviseRequest } from "../chains/types.js";
import { sliceCodePoints } from "../feedback/codepoints.js";
import type { Prompt } from "../feedback/schema.js";
import type { ChatMessage, OutputSchema } from "./completion.js";

/** The three templates of a rewrite conversation. */
export interface ReviseTemplates {
  /** the system message: the role and the rules */
  system: string;
  /** the user message: prompt, marked draft, comment, liked spans, issues ahead */
  user: string;
  /** sent after a rejected answer, with {{reason}} */
  retry: string;
}

/** File names of the templates, in the default folder and in an override folder. */
export const templateFiles = {
  system: "revise-system.md",
  user: "revise-user.md",
  retry: "revise-retry.md",
} as const;

/** Placeholders each template may use. */
const allowed: Record<keyof ReviseTemplates, string[]> = {
  system: [],
  user: ["prompt", "marked_draft", "span", "comment", "suggestion", "liked", "ahead", "draft"],
  retry: ["reason"],
};

/** The folder of the default templates shipped with Redline. */
export const defaultTemplateDir = new URL("./templates/", import.meta.url).pathname;

/** Marks around the span being rewritten, inside the draft shown to the model. */
export const spanOpen = "<rewrite>";
export const spanClose = "</rewrite>";

/** The schema of a structured answer: `{"replacement": string}`. */
export const replacementSchema: OutputSchema = {
  name: "replacement",
  schema: {
    type: "object",
    properties: { replacement: { type: "string", description: "the new text of the passage" } },
    required: ["replacement"],
    additionalProperties: false,
  },
};

/**
 * Loads the templates: each file from `dir` when it exists there, else the default. Checks the
 * placeholders now, so a typo fails before any request is sent.
 */
export function loadTemplates(dir?: string): ReviseTemplates {
  if (dir && !existsSync(dir)) {
    throw new Error(`loadTemplates: template folder ${dir} does not exist; check --templates`);
  }
  const out = {} as ReviseTemplates;
  for (const [which, file] of Object.entries(templateFiles) as [keyof ReviseTemplates, string][]) {
    const own = dir ? join(dir, file) : undefined;
    const path = own && existsSync(own) ? own : join(defaultTemplateDir, file);
    const text = readFileSync(path, "utf8");
    for (const name of placeholders(text)) {
      if (!allowed[which].includes(name)) {
        throw new Error(
          `loadTemplates: ${path} uses {{${name}}}, which is not known; ` +
            `allowed here: ${allowed[which].map((n) => `{{${n}}}`).join(", ") || "none"}`,
        );
      }
    }
    out[which] = text;
  }
  return out;
}

/** Replaces each {{name}} in `template` with `values[name]`. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`renderTemplate: no value for {{${name}}}`);
    return value;
  });
}

/** The conversation asking for a rewrite of `request.span`. */
export function buildReviseMessages(
  templates: ReviseTemplates,
  request: ReviseRequest,
): ChatMessage[] {
  const { draft, span } = request;
  const marked =
    sliceCodePoints(draft, 0, span.start) +
    spanOpen +
    span.text +
    spanClose +
    sliceCodePoints(draft, span.end, [...draft].length);
  const list = (spans: ReviseRequest["liked"]) =>
    spans.length === 0
      ? "(none)"
      : spans.map((s) => `- "${s.text}"${s.comment ? `: ${s.comment}` : ""}`).join("\n");
  const suggestion =
    span.suggestion === undefined
      ? ""
      : `\nThe reviewer suggested this replacement, which you may follow or improve: ` +
        `${JSON.stringify(span.suggestion)}\n`;
  const user = renderTemplate(templates.user, {
    prompt: promptText(request.prompt),
    draft,
    marked_draft: marked,
    span: span.text,
    comment: span.comment?.trim() || "(no comment; improve the passage)",
    suggestion,
    liked: list(request.liked),
    ahead: list(request.ahead),
  });
  const messages: ChatMessage[] = [];
  if (templates.system.trim()) messages.push({ role: "system", content: templates.system.trim() });
  messages.push({ role: "user", content: user.trim() });
  return messages;
}

/** The message sent after a rejected answer. */
export function buildRetryMessage(templates: ReviseTemplates, reason: string): ChatMessage {
  return { role: "user", content: renderTemplate(templates.retry, { reason }).trim() };
}

/** A prompt as plain text: chat prompts become `role: content` paragraphs. */
export function promptText(prompt: Prompt): string {
  if (typeof prompt === "string") return prompt;
  return prompt.map((m) => `${m.role}: ${m.content}`).join("\n\n");
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([a-z_]+)\s*\}\}/g)].map((m) => m[1]);
}
