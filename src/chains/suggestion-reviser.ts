// The default reviser: it takes the annotator's own suggestion as the replacement, so a chain
// built with it needs no model. A disliked span without a suggestion ends the chain there.
import type { ReviseRequest, ReviseResult, Reviser } from "./types.js";

/** Replaces each disliked span with its `suggestion` (the empty string deletes the span). */
export function createSuggestionReviser(): Reviser {
  return {
    name: "suggestion",
    async revise(request: ReviseRequest): Promise<ReviseResult> {
      const suggestion = request.span.suggestion;
      if (suggestion !== undefined) return { ok: true, replacement: suggestion };
      return {
        ok: false,
        reason:
          `spans[${request.span_index}] has no suggestion, so the suggestion reviser cannot ` +
          "rewrite it; add the replacement text to the span or use a model reviser",
      };
    },
  };
}
