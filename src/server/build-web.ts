// Builds the annotation page with Vite when the folder `redline serve` serves holds no build yet,
// so a fresh checkout serves a working page without a separate build step.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../common/logger.js";

const VITE_CONFIG = fileURLToPath(new URL("../web/vite.config.ts", import.meta.url));

/** Builds the web page into `webRoot` unless `webRoot/index.html` already exists. */
export async function ensureWebBuilt(webRoot: string, logger: Logger): Promise<void> {
  if (existsSync(join(webRoot, "index.html"))) return;
  logger.info(`redline: building the annotation page into ${webRoot} (once)`);
  const { build } = await import("vite");
  await build({
    configFile: VITE_CONFIG,
    build: { outDir: webRoot, emptyOutDir: true },
    logLevel: "warn",
  });
}
