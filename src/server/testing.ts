// A cookie-keeping client for tests that sends real requests to the app, in process
// (app.request) or over TCP to a listening server, with the CSRF header on writes.
import type { Hono } from "hono";
import type { AppEnv } from "./context.js";

/** Options of createTestClient. */
export interface TestClientOptions {
  /** the app, for in-process requests */
  app?: Hono<AppEnv>;
  /** base URL of a listening server, instead of `app` */
  baseUrl?: string;
}

/** A browser-like client: keeps cookies, remembers the CSRF token of its session. */
export interface TestClient {
  csrf: string | undefined;
  cookies: Map<string, string>;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  get(path: string): Promise<Response>;
  send(method: string, path: string, body?: unknown): Promise<Response>;
  login(username: string, password: string): Promise<Response>;
}

/** Creates a client with an empty cookie jar. */
export function createTestClient(options: TestClientOptions): TestClient {
  const base = options.baseUrl ?? "http://localhost";
  const client: TestClient = {
    csrf: undefined,
    cookies: new Map(),

    async request(method, path, body, headers = {}) {
      const all: Record<string, string> = { ...headers };
      if (client.cookies.size > 0) {
        all.cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      }
      if (body !== undefined) all["content-type"] = "application/json";
      const init: RequestInit = {
        method,
        headers: all,
        body: body === undefined ? undefined : JSON.stringify(body),
      };
      const res = options.app
        ? await options.app.request(`${base}${path}`, init)
        : await fetch(`${base}${path}`, init);
      for (const line of res.headers.getSetCookie()) {
        const [pair, ...attrs] = line.split(";");
        const eq = pair.indexOf("=");
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        const expired = attrs.some((a) => /max-age=0\b/i.test(a.trim())) || value === "";
        if (expired) client.cookies.delete(name);
        else client.cookies.set(name, value);
      }
      return res;
    },

    get(path) {
      return client.request("GET", path);
    },

    send(method, path, body) {
      return client.request(method, path, body, client.csrf ? { "x-csrf-token": client.csrf } : {});
    },

    async login(username, password) {
      const session = (await (await client.get("/api/session")).json()) as { csrf: string };
      client.csrf = session.csrf;
      const res = await client.send("POST", "/api/login", { username, password });
      if (res.ok) client.csrf = ((await res.clone().json()) as { csrf: string }).csrf;
      return res;
    },
  };
  return client;
}
