// The "model" behind the fake servers used by tests and the benchmark: it reads the span marked
// for rewriting out of the prompt and answers with a deterministic rewrite, or with a fault.

/** What the fake model sees of one chat request. */
export interface FakeTurn {
  /** the messages of the request */
  messages: Array<{ role: string; content: string }>;
  /** the text between <rewrite> and </rewrite> in the first user message, if any */
  span?: string;
  /** the reviewer's comment, read from the default user template */
  comment?: string;
  /** the whole draft with the markers removed */
  draft?: string;
  /** how many assistant turns the request already holds (0 on the first try) */
  attempt: number;
  /** index of this request among all the server has received, from 0 */
  index: number;
  seed?: number;
  /** whether the request asked for structured JSON output */
  structured: boolean;
}

/** A fault the fake server answers with instead of a completion. */
export type FakeFault =
  | { kind: "status"; status: number; retryAfter?: string; message?: string }
  | { kind: "malformed" }
  | { kind: "delay"; ms: number }
  | { kind: "reply"; content: string };

/** The behaviour of a fake server. */
export interface FakeModelOptions {
  /** fixed wait before every answer, in ms */
  delayMs?: number;
  /** the replacement for a span; defaults to `fixed(<span>)` */
  rewrite?: (turn: FakeTurn) => string;
  /** the answer to a request without a marked span (sampling) */
  answer?: (turn: FakeTurn) => string;
  /** returns a fault for this request, or undefined to answer normally */
  fault?: (turn: FakeTurn) => FakeFault | undefined;
  /** when false, a request with a JSON schema gets HTTP 400 as from a server without support */
  structured?: boolean;
  /** how plain-text answers (no schema) are shaped */
  plainStyle?: "json" | "text";
}

/** Reads the marked span, comment and draft out of a rewrite request. */
export function readTurn(
  messages: Array<{ role: string; content: string }>,
  index: number,
  structured: boolean,
  seed?: number,
): FakeTurn {
  const first = messages.find((m) => m.role === "user" && m.content.includes("<rewrite>"));
  const attempt = messages.filter((m) => m.role === "assistant").length;
  const turn: FakeTurn = { messages, attempt, index, seed, structured };
  if (first) {
    // the marked draft sits under its heading; the heading itself names the tags
    const d = /between <rewrite> and <\/rewrite>\n\n([\s\S]*?)\n\n## The disliked passage/.exec(
      first.content,
    );
    const marked = d?.[1] ?? first.content;
    turn.span = /<rewrite>([\s\S]*?)<\/rewrite>/.exec(marked)?.[1];
    turn.draft = marked.replace("<rewrite>", "").replace("</rewrite>", "");
    const c = /## The reviewer's comment on it\n\n([\s\S]*?)\n(?:\n|## )/.exec(first.content);
    turn.comment = c?.[1];
  }
  return turn;
}

/** The answer text the fake model gives to `turn`. */
export function answerTurn(options: FakeModelOptions, turn: FakeTurn): string {
  if (turn.span !== undefined) {
    const replacement = options.rewrite ? options.rewrite(turn) : `fixed(${turn.span})`;
    const asJson = turn.structured || (options.plainStyle ?? "json") === "json";
    return asJson ? JSON.stringify({ replacement }) : replacement;
  }
  if (options.answer) return options.answer(turn);
  const last = turn.messages[turn.messages.length - 1]?.content ?? "";
  return `answer ${turn.seed ?? 0} to: ${last.slice(0, 40)}`;
}

/** A rough token count (4 characters a token) for usage fields. */
export function roughTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Waits `ms` milliseconds. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
