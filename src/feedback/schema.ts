// The span-feedback record: one annotated model answer, defined once as a zod schema.
// Offsets count Unicode code points and are end-exclusive, exactly like Python's str slicing,
// so a file moves between Redline and Python tools unchanged. See docs/format.md.
import { z } from "zod";

/** One chat message of a prompt given as a conversation. */
export const MessageSchema = z
  .strictObject({
    role: z.enum(["system", "user", "assistant", "tool"]).describe("who speaks"),
    content: z.string().describe("the message text"),
  })
  .describe("a chat message");

/** A prompt is plain text or a non-empty list of chat messages. */
export const PromptSchema = z.union([
  z.string().describe("the prompt as plain text"),
  z.array(MessageSchema).min(1).describe("the prompt as chat messages, oldest first"),
]);

/** A marked region of the response, with the annotator's judgment of it. */
export const SpanSchema = z
  .strictObject({
    start: z.int().nonnegative().describe("first code point of the span in the response"),
    end: z.int().nonnegative().describe("one past the last code point (end-exclusive)"),
    label: z.enum(["liked", "disliked"]).describe("whether the annotator likes this text"),
    comment: z.string().optional().describe("why the span is liked or disliked"),
    suggestion: z
      .string()
      .optional()
      .describe("the annotator's replacement text for a disliked span; empty string deletes"),
    text: z
      .string()
      .optional()
      .describe("the spanned text; when given it must equal response[start:end]"),
  })
  .describe("a span of the response");

/** One annotated answer: the unit of span feedback. */
export const FeedbackRecordSchema = z
  .strictObject({
    id: z.string().min(1).describe("unique id of this record within its file"),
    prompt: PromptSchema,
    response: z.string().describe("the model's answer that the spans point into"),
    spans: z.array(SpanSchema).describe("liked and disliked spans, in any order"),
    annotator: z.string().optional().describe("who made the annotation"),
    created_at: z.iso.datetime({ offset: true }).optional().describe("ISO 8601 time of creation"),
    updated_at: z.iso.datetime({ offset: true }).optional().describe("ISO 8601 time of last edit"),
    metadata: z.record(z.string(), z.unknown()).optional().describe("free data, kept as is"),
  })
  .describe("one span-annotated model answer");

export type Message = z.infer<typeof MessageSchema>;
export type Prompt = z.infer<typeof PromptSchema>;
export type Span = z.infer<typeof SpanSchema>;
export type FeedbackRecord = z.infer<typeof FeedbackRecordSchema>;

/** The feedback record as JSON Schema (draft 2020-12), for tools outside Redline. */
export function feedbackJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FeedbackRecordSchema, { target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
}
