// Public API of the feedback format: the schema, validation, JSONL streaming and code points.
export * from "./codepoints.js";
export { FingerprintMap } from "./fingerprint.js";
export * from "./jsonl.js";
export * from "./problems.js";
export { checkRecord, editsOverlap, findLoneSurrogate, touchesLiked } from "./rules.js";
export * from "./schema.js";
export * from "./validate.js";
