// Users, login sessions and project assignments in the store.
import { randomUUID } from "node:crypto";
import type { Store } from "./open.js";
import { type ArgOf, prepareQuery } from "./prepared.js";

/** A user as the app sees it (never with the password hash). */
export interface User {
  id: string;
  username: string;
  role: "admin" | "annotator";
  created_at: string;
}

/** Fields of a new user; the password arrives already hashed. */
export interface NewUser {
  username: string;
  passwordHash: string;
  role: "admin" | "annotator";
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

/** Problem with a username, or null when it is acceptable. */
export function usernameProblem(username: string): string | null {
  if (USERNAME.test(username)) return null;
  return (
    `username "${username}" must be 1-64 letters, digits or _.@- ` +
    "and start with a letter or digit"
  );
}

/** Adds a user; throws when the name is malformed or taken. */
export async function createUser(store: Store, user: NewUser): Promise<User> {
  const problem = usernameProblem(user.username);
  if (problem) throw new Error(`createUser: ${problem}`);
  if (await findUserWithHash(store, user.username)) {
    throw new Error(`createUser: user "${user.username}" already exists; pick another name`);
  }
  const row: User = {
    id: randomUUID(),
    username: user.username,
    role: user.role,
    created_at: new Date().toISOString(),
  };
  await store.db
    .insertInto("users")
    .values({ ...row, password_hash: user.passwordHash })
    .execute();
  return row;
}

/** The user named `username` with its password hash, or undefined. */
export async function findUserWithHash(
  store: Store,
  username: string,
): Promise<(User & { password_hash: string }) | undefined> {
  return store.db
    .selectFrom("users")
    .select(["id", "username", "role", "created_at", "password_hash"])
    .where("username", "=", username)
    .executeTakeFirst();
}

/** Every user, by name. */
export async function listUsers(store: Store): Promise<User[]> {
  return store.db
    .selectFrom("users")
    .select(["id", "username", "role", "created_at"])
    .orderBy("username")
    .execute();
}

/**
 * Replaces a user's password hash and ends the user's sessions; returns false when there is
 * no such user.
 */
export async function setPasswordHash(
  store: Store,
  username: string,
  passwordHash: string,
): Promise<boolean> {
  const user = await findUserWithHash(store, username);
  if (!user) return false;
  await store.db
    .updateTable("users")
    .set({ password_hash: passwordHash })
    .where("id", "=", user.id)
    .execute();
  await store.db.deleteFrom("sessions").where("user_id", "=", user.id).execute();
  return true;
}

/** A live session with its user. */
export interface SessionUser {
  sessionId: string;
  csrf: string;
  expiresAt: string;
  user: User;
}

/** Stores a session keyed by the hash of its cookie token. */
export async function createSession(
  store: Store,
  session: { id: string; userId: string; csrf: string; expiresAt: Date },
): Promise<void> {
  await store.db
    .insertInto("sessions")
    .values({
      id: session.id,
      user_id: session.userId,
      csrf: session.csrf,
      created_at: new Date().toISOString(),
      expires_at: session.expiresAt.toISOString(),
    })
    .execute();
}

const selectSession = prepareQuery((db, arg: ArgOf<{ id: string; now: string }>) =>
  db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.id as sessionId",
      "sessions.csrf",
      "sessions.expires_at",
      "users.id",
      "users.username",
      "users.role",
      "users.created_at",
    ])
    .where("sessions.id", "=", arg("id"))
    .where("sessions.expires_at", ">", arg("now")),
);

/** The unexpired session with id `id`, or undefined. */
export async function findSession(store: Store, id: string): Promise<SessionUser | undefined> {
  const [row] = await selectSession(store, { id, now: new Date().toISOString() });
  if (!row) return undefined;
  return {
    sessionId: row.sessionId,
    csrf: row.csrf,
    expiresAt: row.expires_at,
    user: { id: row.id, username: row.username, role: row.role, created_at: row.created_at },
  };
}

/** Ends a session. */
export async function deleteSession(store: Store, id: string): Promise<void> {
  await store.db.deleteFrom("sessions").where("id", "=", id).execute();
}

/** Drops expired sessions; returns how many went. */
export async function deleteExpiredSessions(store: Store): Promise<number> {
  const result = await store.db
    .deleteFrom("sessions")
    .where("expires_at", "<=", new Date().toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Lets `userId` work on `projectId` (idempotent). */
export async function assignUser(store: Store, projectId: string, userId: string): Promise<void> {
  await store.db
    .insertInto("assignments")
    .values({ project_id: projectId, user_id: userId, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(["project_id", "user_id"]).doNothing())
    .execute();
}

/** Takes `userId` off `projectId`. */
export async function unassignUser(store: Store, projectId: string, userId: string): Promise<void> {
  await store.db
    .deleteFrom("assignments")
    .where("project_id", "=", projectId)
    .where("user_id", "=", userId)
    .execute();
}

/** Users assigned to a project, by name. */
export async function listAssignees(store: Store, projectId: string): Promise<User[]> {
  return store.db
    .selectFrom("assignments")
    .innerJoin("users", "users.id", "assignments.user_id")
    .select(["users.id", "users.username", "users.role", "users.created_at"])
    .where("assignments.project_id", "=", projectId)
    .orderBy("users.username")
    .execute();
}

/** Whether `user` may see `projectId`: admins see all, annotators their assignments. */
export async function canAccessProject(
  store: Store,
  user: User,
  projectId: string,
): Promise<boolean> {
  if (user.role === "admin") return true;
  const row = await store.db
    .selectFrom("assignments")
    .select("project_id")
    .where("project_id", "=", projectId)
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  return row !== undefined;
}
