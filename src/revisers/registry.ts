// The LLM revisers as entries of the chain builder's reviser registry (src/chains/revisers.ts
// registers them): `openai` for OpenAI-compatible servers and `ollama` for Ollama's own API.
import type { ReviserEntry } from "../chains/revisers.js";
import { createBackendReviser } from "./backend.js";

/** Registry entries of the model-backed revisers. */
export const llmReviserEntries: ReviserEntry[] = [
  {
    name: "openai",
    description:
      "ask a model on an OpenAI-compatible server (OpenAI, vLLM, llama.cpp, LM Studio) " +
      "to rewrite each span; needs --model, usually --base-url",
    create: (options) => createBackendReviser({ ...options, backend: "openai" }),
  },
  {
    name: "ollama",
    description: "ask a model served by Ollama to rewrite each span; needs --model",
    create: (options) => createBackendReviser({ ...options, backend: "ollama" }),
  },
];
