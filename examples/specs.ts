// The content of the example data: annotated answers with their spans given by the text they
// cover, deliberately broken lines, and A/B judgments. generate.ts turns them into files.
import type { Prompt, Span } from "../src/feedback/schema.js";

/** A span located by text: `find` (its nth occurrence), or an insertion `after`/`before` it. */
export interface SpanSpec {
  find?: string;
  after?: string;
  before?: string;
  nth?: number;
  label: Span["label"];
  comment?: string;
  suggestion?: string;
  /** also write the `text` field, which validation compares with the slice */
  withText?: boolean;
}

/** One example record before its offsets are computed. */
export interface RecordSpec {
  id: string;
  prompt: Prompt;
  response: string;
  spans: SpanSpec[];
  metadata?: Record<string, unknown>;
}

const fence = "```";

export const specs: RecordSpec[] = [
  {
    id: "py-reverse-list",
    prompt: "How do I reverse a list in Python?",
    response: [
      "You can reverse a list in place with `list.reverse()`:",
      "",
      `${fence}python`,
      "nums = [1, 2, 3]",
      "nums.reverse()",
      "print(nums)  # [3, 2, 1]",
      fence,
      "",
      "Or make a reversed copy with slicing: `nums[::-1]`. This is always faster than a loop.",
    ].join("\n"),
    spans: [
      {
        find: "`list.reverse()`",
        label: "liked",
        comment: "right tool, named exactly",
        withText: true,
      },
      {
        find: "This is always faster than a loop.",
        label: "disliked",
        comment: "overclaim; the real trade-off is that slicing copies the list",
        suggestion: "Slicing builds a new list, so it needs extra memory.",
      },
      {
        after: "print(nums)  # [3, 2, 1]",
        label: "disliked",
        comment: "show the copy too",
        suggestion: "\nprint(nums[::-1])  # [1, 2, 3]",
      },
    ],
  },
  {
    id: "ja-thank-you",
    prompt: "「ありがとう」は英語で何と言いますか？",
    response:
      '「ありがとう」は英語で "Thank you" と言います。カジュアルには "Thanks" 😊 も使えます。' +
      'とても丁寧な言い方は "Thank you very much" です。',
    spans: [
      { find: '"Thank you"', label: "liked", withText: true },
      { find: " 😊", label: "disliked", comment: "絵文字は不要", suggestion: "" },
      {
        find: "とても丁寧な言い方は",
        label: "disliked",
        comment: "不自然",
        suggestion: "より丁寧には",
      },
    ],
  },
  {
    id: "zh-capital",
    prompt: [
      { role: "system", content: "你是一个简洁的助手。" },
      { role: "user", content: "澳大利亚的首都是哪里？" },
    ],
    response: "澳大利亚的首都是悉尼。悉尼也是最大的城市。",
    spans: [
      { find: "悉尼", label: "disliked", comment: "错误：首都是堪培拉", suggestion: "堪培拉" },
      {
        find: "悉尼也是最大的城市。",
        label: "disliked",
        comment: "语序",
        suggestion: "最大的城市是悉尼。",
      },
    ],
  },
  {
    id: "paris-cafe",
    prompt: "Recommend a café in Paris for working on a laptop.",
    // "Café" written with a combining acute accent (e + U+0301)
    response:
      "Try Cafe\u0301 de Flore on Boulevard Saint-Germain. It has fast Wi-Fi and plenty of outlets. " +
      "Note that it is very touristy, so arrive early.",
    spans: [
      { find: "Cafe\u0301 de Flore", label: "liked", withText: true },
      {
        find: "fast Wi-Fi and plenty of outlets",
        label: "disliked",
        comment: "not true: it is known for discouraging laptops",
        suggestion: "a famous literary past, but it discourages laptops",
      },
      {
        before: "Note that",
        label: "disliked",
        comment: "give an actual laptop-friendly option",
        suggestion: "For work, KB CaféShop in the 10th is a better fit. ",
      },
    ],
  },
  {
    id: "vi-good-morning",
    prompt: "How do you say 'good morning' in Vietnamese?",
    // Vietnamese diacritics decomposed into combining marks (NFD)
    response:
      'In Vietnamese, "good morning" is "Cha\u0300o buô\u0309i sa\u0301ng". ' +
      'In daily life people mostly just say "Xin cha\u0300o" at any time of day.',
    spans: [
      { find: "Cha\u0300o buô\u0309i sa\u0301ng", label: "liked", withText: true },
      {
        after: '"Xin cha\u0300o"',
        label: "disliked",
        comment: "translate it",
        suggestion: " (hello)",
      },
    ],
  },
  {
    id: "math-product-rule",
    prompt: "What is the derivative of x² · sin(x)?",
    response:
      "Using the product rule: d/dx[x² · sin(x)] = 2x · sin(x) + x² · cos(x). " +
      "So the answer is 2x sin x + x² cos x ✅.",
    spans: [
      { find: "Using the product rule", label: "liked" },
      {
        find: "So the answer is",
        label: "disliked",
        comment: "redundant lead-in",
        suggestion: "Simplified:",
      },
      { find: " ✅", label: "disliked", comment: "no emoji in math answers", suggestion: "" },
    ],
  },
  {
    id: "sql-top-customers",
    prompt: "Write a SQL query for the 5 customers with the most orders.",
    response: [
      "Here is a query:",
      "",
      `${fence}sql`,
      "SELECT c.name, COUNT(*) AS orders",
      "FROM customers c",
      "JOIN orders o ON o.customer_id = c.id",
      "GROUP BY c.name",
      "ORDER BY orders DESC",
      "LIMIT 5;",
      fence,
      "",
      "This query runs in O(1) time.",
    ].join("\n"),
    spans: [
      {
        find: "GROUP BY c.name",
        label: "disliked",
        comment: "customers sharing a name get merged; group by id",
        suggestion: "GROUP BY c.id, c.name",
      },
      { find: "LIMIT 5;", label: "liked" },
      {
        find: "\n\nThis query runs in O(1) time.",
        label: "disliked",
        comment: "false",
        suggestion: "",
      },
    ],
  },
  {
    id: "kyoto-temples",
    prompt: [
      { role: "system", content: "You are a helpful travel assistant." },
      { role: "user", content: "I'm visiting Kyoto in November." },
      { role: "assistant", content: "Great choice! November is peak autumn foliage season." },
      { role: "user", content: "Which temples should I see?" },
    ],
    response:
      "Visit Kiyomizu-dera, Tōfuku-ji and Eikan-dō for the maples 🍁. Go at 6 am to avoid the " +
      "crowds. Fushimi Inari is a temple famous for its red gates.",
    spans: [
      { find: "Tōfuku-ji", label: "liked", comment: "best foliage spot" },
      {
        find: "6 am",
        label: "disliked",
        comment: "most of these open at 8 or 9",
        suggestion: "opening time",
      },
      {
        find: "Fushimi Inari is a temple",
        label: "disliked",
        comment: "it is a Shinto shrine",
        suggestion: "Fushimi Inari is a shrine",
      },
    ],
  },
  {
    id: "polite-rewrite",
    prompt: "Rewrite this to sound polite: 'Send me the report now.'",
    response: "Could you please send me the report now? Thanks!!!",
    spans: [
      { find: "Could you please", label: "liked" },
      {
        find: "now",
        nth: 0,
        label: "disliked",
        comment: "still pushy",
        suggestion: "when you have a moment",
      },
      { find: "!!!", label: "disliked", comment: "too much", suggestion: "." },
    ],
  },
  {
    id: "js-fetch-json",
    prompt: "How do I fetch JSON in JavaScript?",
    response: [
      "Use the Fetch API:",
      "",
      `${fence}js`,
      "const res = await fetch(url);",
      "const data = res.json();",
      fence,
      "",
      "`fetch` rejects on HTTP errors like 404.",
    ].join("\n"),
    spans: [
      {
        after: "const res = await fetch(url);",
        label: "disliked",
        comment: "check the status",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the answer's own JavaScript
        suggestion: "\nif (!res.ok) throw new Error(`HTTP ${res.status}`);",
      },
      {
        find: "res.json()",
        label: "disliked",
        comment: "json() returns a promise",
        suggestion: "await res.json()",
      },
      {
        find: "`fetch` rejects on HTTP errors like 404.",
        label: "disliked",
        comment: "wrong: fetch only rejects on network errors",
        suggestion: "`fetch` does not reject on HTTP errors like 404; check `res.ok`.",
      },
    ],
  },
  {
    id: "beach-packing",
    prompt: "Give me a packing list for a beach day 🏖️",
    response:
      "🧴 Sunscreen\n🕶️ Sunglasses\n👒 Hat\n🍉 Snacks\n🧊 Ice packs\n📚 A heavy hardcover book",
    spans: [
      { find: "🧴 Sunscreen", label: "liked", withText: true },
      {
        after: "👒 Hat",
        label: "disliked",
        comment: "water is missing",
        suggestion: "\n💧 Water bottle",
      },
      {
        find: "📚 A heavy hardcover book",
        label: "disliked",
        comment: "impractical on sand",
        suggestion: "📖 A paperback",
      },
    ],
  },
  {
    id: "hamlet-summary",
    prompt: "Summarize the plot of Hamlet in one sentence.",
    response:
      "Prince Hamlet seeks revenge on his uncle Claudius, who murdered Hamlet's father, and in the " +
      "end everyone lives happily.",
    spans: [
      { find: "Prince Hamlet seeks revenge", label: "liked" },
      { find: "everyone lives happily", label: "disliked", comment: "wrong: nearly everyone dies" },
    ],
  },
  {
    id: "hash-map",
    prompt: "Explain what a hash map is.",
    response:
      "A hash map stores key–value pairs and finds a value by its key in O(n) time on average. " +
      "Collisions are impossible in a good implementation.",
    spans: [
      {
        find: "O(n)",
        label: "disliked",
        comment: "average lookup is constant",
        suggestion: "O(1)",
      },
      {
        find: "Collisions are impossible in a good implementation.",
        label: "disliked",
        comment: "collisions always happen; explain chaining or probing",
      },
    ],
  },
  {
    id: "ko-ktx",
    prompt: "서울에서 부산까지 KTX로 얼마나 걸려요?",
    response: "KTX로 약 5시간 걸립니다. 요금은 약 6만 원입니다.",
    spans: [
      {
        find: "약 5시간",
        label: "disliked",
        comment: "실제로는 2시간 반 정도",
        suggestion: "약 2시간 30분",
      },
      { find: "요금은 약 6만 원입니다.", label: "liked" },
    ],
  },
  {
    id: "times-table",
    prompt: "What's 12 × 12?",
    response: "12 × 12 = 144.",
    spans: [{ find: "144", label: "liked", comment: "correct and short" }],
  },
  {
    id: "german-cat",
    prompt: "Translate 'cat' to German.",
    response: "Katze (die Katze).",
    spans: [],
  },
  {
    id: "autumn-haiku",
    prompt: "Write a haiku about autumn.",
    // Windows line breaks: offsets count \r and \n as one code point each
    response: "Crisp leaves underfoot\r\nthe maple lets go of red\r\nsilent stars agree",
    spans: [
      { find: "the maple lets go of red", label: "liked" },
      {
        find: "silent stars agree",
        label: "disliked",
        comment: "breaks the image",
        suggestion: "cold wind carries it",
      },
    ],
  },
  {
    id: "cookie-dough",
    prompt: "Is it safe to eat raw cookie dough?",
    response: "Yes, it's fine.",
    spans: [
      {
        find: "Yes, it's fine.",
        label: "disliked",
        comment: "unsafe advice",
        suggestion:
          "Not really: raw flour can carry E. coli and raw eggs Salmonella. Heat-treated dough is safe.",
      },
    ],
  },
  {
    id: "primary-colors",
    prompt: "List three primary colors.",
    response: "red, yellow, blue.",
    spans: [
      {
        before: "red",
        label: "disliked",
        comment: "needs context",
        suggestion: "The traditional ones are ",
      },
      { before: ".", label: "disliked", comment: "say which model", suggestion: " (in painting)" },
    ],
  },
  {
    id: "eiffel-height",
    prompt: "Describe the Eiffel Tower in one line.",
    response: "The Eiffel Tower, finished in 1889, is 330 m tall and made of wrought iron.",
    spans: [
      { find: "wrought iron", label: "liked" },
      {
        find: "is 330 m tall and made of wrought",
        label: "disliked",
        comment: "awkward",
        suggestion: "stands 330 m tall and is built of wrought",
      },
    ],
  },
  {
    id: "ab-recursion-a",
    prompt: "Explain recursion to a 10-year-old.",
    response:
      "Recursion is when something is defined using a smaller version of itself, like Russian " +
      "nesting dolls 🪆: open one and there's a smaller one inside, until you reach the tiniest doll.",
    spans: [{ find: "Russian nesting dolls 🪆", label: "liked" }],
    metadata: { score: 4 },
  },
  {
    id: "ab-recursion-b",
    prompt: "Explain recursion to a 10-year-old.",
    response:
      "Recursion is a function calling itself with a base case and a recursive case, using the call stack.",
    spans: [
      {
        find: ", using the call stack",
        label: "disliked",
        comment: "too technical",
        suggestion: "",
      },
    ],
    metadata: { score: 2 },
  },
  {
    id: "ab-seasons-a",
    prompt: "What causes the seasons?",
    response:
      "The Earth's axis is tilted about 23.4°, so each hemisphere gets more direct sunlight for part of the year.",
    spans: [],
    metadata: { score: 5 },
  },
  {
    id: "ab-seasons-b",
    prompt: "What causes the seasons?",
    response: "Seasons happen because the Earth is closer to the Sun in summer.",
    spans: [
      {
        find: "the Earth is closer to the Sun in summer",
        label: "disliked",
        comment: "misconception: Earth is closest in January",
        suggestion: "the Earth's axis is tilted",
      },
    ],
    metadata: { score: 1 },
  },
  {
    id: "ab-seasons-c",
    prompt: "What causes the seasons?",
    response: "Mostly the tilt of Earth's axis; the distance to the Sun matters very little.",
    spans: [],
    metadata: { score: 3 },
  },
];

/** Preferences between whole answers to the same prompt, for `redline pairs --strategy ab --judgments`. */
export const judgments = [
  { chosen_id: "ab-recursion-a", rejected_id: "ab-recursion-b", annotator: "ann-lena" },
  { chosen_id: "ab-seasons-a", rejected_id: "ab-seasons-b", annotator: "ann-kofi" },
  { chosen_id: "ab-seasons-c", rejected_id: "ab-seasons-b", annotator: "ann-kofi" },
];

const ok = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    prompt: "Capital of France?",
    response: "Paris is the capital.",
    spans: [],
    ...extra,
  });

/** One broken rule per line (and two good lines that must survive), written verbatim. */
export const brokenLines: string[] = [
  // not JSON: the line was cut off
  '{"id": "cut-off", "prompt": "Hi", "response": "Hello th',
  // offsets taken from JavaScript string indices (UTF-16), past the end in code points
  JSON.stringify({
    id: "utf16-offsets",
    prompt: "Rate this.",
    response: "Great 👍👍 work!",
    spans: [{ start: 11, end: 16, label: "disliked", comment: "vague", text: "work!" }],
  }),
  ok("inverted", { spans: [{ start: 9, end: 2, label: "liked" }] }),
  ok("text-mismatch", { spans: [{ start: 0, end: 5, label: "liked", text: "Pariss" }] }),
  JSON.stringify({
    id: "split-crlf",
    prompt: "Two lines, please.",
    response: "first line\r\nsecond line",
    spans: [{ start: 11, end: 17, label: "disliked", suggestion: "next" }],
  }),
  ok("overlap", {
    spans: [
      { start: 0, end: 8, label: "disliked", comment: "a" },
      { start: 6, end: 12, label: "disliked", comment: "b" },
    ],
  }),
  ok("bare-dislike", { spans: [{ start: 0, end: 5, label: "disliked" }] }),
  ok("unknown-fields", {
    rating: 4,
    spans: [{ start: 0, end: 5, label: "liked", severity: "low" }],
  }),
  JSON.stringify({ id: "wrong-types", prompt: 42, response: "Paris.", spans: { start: 0 } }),
  ok("label-typo", { spans: [{ start: 0, end: 5, label: "dislike", comment: "x" }] }),
  // a lone high surrogate, as JSON escapes write it when an emoji is cut in half
  '{"id": "lone-surrogate", "prompt": "Emoji?", "response": "Sure \\ud83d", "spans": []}',
  ok("good-one", { spans: [{ start: 0, end: 5, label: "liked" }] }),
  ok("good-one", { spans: [] }),
  ok("good-two", {
    spans: [{ start: 10, end: 21, label: "disliked", suggestion: "capital city." }],
  }),
];
