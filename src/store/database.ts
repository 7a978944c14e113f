// Table types of the annotation store, shared by SQLite and PostgreSQL through Kysely.
// Ids are random text, times are ISO 8601 text and JSON values are stored as text, so one
// set of queries and one set of migrations serve both databases.

/** An account that logs in to the annotation app. */
export interface UserTable {
  id: string;
  username: string;
  /** `scrypt$N$r$p$salt$hash`, see src/server/passwords.ts */
  password_hash: string;
  role: "admin" | "annotator";
  created_at: string;
}

/** A login session; the cookie holds the token, the table only its SHA-256. */
export interface SessionTable {
  id: string;
  user_id: string;
  csrf: string;
  created_at: string;
  expires_at: string;
}

/** A set of items annotated together. */
export interface ProjectTable {
  id: string;
  name: string;
  description: string;
  created_at: string;
}

/** Which annotator may work on which project. */
export interface AssignmentTable {
  project_id: string;
  user_id: string;
  created_at: string;
}

/** One prompt and model answer to annotate. */
export interface ItemTable {
  id: string;
  project_id: string;
  /** the record id the item was imported with */
  ext_id: string;
  /** order in the annotators' queues */
  position: number;
  /** JSON of the feedback format's prompt */
  prompt: string;
  response: string;
  /** JSON object or null */
  metadata: string | null;
  created_at: string;
}

/** One annotator's spans on one item; the pair (item_id, annotator) is the key. */
export interface AnnotationTable {
  item_id: string;
  /** the username, or "" for imported records without an annotator */
  annotator: string;
  /** id of the exported feedback record */
  record_id: string;
  /** JSON array of feedback spans */
  spans: string;
  /** 1 once the annotator marked the item done */
  submitted: number;
  /** grows by one on every save */
  revision: number;
  created_at: string | null;
  updated_at: string | null;
  /** JSON object kept from an imported record, or null to use the item's */
  metadata: string | null;
}

/** An improvement chain imported for display beside its item. */
export interface ChainTable {
  id: string;
  project_id: string;
  item_id: string | null;
  chain_id: string;
  /** JSON of the chain */
  body: string;
  created_at: string;
}

/** The whole schema, as Kysely sees it. */
export interface Database {
  users: UserTable;
  sessions: SessionTable;
  projects: ProjectTable;
  assignments: AssignmentTable;
  items: ItemTable;
  annotations: AnnotationTable;
  chains: ChainTable;
}
