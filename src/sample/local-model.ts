// A backend that answers from a model of Redline's own trainer (a Hugging Face layout folder
// with config.json, model.safetensors and tokenizer.json), so `redline sample --backend redline`
// draws answers from a model trained here, without any server.
import {
  generate,
  initEngine,
  loadModel,
  loadTokenizer,
  type Model,
  type Tokenizer,
} from "../model/index.js";
import type { Completer, Completion, CompletionRequest } from "../revisers/completion.js";
import { Semaphore } from "../revisers/limits.js";

/** A Completer over a local model; requests run one at a time on the engine. */
export class LocalModelCompleter implements Completer {
  readonly kind = "redline";
  readonly server: string;
  readonly model: string;
  private readonly queue = new Semaphore(1);

  private constructor(
    readonly dir: string,
    private readonly loaded: Model,
    private readonly tokenizer: Tokenizer,
    private readonly defaultMaxTokens: number,
  ) {
    this.server = `file:${dir}`;
    this.model = dir.split("/").filter(Boolean).at(-1) ?? dir;
  }

  /** Loads the model and tokenizer in `dir`. */
  static async open(
    dir: string,
    options: { maxTokens?: number } = {},
  ): Promise<LocalModelCompleter> {
    await initEngine();
    const [model, tokenizer] = await Promise.all([loadModel(dir), loadTokenizer(dir)]);
    return new LocalModelCompleter(dir, model, tokenizer, options.maxTokens ?? 128);
  }

  complete(request: CompletionRequest): Promise<Completion> {
    return this.queue.run(async () => {
      // the model's own chat template turns the messages into its prompt
      const prompt = this.tokenizer.formatPrompt(request.messages);
      const room = this.loaded.config.maxPositions - this.tokenizer.encodeIds(prompt).length - 1;
      const maxNewTokens = Math.min(request.maxTokens ?? this.defaultMaxTokens, room);
      if (maxNewTokens < 1) {
        throw new Error(
          `LocalModelCompleter: the prompt fills the context of ${this.loaded.config.maxPositions} ` +
            `tokens of ${this.dir}; shorten it`,
        );
      }
      const [out] = await generate(this.loaded, this.tokenizer, [prompt], {
        maxNewTokens,
        temperature: request.temperature ?? 1,
        seed: request.seed ?? 0,
        batchSize: 1,
      });
      return {
        text: out.text.trim(),
        usage: { input: this.tokenizer.encodeIds(prompt).length, output: out.tokens.length },
        structured: false,
      };
    });
  }
}
