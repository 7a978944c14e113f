// Serves the built web app (index.html and its hashed assets) from a folder, answering any
// other page path with index.html so the app's own routes survive a reload.
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import type { Context } from "hono";
import type { AppEnv } from "./context.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
};

const MISSING_APP = `<!doctype html><meta charset="utf-8"><title>Redline</title>
<p>The web app is not built. Run <code>npm run build:web</code> and restart the server.</p>`;

/** Returns a handler that serves files under `root`, with index.html as the fallback. */
export function serveWebApp(root: string) {
  const base = normalize(root + sep);
  const cache = new Map<string, Buffer>();

  async function load(path: string): Promise<Buffer | undefined> {
    const hit = cache.get(path);
    if (hit) return hit;
    try {
      if (!(await stat(path)).isFile()) return undefined;
      const data = await readFile(path);
      cache.set(path, data);
      return data;
    } catch {
      return undefined;
    }
  }

  return async function serveFile(c: Context<AppEnv>) {
    const urlPath = decodeURIComponent(new URL(c.req.url).pathname);
    const file = normalize(join(base, urlPath));
    const inside = file.startsWith(base);
    const isAsset = inside && extname(file) !== "" && urlPath !== "/";

    // a real asset: hashed names never change, so they may be cached for long
    if (isAsset) {
      const data = await load(file);
      if (!data) return c.text("not found", 404);
      c.header("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
      if (urlPath.startsWith("/assets/"))
        c.header("Cache-Control", "public, max-age=31536000, immutable");
      return c.body(new Uint8Array(data));
    }

    // any page path: the app itself
    const index = await load(join(base, "index.html"));
    c.header("Cache-Control", "no-cache");
    if (!index) return c.html(MISSING_APP, 503);
    c.header("Content-Type", TYPES[".html"]);
    return c.body(new Uint8Array(index));
  };
}
