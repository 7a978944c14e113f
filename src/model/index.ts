// Public API of the model folder: build, load, save, tokenize and generate.
//
//   await initEngine();
//   const model = createModel({ arch: "llama", vocabSize: 64, hidden: 32, layers: 2, heads: 4 }, 1);
//   await saveModel(model, "runs/base", tokenizerDir);
//   const [m, tok] = [await loadModel("runs/base"), await loadTokenizer("runs/base")];
//   const out = await generate(m, tok, [tok.formatPrompt([{ role: "user", content: "hi" }])]);
export { initEngine, setEngineDevice } from "../engine/index.js";
export {
  type Architecture,
  type ModelConfig,
  type ModelSpec,
  modelConfigFromHf,
  modelConfigFromSpec,
  modelConfigToHf,
  modelSpecSchema,
} from "./config.js";
export {
  type GenerateOptions,
  type GenerateTokensOptions,
  type Generation,
  generate,
  generateTokens,
  pickToken,
} from "./generate.js";
export { checkTokenizerFits, type LoadModelOptions, loadModel, saveModel } from "./io.js";
export { type CreateModelOptions, createModel, disposeModel, type Model } from "./model.js";
export {
  countParams,
  createRng,
  downloadParams,
  type HostParams,
  initHostParams,
  type ParamSpec,
  type Params,
  paramSpecs,
  uploadParams,
} from "./params.js";
export { referenceLogits } from "./reference.js";
export {
  type HostTensor,
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
} from "./safetensors.js";
export { type EncodedText, loadTokenizer, Tokenizer } from "./tokenizer.js";
export { forwardHidden, forwardLogits, type KvCache, lmHead, tokenLogps } from "./transformer.js";
export {
  buildWordTokenizer,
  type WordTokenizerFiles,
  wordTokenizer,
  wordTokenizerSpecials,
  writeTokenizerFiles,
} from "./word-tokenizer.js";
