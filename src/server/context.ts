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

/** What every route needs: the store, where to log, and how large an import may be. */
export interface AppDeps {
  store: Store;
  logger: Logger;
  /** largest accepted import body in bytes */
  maxImportBytes: number;
}

/** Largest accepted body of an ordinary API request. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Thrown by readJson when a body is over its limit; the app answers 413. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limit: number) {
    super(`request body too large (${limit} bytes at most)`);
  }
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

function readIncoming(incoming: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", function collect(chunk: Buffer) {
      size += chunk.length;
      // past the limit: keep draining so the answer can still be sent, but keep nothing
      if (size <= limit) chunks.push(chunk);
    });
    incoming.once("end", function done() {
      if (size > limit) reject(new BodyTooLargeError(limit));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    incoming.once("error", reject);
  });
}

/**
 * Parses a JSON body of at most `limit` bytes; undefined when it is not JSON. On a listening
 * server the body is read straight from the socket, which spares building a fetch Request.
 */
export async function readJson(c: Context<AppEnv>, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(c.req.header("content-length") ?? Number.NaN);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const incoming = c.env?.incoming;
  let text: string;
  if (incoming && typeof incoming.on === "function" && !incoming.readableDidRead) {
    text = await readIncoming(incoming, limit);
  } else {
    text = await c.req.text();
    if (Buffer.byteLength(text) > limit) throw new BodyTooLargeError(limit);
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
