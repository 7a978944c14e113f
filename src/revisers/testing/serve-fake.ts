// Runs the fake OpenAI-compatible server as its own process, for benchmarks that must not share
// an event loop with the client. Run: tsx serve-fake.ts DELAY_MS; prints the base URL on stdout.
import { startFakeOpenAI } from "./fake-openai.js";

const delayMs = Number(process.argv[2] ?? 20);
const server = await startFakeOpenAI({ delayMs });
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
