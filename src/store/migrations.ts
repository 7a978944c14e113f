// Schema migrations of the annotation store, run in order by Kysely's migrator on both
// SQLite and PostgreSQL. Only portable column types are used (text, integer).
import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("users")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("username", "text", (c) => c.notNull().unique())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("sessions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("csrf", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("projects")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull().unique())
      .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("assignments")
      .addColumn("project_id", "text", (c) =>
        c.notNull().references("projects.id").onDelete("cascade"),
      )
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("assignments_pk", ["project_id", "user_id"])
      .execute();

    await db.schema
      .createTable("items")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("project_id", "text", (c) =>
        c.notNull().references("projects.id").onDelete("cascade"),
      )
      .addColumn("ext_id", "text", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("prompt", "text", (c) => c.notNull())
      .addColumn("response", "text", (c) => c.notNull())
      .addColumn("metadata", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint("items_project_ext", ["project_id", "ext_id"])
      .execute();
    await db.schema
      .createIndex("items_project_position")
      .on("items")
      .columns(["project_id", "position"])
      .execute();

    await db.schema
      .createTable("annotations")
      .addColumn("item_id", "text", (c) => c.notNull().references("items.id").onDelete("cascade"))
      .addColumn("annotator", "text", (c) => c.notNull())
      .addColumn("record_id", "text", (c) => c.notNull())
      .addColumn("spans", "text", (c) => c.notNull())
      .addColumn("submitted", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("created_at", "text")
      .addColumn("updated_at", "text")
      .addColumn("metadata", "text")
      .addPrimaryKeyConstraint("annotations_pk", ["item_id", "annotator"])
      .execute();

    await db.schema
      .createTable("chains")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("project_id", "text", (c) =>
        c.notNull().references("projects.id").onDelete("cascade"),
      )
      .addColumn("item_id", "text", (c) => c.references("items.id").onDelete("set null"))
      .addColumn("chain_id", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint("chains_project_chain", ["project_id", "chain_id"])
      .execute();
    await db.schema.createIndex("chains_item").on("chains").column("item_id").execute();
  },
};

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = { "0001_initial": initial };

const provider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

/**
 * Brings the schema of `db` up to the newest migration. `schema` names the PostgreSQL schema
 * that holds the tables, so the migrator's bookkeeping tables in other schemas are not taken
 * for its own.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migrateToLatest: migration ${failed} failed: ${reason}`);
  }
}
