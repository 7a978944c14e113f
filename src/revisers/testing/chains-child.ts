// A separate process that runs chains against a fake server, for the test that kills a run with
// SIGKILL and resumes it. Run: tsx chains-child.ts BASE_URL RECORDS.json OUT.jsonl JOURNAL.jsonl
import { readFileSync } from "node:fs";
import type { FeedbackRecord } from "../../feedback/schema.js";
import { createLlmReviser } from "../llm.js";
import { OpenAICompleter } from "../openai.js";
import { runChains } from "../run-chains.js";

const [baseURL, recordsPath, out, journal] = process.argv.slice(2);
const records = JSON.parse(readFileSync(recordsPath, "utf8")) as FeedbackRecord[];
const reviser = createLlmReviser({
  completer: new OpenAICompleter({ baseURL, model: "fake-model", concurrency: 4 }),
});
const report = await runChains({
  records,
  reviser,
  out,
  journal,
  reviserId: reviser.fingerprint,
  concurrency: 4,
});
process.stdout.write(`${JSON.stringify(report)}\n`);
