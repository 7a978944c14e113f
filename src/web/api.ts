// The page's client for the server's JSON API: keeps the CSRF token and turns error answers
// into ApiError with the server's message and problems.
import type { Chain } from "../chains/types.js";
import type { Prompt, Span } from "../feedback/schema.js";

/** The logged-in user. */
export interface User {
  id: string;
  username: string;
  role: "admin" | "annotator";
}

/** A project as listed. */
export interface Project {
  id: string;
  name: string;
  description: string;
  items: number;
}

/** One row of the annotator's queue. */
export interface QueueEntry {
  id: string;
  ext_id: string;
  position: number;
  preview: string;
  status: "new" | "started" | "done";
  spans: number;
}

/** An item with the user's annotation and any chains. */
export interface ItemView {
  item: {
    id: string;
    project_id: string;
    ext_id: string;
    position: number;
    prompt: Prompt;
    response: string;
    metadata: Record<string, unknown> | null;
  };
  annotation: {
    spans: Span[];
    submitted: boolean;
    revision: number;
    updated_at: string | null;
  } | null;
  chains: Chain[];
}

/** A failed request: HTTP status (0 when the network failed), message and problems. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly problems: { path?: unknown[]; message: string }[] = [],
  ) {
    super(message);
  }
}

let csrf: string | undefined;

/** Remembers the CSRF token of the current session. */
export function setCsrf(token: string | undefined): void {
  csrf = token;
}

/** Sends a request to the API and parses the JSON answer. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (err) {
    throw new ApiError(0, `cannot reach the server (${err instanceof Error ? err.message : err})`);
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const d = (data ?? {}) as { error?: string; problems?: { message: string }[] };
    throw new ApiError(res.status, d.error ?? `${res.status} ${res.statusText}`, d.problems);
  }
  return data as T;
}

/** Fetches the session and remembers its CSRF token. */
export async function loadSession(): Promise<User | null> {
  const s = await api<{ user: User | null; csrf: string }>("GET", "/session");
  setCsrf(s.csrf);
  return s.user;
}

/** Logs in and remembers the new session's CSRF token. */
export async function login(username: string, password: string): Promise<User> {
  const s = await api<{ user: User; csrf: string }>("POST", "/login", { username, password });
  setCsrf(s.csrf);
  return s.user;
}

/** Saves the user's spans on an item. */
export function saveAnnotation(itemId: string, spans: Span[], submitted: boolean) {
  return api<{ annotation: { revision: number } }>("PUT", `/items/${itemId}/annotation`, {
    spans,
    submitted,
  });
}
