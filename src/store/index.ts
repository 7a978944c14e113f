// The annotation store: SQLite or PostgreSQL behind one Kysely query layer.
export * from "./accounts.js";
export * from "./annotations.js";
export type { Database } from "./database.js";
export { migrateToLatest } from "./migrations.js";
export * from "./open.js";
export * from "./projects.js";
export * from "./quality.js";
export * from "./records.js";
export * from "./spans.js";
