// Projects, their items and chains in the store: create, list, import from JSONL, and the
// per-annotator queue.
import { randomUUID } from "node:crypto";
import type { Chain } from "../chains/types.js";
import type { User } from "./accounts.js";
import type { ItemTable } from "./database.js";
import type { Store } from "./open.js";
import { prepareQuery } from "./prepared.js";
import type { ItemRecord } from "./records.js";

/** A project with its item count. */
export interface Project {
  id: string;
  name: string;
  description: string;
  created_at: string;
  items: number;
}

/** Adds a project; throws when the name is empty or taken. */
export async function createProject(
  store: Store,
  project: { name: string; description?: string },
): Promise<Project> {
  const name = project.name.trim();
  if (name === "" || name.length > 200) {
    throw new Error(`createProject: name must be 1-200 characters, got ${JSON.stringify(name)}`);
  }
  if (await findProjectByName(store, name)) {
    throw new Error(`createProject: project "${name}" already exists; pick another name`);
  }
  const row = {
    id: randomUUID(),
    name,
    description: project.description ?? "",
    created_at: new Date().toISOString(),
  };
  await store.db.insertInto("projects").values(row).execute();
  return { ...row, items: 0 };
}

/** The project named `name`, or undefined. */
export async function findProjectByName(store: Store, name: string): Promise<Project | undefined> {
  const row = await projectQuery(store).where("projects.name", "=", name).executeTakeFirst();
  return row && withCount(row);
}

/** The project with id `id`, or undefined. */
export async function getProject(store: Store, id: string): Promise<Project | undefined> {
  const row = await projectQuery(store).where("projects.id", "=", id).executeTakeFirst();
  return row && withCount(row);
}

/** Projects `user` may see: all for admins, assigned ones for annotators. */
export async function listProjects(store: Store, user: User): Promise<Project[]> {
  let query = projectQuery(store).orderBy("projects.created_at").orderBy("projects.name");
  if (user.role !== "admin") {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("assignments")
          .select("assignments.project_id")
          .whereRef("assignments.project_id", "=", "projects.id")
          .where("assignments.user_id", "=", user.id),
      ),
    );
  }
  return (await query.execute()).map(withCount);
}

function projectQuery(store: Store) {
  return store.db.selectFrom("projects").select((eb) => [
    "projects.id",
    "projects.name",
    "projects.description",
    "projects.created_at",
    eb
      .selectFrom("items")
      .select((e) => e.fn.countAll().as("n"))
      .whereRef("items.project_id", "=", "projects.id")
      .as("items"),
  ]);
}

function withCount<T extends { items: unknown }>(row: T): T & { items: number } {
  return { ...row, items: Number(row.items ?? 0) };
}

/** What an import did. */
export interface ImportSummary {
  items: number;
  unchanged: number;
  annotations: number;
}

/**
 * Adds records to a project as items, in file order after the existing ones. Records that
 * carry spans also store an annotation under their annotator ("" when none); an empty span
 * list without an annotator (what `redline sample` writes) is only an item. Importing the
 * same record again changes nothing; the same id with a different prompt or response is refused.
 */
export async function importRecords(
  store: Store,
  projectId: string,
  records: ItemRecord[],
): Promise<ImportSummary> {
  return store.db.transaction().execute(async function importInTransaction(trx) {
    const summary: ImportSummary = { items: 0, unchanged: 0, annotations: 0 };
    const last = await trx
      .selectFrom("items")
      .select((eb) => eb.fn.max("position").as("p"))
      .where("project_id", "=", projectId)
      .executeTakeFirst();
    let position = Number(last?.p ?? -1) + 1;
    const now = new Date().toISOString();

    for (const record of records) {
      // the item: new, or the same as before
      const prompt = JSON.stringify(record.prompt);
      const existing = await trx
        .selectFrom("items")
        .select(["id", "prompt", "response"])
        .where("project_id", "=", projectId)
        .where("ext_id", "=", record.id)
        .executeTakeFirst();
      let itemId: string;
      if (existing) {
        if (existing.prompt !== prompt || existing.response !== record.response) {
          throw new Error(
            `importRecords: item "${record.id}" is already in the project with a different ` +
              "prompt or response; give the new one another id",
          );
        }
        itemId = existing.id;
        summary.unchanged++;
      } else {
        itemId = randomUUID();
        const metadata = record.metadata === undefined ? null : JSON.stringify(record.metadata);
        await trx
          .insertInto("items")
          .values({
            id: itemId,
            project_id: projectId,
            ext_id: record.id,
            position: position++,
            prompt,
            response: record.response,
            metadata,
            created_at: now,
          })
          .execute();
        summary.items++;
      }
      // no spans, or the empty list of a fresh sample without annotator: an item to annotate
      if (record.spans === undefined) continue;
      if (record.spans.length === 0 && record.annotator === undefined) continue;

      // the record's spans, as that annotator's annotation
      const values = {
        record_id: record.id,
        spans: JSON.stringify(record.spans),
        created_at: record.created_at ?? null,
        updated_at: record.updated_at ?? null,
        metadata: record.metadata === undefined ? null : JSON.stringify(record.metadata),
      };
      await trx
        .insertInto("annotations")
        .values({
          item_id: itemId,
          annotator: record.annotator ?? "",
          submitted: 1,
          revision: 1,
          ...values,
        })
        .onConflict((oc) =>
          oc
            .columns(["item_id", "annotator"])
            .doUpdateSet((eb) => ({ ...values, revision: eb("annotations.revision", "+", 1) })),
        )
        .execute();
      summary.annotations++;
    }
    return summary;
  });
}

/**
 * Stores chains for display beside their items. A chain belongs to the item whose id equals
 * the chain's id (or its metadata's `item_id`/`record_id`), or to the item whose exported
 * record has that id. Returns how many chains found an item.
 */
export async function importChains(
  store: Store,
  projectId: string,
  chains: Chain[],
): Promise<{ chains: number; linked: number }> {
  return store.db.transaction().execute(async function importChainsInTransaction(trx) {
    let linked = 0;
    const now = new Date().toISOString();
    for (const chain of chains) {
      const keys = [chain.id, chain.metadata?.item_id, chain.metadata?.record_id].filter(
        (k): k is string => typeof k === "string",
      );
      const byItem = await trx
        .selectFrom("items")
        .select("id")
        .where("project_id", "=", projectId)
        .where("ext_id", "in", keys)
        .executeTakeFirst();
      const byRecord = byItem
        ? undefined
        : await trx
            .selectFrom("annotations")
            .innerJoin("items", "items.id", "annotations.item_id")
            .select("items.id")
            .where("items.project_id", "=", projectId)
            .where("annotations.record_id", "in", keys)
            .executeTakeFirst();
      const itemId = byItem?.id ?? byRecord?.id ?? null;
      if (itemId) linked++;
      const body = JSON.stringify(chain);
      await trx
        .insertInto("chains")
        .values({
          id: randomUUID(),
          project_id: projectId,
          item_id: itemId,
          chain_id: chain.id,
          body,
          created_at: now,
        })
        .onConflict((oc) =>
          oc.columns(["project_id", "chain_id"]).doUpdateSet({ item_id: itemId, body }),
        )
        .execute();
    }
    return { chains: chains.length, linked };
  });
}

/** One row of an annotator's queue. */
export interface QueueEntry {
  id: string;
  ext_id: string;
  position: number;
  /** the first characters of the response */
  preview: string;
  status: "new" | "started" | "done";
  spans: number;
}

/** The project's items in queue order, with `annotator`'s progress on each. */
export async function listQueue(
  store: Store,
  projectId: string,
  annotator: string,
): Promise<QueueEntry[]> {
  const rows = await store.db
    .selectFrom("items")
    .leftJoin("annotations", (join) =>
      join
        .onRef("annotations.item_id", "=", "items.id")
        .on("annotations.annotator", "=", annotator),
    )
    .select([
      "items.id",
      "items.ext_id",
      "items.position",
      "items.response",
      "annotations.spans",
      "annotations.submitted",
    ])
    .where("items.project_id", "=", projectId)
    .orderBy("items.position")
    .execute();
  return rows.map((r) => {
    const spans = r.spans ? (JSON.parse(r.spans) as unknown[]).length : 0;
    const status = Number(r.submitted) === 1 ? "done" : r.spans ? "started" : "new";
    return {
      id: r.id,
      ext_id: r.ext_id,
      position: Number(r.position),
      preview: Array.from(r.response.slice(0, 240)).slice(0, 100).join(""),
      status,
      spans,
    };
  });
}

/** The item with id `id`, or undefined. */
export async function getItem(store: Store, id: string): Promise<ItemTable | undefined> {
  const row = await store.db
    .selectFrom("items")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row && { ...row, position: Number(row.position) };
}

// admins see every item, annotators the items of projects they are assigned to
const selectItem = prepareQuery<{ id: string }, ItemTable>((db, arg) =>
  db.selectFrom("items").selectAll("items").where("items.id", "=", arg("id")),
);
const selectAssignedItem = prepareQuery<{ id: string; userId: string }, ItemTable>((db, arg) =>
  db
    .selectFrom("items")
    .selectAll("items")
    .where("items.id", "=", arg("id"))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("assignments")
          .select("assignments.project_id")
          .whereRef("assignments.project_id", "=", "items.project_id")
          .where("assignments.user_id", "=", arg("userId")),
      ),
    ),
);

/** The item with id `id` when `user` may see it (admin, or assigned to its project). */
export async function getItemForUser(
  store: Store,
  id: string,
  user: User,
): Promise<ItemTable | undefined> {
  const [row] =
    user.role === "admin"
      ? await selectItem(store, { id })
      : await selectAssignedItem(store, { id, userId: user.id });
  return row && { ...row, position: Number(row.position) };
}

/** Chains stored for an item, parsed. */
export async function listItemChains(store: Store, itemId: string): Promise<Chain[]> {
  const rows = await store.db
    .selectFrom("chains")
    .select("body")
    .where("item_id", "=", itemId)
    .orderBy("chain_id")
    .execute();
  return rows.map((r) => JSON.parse(r.body) as Chain);
}
