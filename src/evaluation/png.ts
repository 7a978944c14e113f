// Rasterises SVG charts to PNG with a locally installed Chromium (through playwright-core), so
// reports get PNG copies without downloading anything. Without a browser it reports why and the
// report keeps its SVGs only.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { Logger } from "../common/logger.js";

/** Chromium binaries looked for, in order; REDLINE_CHROMIUM overrides them. */
export const CHROMIUM_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

/** The Chromium to use, or undefined when none is installed. */
export function findChromium(): string | undefined {
  const env = process.env.REDLINE_CHROMIUM;
  if (env) return existsSync(env) ? env : undefined;
  return CHROMIUM_PATHS.find((p) => existsSync(p));
}

/** One chart to rasterise. */
export interface SvgJob {
  svg: string;
  /** where the PNG goes */
  file: string;
}

/**
 * Writes a PNG (at 2× scale) for every SVG job; returns the files written. Failures are logged
 * as warnings and leave the SVGs as the only rendering.
 */
export async function renderPngs(jobs: SvgJob[], logger: Logger): Promise<string[]> {
  if (jobs.length === 0) return [];
  const executablePath = findChromium();
  if (!executablePath) {
    logger.warn(`renderPngs: no Chromium found (looked at ${CHROMIUM_PATHS.join(", ")}); SVG only`);
    return [];
  }
  const written: string[] = [];
  let browser: import("playwright-core").Browser | undefined;
  try {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    for (const job of jobs) {
      await page.setContent(`<html><body style="margin:0">${job.svg}</body></html>`);
      const png = await page.locator("svg").first().screenshot({ type: "png" });
      await writeFile(job.file, png);
      written.push(job.file);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    logger.warn(`renderPngs: Chromium at ${executablePath} failed (${message}); SVG only`);
  } finally {
    await browser?.close().catch(() => {});
  }
  return written;
}
