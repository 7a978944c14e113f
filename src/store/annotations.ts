// Annotations in the store: one annotator's spans on one item, saved whole on every change,
// and the project's annotations exported as feedback records.

import type { Kysely } from "kysely";
import type { FeedbackRecord, Span } from "../feedback/schema.js";
import type { Database } from "./database.js";
import type { Store } from "./open.js";
import { type ArgOf, prepareQuery } from "./prepared.js";
import { toFeedbackRecord } from "./records.js";
import { checkSpans, type SpanProblem, spanRuleErrors } from "./spans.js";

/** An annotation as the app sees it. */
export interface Annotation {
  item_id: string;
  annotator: string;
  record_id: string;
  spans: Span[];
  submitted: boolean;
  revision: number;
  updated_at: string | null;
}

/** `annotator`'s annotation of `itemId`, or undefined when there is none yet. */
export async function getAnnotation(
  store: Store,
  itemId: string,
  annotator: string,
): Promise<Annotation | undefined> {
  const row = await store.db
    .selectFrom("annotations")
    .select(["item_id", "annotator", "record_id", "spans", "submitted", "revision", "updated_at"])
    .where("item_id", "=", itemId)
    .where("annotator", "=", annotator)
    .executeTakeFirst();
  return row && toAnnotation(row);
}

/** Options of saveAnnotation. */
export interface SaveAnnotationOptions {
  item: { id: string; ext_id: string; response: string };
  annotator: string;
  /** the spans as submitted; checked against the response before anything is written */
  spans: unknown;
  /** mark the item done (true; the spans must then pass the validator) or reopen it (false) */
  submitted?: boolean;
}

/** Result of a save: the stored annotation, or the problems that kept it from being stored. */
export type SaveResult =
  | { ok: true; annotation: Annotation }
  | { ok: false; problems: SpanProblem[] };

/** Checks and stores `annotator`'s whole span list for an item (insert or replace). */
export async function saveAnnotation(
  store: Store,
  options: SaveAnnotationOptions,
): Promise<SaveResult> {
  const checked = checkSpans(options.item.response, options.spans);
  if (!checked.ok) return checked;
  if (options.submitted) {
    // a record marked done must pass the feedback validator, so the data path can use it
    const problems = spanRuleErrors(options.item.response, checked.spans);
    if (problems.length > 0) return { ok: false, problems };
  }

  const now = new Date().toISOString();
  const args = {
    itemId: options.item.id,
    annotator: options.annotator,
    recordId: `${options.item.ext_id}#${options.annotator}`,
    spans: JSON.stringify(checked.spans),
    now,
  };
  const [row] =
    options.submitted === undefined
      ? await upsertAnnotation(store, args)
      : await upsertAnnotationSubmitted(store, { ...args, submitted: options.submitted ? 1 : 0 });
  if (!row) throw new Error(`internal: saveAnnotation: no row came back for item ${args.itemId}`);
  return { ok: true, annotation: toAnnotation(row) };
}

/** The arguments of the annotation upsert. */
interface UpsertArgs extends Record<string, unknown> {
  itemId: string;
  annotator: string;
  recordId: string;
  spans: string;
  now: string;
  submitted: number;
}

/**
 * Inserts the annotation, or replaces the spans of the stored one and counts its revision up,
 * in one statement so concurrent saves of the same annotation each count. `submitted` is set
 * only when the save says so.
 */
function buildUpsert(db: Kysely<Database>, arg: ArgOf<UpsertArgs>, setSubmitted: boolean) {
  return db
    .insertInto("annotations")
    .values({
      item_id: arg("itemId"),
      annotator: arg("annotator"),
      record_id: arg("recordId"),
      spans: arg("spans"),
      submitted: setSubmitted ? arg("submitted") : 0,
      revision: 1,
      created_at: arg("now"),
      updated_at: arg("now"),
      metadata: null,
    })
    .onConflict((oc) =>
      oc.columns(["item_id", "annotator"]).doUpdateSet((eb) => ({
        spans: arg("spans"),
        updated_at: arg("now"),
        revision: eb("annotations.revision", "+", 1),
        created_at: eb.fn.coalesce("annotations.created_at", eb.val(arg("now"))),
        ...(setSubmitted ? { submitted: arg("submitted") } : {}),
      })),
    )
    .returning([
      "item_id",
      "annotator",
      "record_id",
      "spans",
      "submitted",
      "revision",
      "updated_at",
    ]);
}

const upsertAnnotation = prepareQuery((db, arg: ArgOf<Omit<UpsertArgs, "submitted">>) =>
  buildUpsert(db, arg as ArgOf<UpsertArgs>, false),
);
const upsertAnnotationSubmitted = prepareQuery((db, arg: ArgOf<UpsertArgs>) =>
  buildUpsert(db, arg, true),
);

function toAnnotation(row: {
  item_id: string;
  annotator: string;
  record_id: string;
  spans: string;
  submitted: number;
  revision: number;
  updated_at: string | null;
}): Annotation {
  return {
    item_id: row.item_id,
    annotator: row.annotator,
    record_id: row.record_id,
    spans: JSON.parse(row.spans) as Span[],
    submitted: Number(row.submitted) === 1,
    revision: Number(row.revision),
    updated_at: row.updated_at,
  };
}

/** Options of exportRecords. */
export interface ExportRecordsOptions {
  /** only annotations marked done; default false (every stored annotation) */
  submittedOnly?: boolean;
  /** only this annotator's annotations */
  annotator?: string;
}

/** The project's annotations as feedback records, in queue order, then by annotator. */
export async function exportRecords(
  store: Store,
  projectId: string,
  options: ExportRecordsOptions = {},
): Promise<FeedbackRecord[]> {
  let query = store.db
    .selectFrom("annotations")
    .innerJoin("items", "items.id", "annotations.item_id")
    .select([
      "items.prompt",
      "items.response",
      "items.metadata as item_metadata",
      "annotations.record_id",
      "annotations.annotator",
      "annotations.spans",
      "annotations.created_at",
      "annotations.updated_at",
      "annotations.metadata",
    ])
    .where("items.project_id", "=", projectId)
    .orderBy("items.position")
    .orderBy("annotations.annotator");
  if (options.submittedOnly) query = query.where("annotations.submitted", "=", 1);
  if (options.annotator !== undefined) {
    query = query.where("annotations.annotator", "=", options.annotator);
  }
  const rows = await query.execute();
  return rows.map((r) => toFeedbackRecord({ ...r, metadata: r.item_metadata }, r));
}

/** The project's annotations with what the quality views need. */
export interface ProjectAnnotation {
  item_id: string;
  annotator: string;
  spans: Span[];
  submitted: boolean;
  updated_at: string | null;
}

/** Every annotation of the project, for progress and agreement. */
export async function listProjectAnnotations(
  store: Store,
  projectId: string,
): Promise<ProjectAnnotation[]> {
  const rows = await store.db
    .selectFrom("annotations")
    .innerJoin("items", "items.id", "annotations.item_id")
    .select([
      "annotations.item_id",
      "annotations.annotator",
      "annotations.spans",
      "annotations.submitted",
      "annotations.updated_at",
    ])
    .where("items.project_id", "=", projectId)
    .execute();
  return rows.map((r) => ({
    item_id: r.item_id,
    annotator: r.annotator,
    spans: JSON.parse(r.spans) as Span[],
    submitted: Number(r.submitted) === 1,
    updated_at: r.updated_at,
  }));
}

/** Number of stored annotations in a project (the load benchmark's lost-write check). */
export async function countAnnotations(store: Store, projectId: string): Promise<number> {
  const row = await store.db
    .selectFrom("annotations")
    .innerJoin("items", "items.id", "annotations.item_id")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("items.project_id", "=", projectId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
