// The annotation page in headless Chromium (Debian's /usr/bin/chromium via playwright-core):
// log in, drag-select a span after an emoji, mark it disliked with a comment and a suggestion,
// reload and find it kept, export and check the code-point offsets; keyboard selection;
// nothing lost when saves fail and the page reloads; script payloads never run.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedbackRecord } from "../../src/feedback/schema.js";
import { hashPassword } from "../../src/server/passwords.js";
import { type RunningServer, startServer } from "../../src/server/serve.js";
import { createTestClient, type TestClient } from "../../src/server/testing.js";
import {
  assignUser,
  createProject,
  createUser,
  importChains,
  importRecords,
  parseItemLines,
} from "../../src/store/index.js";
import { type TestStore, testStoreKinds } from "../../src/store/testing.js";

const CHROMIUM = "/usr/bin/chromium";
const PASSWORD = "annotate-all-day";
const XSS = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
const items = [
  { id: "emoji", prompt: "Greet me", response: "👋🏽 Hello there, dear world!\nSecond line." },
  { id: "keys", prompt: "Keys", response: "🎉abc def" },
  { id: "drop", prompt: "Drop", response: "Saving must survive a lost connection." },
  { id: "xss", prompt: XSS, response: `Here is markup: ${XSS} and more.` },
  { id: "chain", prompt: "Count", response: "One, too, three." },
];
const chain = {
  id: "chain",
  prompt: "Count",
  status: "complete" as const,
  rejected: [],
  steps: [
    { index: 0, text: "One, too, three.", spans: [] },
    {
      index: 1,
      text: "One, two, three.",
      spans: [],
      edit: {
        span_index: 0,
        comment: "spelling",
        before: "too",
        after: "two",
        range_before: [5, 8] as [number, number],
        range_after: [5, 8] as [number, number],
        reviser: "suggestion",
      },
    },
  ],
};

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt install chromium)`);

describe.skipIf(!hasChromium && !process.env.CI)("annotation page in Chromium", () => {
  let webRoot: string;
  let store: TestStore;
  let server: RunningServer;
  let browser: Browser;
  let admin: TestClient;
  let projectId: string;
  const itemIds = new Map<string, string>();

  beforeAll(async () => {
    // build the page into a temporary folder
    webRoot = mkdtempSync(join(tmpdir(), "redline-web-"));
    await build({
      configFile: join(import.meta.dirname, "../../src/web/vite.config.ts"),
      build: { outDir: webRoot, emptyOutDir: true },
      logLevel: "error",
    });

    // a store with one project, an admin and an annotator
    store = await testStoreKinds()[0].open();
    const hash = await hashPassword(PASSWORD);
    await createUser(store, { username: "boss", role: "admin", passwordHash: hash });
    const ann = await createUser(store, { username: "ann", role: "annotator", passwordHash: hash });
    const project = await createProject(store, { name: "browser" });
    projectId = project.id;
    const parsed = parseItemLines(items.map((i) => JSON.stringify(i)).join("\n"));
    await importRecords(
      store,
      project.id,
      parsed.records.map((r) => r.record),
    );
    await assignUser(store, project.id, ann.id);
    await importChains(store, project.id, [chain]);
    const rows = await store.db.selectFrom("items").select(["id", "ext_id"]).execute();
    for (const r of rows) itemIds.set(r.ext_id, r.id);

    server = await startServer({ store, webRoot, port: 0 });
    admin = createTestClient({ baseUrl: server.url });
    expect((await admin.login("boss", PASSWORD)).status).toBe(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.dispose();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  async function openItem(ext: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (err) => {
      throw err;
    });
    await page.goto(`${server.url}/`);
    await page.fill("input[name=username]", "ann");
    await page.fill("input[name=password]", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForSelector(".project");
    await page.goto(`${server.url}/#/p/${projectId}/i/${itemIds.get(ext)}`);
    await page.waitForSelector("[data-testid=response]");
    return page;
  }

  async function exported(ext: string): Promise<FeedbackRecord | undefined> {
    const text = await (
      await admin.get(`/api/admin/projects/${projectId}/export?annotator=ann`)
    ).text();
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FeedbackRecord)
      .find((r) => r.id === `${ext}#ann`);
  }

  async function waitSaved(page: Page): Promise<void> {
    await page.waitForFunction(
      () =>
        document.querySelector("[data-testid=save-status]")?.textContent === "All changes saved",
    );
  }

  /** Screen boxes of the first and last character of `target` in the response. */
  async function charBoxes(page: Page, target: string) {
    return page.evaluate((t) => {
      const root = document.querySelector("[data-testid=response]")!;
      const full = root.textContent ?? "";
      const at = full.indexOf(t);
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      function locate(index: number): [Text, number] {
        let seen = 0;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = n as Text;
          if (index < seen + text.length) return [text, index - seen];
          seen += text.length;
        }
        throw new Error(`no character at ${index}`);
      }
      function box(index: number) {
        walker.currentNode = root;
        const [node, offset] = locate(index);
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        const r = range.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }
      return { first: box(at), last: box(at + t.length - 1) };
    }, target);
  }

  it("keeps a dragged disliked span with comment and suggestion over a reload", async () => {
    const page = await openItem("emoji");
    const { first, last } = await charBoxes(page, "dear world");
    await page.mouse.move(first.x + 1, first.y + first.height / 2);
    await page.mouse.down();
    await page.mouse.move(last.x + last.width / 2, last.y + last.height / 2, { steps: 8 });
    await page.mouse.move(last.x + last.width - 1, last.y + last.height / 2);
    await page.mouse.up();
    await expect
      .poll(() => page.locator("[data-testid=pending-selection]").textContent())
      .toContain("dear world");

    await page.keyboard.press("d");
    await page.locator("[data-testid=comment-1]").fill(`Too cosy ${XSS}`);
    await page.locator("[data-testid=suggestion-1]").fill("planet");
    await waitSaved(page);

    await page.reload();
    await page.waitForSelector("[data-testid=span-card-1]");
    expect(await page.locator("[data-testid=comment-1]").inputValue()).toBe(`Too cosy ${XSS}`);
    expect(await page.locator("[data-testid=suggestion-1]").inputValue()).toBe("planet");
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    // 👋🏽 is two code points (four UTF-16 units): "dear world" starts at code point 16
    const record = await exported("emoji");
    expect(record?.spans).toEqual([
      {
        start: 16,
        end: 26,
        label: "disliked",
        text: "dear world",
        comment: `Too cosy ${XSS}`,
        suggestion: "planet",
      },
    ]);
    const cps = Array.from(record!.response);
    expect(cps.slice(16, 26).join("")).toBe("dear world");
    await page.close();
  });

  it("makes, deletes and restores a liked span from the keyboard alone", async () => {
    const page = await openItem("keys");
    await page.keyboard.press("e");
    for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("l");
    await page.keyboard.press("Delete");
    expect(await page.locator(".span-card").count()).toBe(0);
    await page.keyboard.press("u");
    await waitSaved(page);
    expect(await page.locator("[data-testid=span-card-1]").getAttribute("class")).toContain(
      "liked",
    );
    expect((await exported("keys"))?.spans).toEqual([
      { start: 0, end: 4, label: "liked", text: "🎉abc" },
    ]);

    // Enter marks it done and moves on; the done export then holds it
    const before = page.url();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).not.toBe(before);
    await expect
      .poll(async () => {
        const text = await (
          await admin.get(`/api/admin/projects/${projectId}/export?done=1&annotator=ann`)
        ).text();
        return text.includes('"id":"keys#ann"');
      })
      .toBe(true);
    await page.close();
  });

  it("keeps an edit made while saves fail over a reload, then stores it", async () => {
    const page = await openItem("drop");
    await page.route("**/annotation", (route) => route.abort("internetdisconnected"));
    const { first, last } = await charBoxes(page, "lost");
    await page.mouse.move(first.x + 1, first.y + first.height / 2);
    await page.mouse.down();
    await page.mouse.move(last.x + last.width - 1, last.y + last.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.press("d");
    await page.locator("[data-testid=comment-1]").fill("kept offline");
    await page.waitForFunction(() =>
      document
        .querySelector("[data-testid=save-status]")
        ?.textContent?.includes("kept on this device"),
    );

    await page.reload();
    await page.waitForSelector("[data-testid=span-card-1]");
    expect(await page.locator("[data-testid=comment-1]").inputValue()).toBe("kept offline");
    expect(await exported("drop")).toBeUndefined();

    await page.unroute("**/annotation");
    await waitSaved(page);
    expect((await exported("drop"))?.spans).toEqual([
      { start: 22, end: 26, label: "disliked", text: "lost", comment: "kept offline" },
    ]);
    await page.close();
  });

  it("shows script payloads in prompts and answers as text without running them", async () => {
    const page = await openItem("xss");
    const text = await page.locator("[data-testid=response]").textContent();
    expect(text).toBe(items[3].response);
    expect(await page.locator(".prompt-text").textContent()).toBe(XSS);
    expect(await page.locator("[data-testid=response] img, .prompt img").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await page.close();
  });

  it("shows each chain step with its edit marked", async () => {
    const page = await openItem("chain");
    await page.click("text=Chains (1)");
    await page.waitForSelector("[data-testid=chains]");
    expect(await page.locator(".chain-after").textContent()).toBe("two");
    expect(await page.locator(".chain-before").textContent()).toBe("too");
    expect(await page.locator(".chain-text").nth(1).textContent()).toBe("One, tootwo, three.");
    await page.close();
  });
});
