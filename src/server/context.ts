// The request context shared by the server's routes: what the session middleware puts on it
// and small helpers that answer with a JSON error.
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { Logger } from "../common/logger.js";
import type { SessionUser, Store, User } from "../store/index.js";

/** Hono environment of the app. */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage };
  Variables: {
    /** the logged-in session, or null */
    auth: SessionUser | null;
  };
}

/** What every route needs: the store and where to log. */
export interface AppDeps {
  store: Store;
  logger: Logger;
}

/** A JSON error body: a message and, for bad input, the problems found. */
export interface ErrorBody {
  error: string;
  problems?: unknown[];
}

/** Answers `status` with a JSON error. */
export function fail(
  c: Context<AppEnv>,
  status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500,
  error: string,
  problems?: unknown[],
) {
  const body: ErrorBody = problems ? { error, problems } : { error };
  return c.json(body, status);
}

/** The logged-in user, or undefined (routes answer 401 then). */
export function currentUser(c: Context<AppEnv>): User | undefined {
  return c.get("auth")?.user;
}

/** The client's address as the socket reports it; "local" for in-process requests. */
export function clientAddress(c: Context<AppEnv>): string {
  return c.env?.incoming?.socket?.remoteAddress ?? "local";
}

/** Parses a JSON body; undefined when it is not JSON. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}
