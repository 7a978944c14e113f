// Public API of hand-off to external trainers: OpenAI-compatible DPO fine-tuning jobs.
export {
  convertPairsFile,
  type OpenAIDpoExample,
  type OpenAIDpoJobOptions,
  type OpenAIDpoJobReport,
  runOpenAIDpoJob,
  toOpenAIDpo,
} from "./openai-dpo.js";
