// Import of Label Studio JSON exports: text tasks labelled with `Labels` regions (liked /
// disliked) and per-region `TextArea` results for comments and suggestions. Label Studio counts
// offsets in UTF-16 units (JavaScript string indices); they are converted to code points here.
import { codePointOffset, splitsSurrogatePair } from "../codepoints.js";
import type { Prompt, Span } from "../schema.js";
import {
  type ImportResult,
  isObject,
  isoTime,
  type LabelMapping,
  mapLabel,
  problemSink,
} from "./common.js";

/** Options of {@link importLabelStudio}. */
export interface LabelStudioOptions extends LabelMapping {
  /** task data field holding the prompt (text or chat messages); default `prompt` */
  promptField?: string;
  /** task data field holding the annotated response; default `response` */
  responseField?: string;
  /** text areas whose `from_name` matches hold the suggestion; others hold the comment */
  suggestionPattern?: RegExp;
  /** a suggestion equal to this means "delete the span"; default `<delete>` */
  deleteMarker?: string;
  /** also import annotations marked cancelled (skipped by default) */
  includeCancelled?: boolean;
}

interface Region {
  start: number;
  end: number;
  text?: string;
  labels: string[];
  comment: string[];
  suggestion?: string[];
}

/**
 * Turns Label Studio tasks into feedback records, one per submitted annotation, id
 * `<task id>-<annotation id>`. Regions whose label maps to neither liked nor disliked are left
 * out with a warning.
 */
export function importLabelStudio(
  tasks: unknown[],
  options: LabelStudioOptions = {},
): ImportResult {
  const promptField = options.promptField ?? "prompt";
  const responseField = options.responseField ?? "response";
  const suggestionPattern = options.suggestionPattern ?? /suggest/i;
  const deleteMarker = options.deleteMarker ?? "<delete>";
  const result: ImportResult = { records: [], problems: [] };
  const add = problemSink(result.problems);

  tasks.forEach((task, t) => {
    const at = `tasks[${t}]`;
    if (!isObject(task) || !isObject(task.data)) {
      add(at, "missing_field", 'is not a Label Studio task with a "data" object; export as JSON');
      return;
    }
    const response = task.data[responseField];
    const prompt = task.data[promptField];
    if (typeof response !== "string") {
      add(
        `${at}.data.${responseField}`,
        "missing_field",
        "the response text is missing; set --response-field to the field that holds it",
      );
      return;
    }
    if (!isPrompt(prompt)) {
      add(
        `${at}.data.${promptField}`,
        "missing_field",
        "the prompt is missing or not text/messages; set --prompt-field to the field that holds it",
      );
      return;
    }
    const annotations = Array.isArray(task.annotations) ? task.annotations : [];

    annotations.forEach((annotation, a) => {
      const aat = `${at}.annotations[${a}]`;
      if (!isObject(annotation)) return;
      if (annotation.was_cancelled === true && !options.includeCancelled) return;
      const regions = collectRegions(annotation.result, suggestionPattern);
      const spans: Span[] = [];
      for (const [id, region] of regions) {
        const rat = `${aat}.result[id=${id}]`;

        // UTF-16 offsets to code points
        if (region.start < 0 || region.end > response.length || region.start > region.end) {
          add(
            rat,
            "offset_out_of_range",
            `offsets [${region.start}, ${region.end}) do not fit the response of ${response.length} UTF-16 units; the region was left out`,
          );
          continue;
        }
        const split = [region.start, region.end].find((u) => splitsSurrogatePair(response, u));
        if (split !== undefined) {
          add(
            rat,
            "splits_surrogate_pair",
            `offset ${split} falls inside a surrogate pair (an emoji or other character outside ` +
              "the BMP); the region was left out: fix it in Label Studio",
          );
          continue;
        }
        if (region.text !== undefined && response.slice(region.start, region.end) !== region.text) {
          add(
            rat,
            "text_mismatch",
            `region text ${JSON.stringify(region.text)} is not the response at [${region.start}, ${region.end}); the region was left out`,
          );
          continue;
        }
        const label = region.labels.map((l) => mapLabel(l, options)).find((l) => l !== undefined);
        if (label === undefined) {
          add(
            rat,
            "unmapped_label",
            `labels ${JSON.stringify(region.labels)} mean neither liked nor disliked; map them with --liked-label / --disliked-label`,
            "warning",
          );
          continue;
        }
        const comment = region.comment.join("\n").trim();
        const known = ["liked", "disliked"];
        const labelNote = region.labels.find((l) => !known.includes(l.toLowerCase()));
        const span: Span = {
          start: codePointOffset(response, region.start),
          end: codePointOffset(response, region.end),
          label,
        };
        if (comment !== "") span.comment = comment;
        else if (label === "disliked" && labelNote !== undefined) span.comment = labelNote;
        if (region.suggestion !== undefined) {
          const s = region.suggestion.join("\n");
          span.suggestion = s.trim() === deleteMarker ? "" : s;
        }
        spans.push(span);
      }
      spans.sort((x, y) => x.start - y.start || x.end - y.end);

      const created = isoTime(annotation.created_at);
      const updated = isoTime(annotation.updated_at);
      const annotator = annotatorOf(annotation.completed_by);
      result.records.push({
        id: `${String(task.id ?? t)}-${String(annotation.id ?? a)}`,
        prompt,
        response,
        spans,
        ...(annotator !== undefined && { annotator }),
        ...(created !== undefined && { created_at: created }),
        ...(updated !== undefined && { updated_at: updated }),
        metadata: {
          source: "labelstudio",
          task_id: task.id ?? null,
          annotation_id: annotation.id ?? null,
          ...(isObject(task.meta) && { task_meta: task.meta }),
        },
      });
    });
  });
  return result;
}

// labels and text areas of one annotation, joined by region id
function collectRegions(results: unknown, suggestionPattern: RegExp): Map<string, Region> {
  const regions = new Map<string, Region>();
  const areas: { id: string; from: string; text: string[] }[] = [];
  for (const r of Array.isArray(results) ? results : []) {
    if (!isObject(r) || !isObject(r.value) || typeof r.id !== "string") continue;
    const v = r.value;
    if (r.type === "labels" && typeof v.start === "number" && typeof v.end === "number") {
      const region = regions.get(r.id) ?? { start: v.start, end: v.end, labels: [], comment: [] };
      region.labels.push(...(Array.isArray(v.labels) ? v.labels.map(String) : []));
      if (typeof v.text === "string") region.text = v.text;
      regions.set(r.id, region);
    } else if (r.type === "textarea" && Array.isArray(v.text)) {
      areas.push({ id: r.id, from: String(r.from_name ?? ""), text: v.text.map(String) });
    }
  }
  for (const area of areas) {
    const region = regions.get(area.id);
    if (region === undefined) continue;
    if (suggestionPattern.test(area.from)) region.suggestion = area.text;
    else region.comment.push(...area.text);
  }
  return regions;
}

function isPrompt(value: unknown): value is Prompt {
  if (typeof value === "string") return true;
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((m) => isObject(m) && typeof m.role === "string" && typeof m.content === "string")
  );
}

function annotatorOf(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "string") return String(value);
  if (isObject(value)) {
    const name = value.email ?? value.username ?? value.id;
    return name === undefined ? undefined : String(name);
  }
  return undefined;
}
