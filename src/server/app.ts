// The annotation server as a Hono app: JSON API under /api, the built web page everywhere else.
// Use createApp for in-process requests (tests) and startServer (serve.ts) to listen.
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { type Logger, silentLogger } from "../common/logger.js";
import type { Store } from "../store/index.js";
import { createAdminApi } from "./admin-api.js";
import { createAnnotateApi } from "./annotate-api.js";
import { type AuthOptions, createAuth } from "./auth.js";
import { type AppEnv, BodyTooLargeError, fail } from "./context.js";
import { serveWebApp } from "./static-files.js";

/** Where the web app is built by default (`npm run build:web`). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL("../../dist/web", import.meta.url));

/** Options of createApp. */
export interface AppOptions extends AuthOptions {
  store: Store;
  logger?: Logger;
  /** folder of the built web app; default dist/web */
  webRoot?: string;
  /** largest accepted request body for imports, in bytes; default 64 MiB */
  maxImportBytes?: number;
}

/** Content-Security-Policy of every answer: scripts and styles only from this server. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Builds the server app on an open store. */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const logger = options.logger ?? silentLogger;
  const deps = {
    store: options.store,
    logger,
    maxImportBytes: options.maxImportBytes ?? 64 * 1024 * 1024,
  };
  const auth = createAuth(deps, options);
  const app = new Hono<AppEnv>();

  app.use("*", async function securityHeaders(c, next) {
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("X-Frame-Options", "DENY");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cross-Origin-Opener-Policy", "same-origin");
    await next();
  });

  // api: session, csrf, then the routes by role
  app.use("/api/*", async function noStore(c, next) {
    c.header("Cache-Control", "no-store");
    await next();
  });
  app.use("/api/*", auth.session);
  app.use("/api/*", auth.csrf);
  app.route("/api", auth.routes);
  app.use("/api/admin/*", auth.requireAdmin);
  app.route("/api/admin", createAdminApi(deps));
  app.use("/api/projects", auth.requireUser);
  app.use("/api/projects/*", auth.requireUser);
  app.use("/api/items/*", auth.requireUser);
  app.route("/api", createAnnotateApi(deps));
  app.all("/api/*", (c) => fail(c, 404, `no API route ${c.req.method} ${c.req.path}`));

  // everything else is the web page
  app.get("*", serveWebApp(options.webRoot ?? DEFAULT_WEB_ROOT));

  app.onError(function handleError(err, c) {
    if (err instanceof HTTPException) return err.getResponse();
    if (err instanceof BodyTooLargeError) return fail(c, 413, err.message);
    logger.error(`${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return fail(c, 500, "internal error; the server log has the details");
  });
  return app;
}
