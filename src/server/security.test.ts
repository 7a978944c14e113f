// Security of the API: sessions and CSRF on every write, cookie flags, login rate limits,
// hashed passwords, and untrusted text served only as JSON under a strict page policy.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUser, findUserWithHash } from "../store/index.js";
import { type TestStore, testStoreKinds } from "../store/testing.js";
import { CONTENT_SECURITY_POLICY, createApp } from "./app.js";
import { hashPassword } from "./passwords.js";
import { createTestClient, type TestClient } from "./testing.js";

const PASSWORD = "s3cret-enough";
const XSS = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
const sqlite = testStoreKinds().find((k) => k.name === "sqlite")!;

describe("API security", () => {
  let store: TestStore;
  let app: ReturnType<typeof createApp>;
  let admin: TestClient;
  let pid: string;

  beforeEach(async () => {
    store = await sqlite.open();
    app = createApp({ store, webRoot: "/nonexistent", loginAttempts: 3 });
    await createUser(store, {
      username: "boss",
      role: "admin",
      passwordHash: await hashPassword(PASSWORD),
    });
    admin = createTestClient({ app });
    expect((await admin.login("boss", PASSWORD)).status).toBe(200);
    const res = await admin.send("POST", "/api/admin/projects", { name: "p" });
    pid = ((await res.json()) as { project: { id: string } }).project.id;
    const line = JSON.stringify({ id: "x", prompt: XSS, response: `Answer ${XSS}` });
    await admin.send("POST", `/api/admin/projects/${pid}/items`, { jsonl: line });
  });

  afterEach(async () => {
    await store?.dispose();
  });

  it("refuses every API read and write without a session", async () => {
    const anon = createTestClient({ app });
    expect((await anon.get("/api/projects")).status).toBe(401);
    expect((await anon.get(`/api/projects/${pid}/queue`)).status).toBe(401);
    expect((await anon.get(`/api/admin/projects/${pid}/export`)).status).toBe(401);
    await anon.get("/api/session");
    const session = (await (await anon.get("/api/session")).json()) as { csrf: string };
    anon.csrf = session.csrf;
    expect((await anon.send("POST", "/api/admin/projects", { name: "q" })).status).toBe(401);
  });

  it("refuses a write with a session but without or with a wrong CSRF token", async () => {
    const body = { name: "sneaky" };
    const none = await admin.request("POST", "/api/admin/projects", body);
    expect(none.status).toBe(403);
    const wrong = await admin.request("POST", "/api/admin/projects", body, {
      "x-csrf-token": "not-the-token",
    });
    expect(wrong.status).toBe(403);
    const logout = await admin.request("POST", "/api/logout");
    expect(logout.status).toBe(403);
    expect((await admin.get("/api/projects")).status).toBe(200);
  });

  it("refuses a write from another origin even with the token", async () => {
    const res = await admin.request(
      "POST",
      "/api/admin/projects",
      { name: "x" },
      {
        "x-csrf-token": admin.csrf!,
        origin: "https://evil.example",
      },
    );
    expect(res.status).toBe(403);
  });

  it("refuses a login without the pre-login token", async () => {
    const anon = createTestClient({ app });
    const res = await anon.request("POST", "/api/login", { username: "boss", password: PASSWORD });
    expect(res.status).toBe(403);
  });

  it("sets the session cookie HttpOnly and SameSite=Strict and ends it on logout", async () => {
    const client = createTestClient({ app });
    await client.get("/api/session");
    const session = (await (await client.get("/api/session")).json()) as { csrf: string };
    client.csrf = session.csrf;
    const res = await client.send("POST", "/api/login", { username: "boss", password: PASSWORD });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("redline_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);

    expect((await admin.send("POST", "/api/logout")).status).toBe(200);
    expect((await admin.get("/api/projects")).status).toBe(401);
  });

  it("rate-limits failed logins and keeps passwords only as scrypt hashes", async () => {
    const client = createTestClient({ app });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await client.login("boss", "wrong-password")).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const blocked = await client.login("boss", PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);

    const user = await findUserWithHash(store, "boss");
    expect(user!.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(user!.password_hash).not.toContain(PASSWORD);
  });

  it("refuses a body over the size limit", async () => {
    const huge = "x".repeat(4 * 1024 * 1024 + 10);
    const res = await admin.send("POST", "/api/admin/projects", { name: huge });
    expect(res.status).toBe(413);
  });

  it("serves untrusted text only as JSON, and pages under a script policy", async () => {
    const queue = (await (await admin.get(`/api/projects/${pid}/queue`)).json()) as {
      queue: { id: string }[];
    };
    const res = await admin.get(`/api/items/${queue.queue[0].id}`);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const body = (await res.json()) as { item: { response: string } };
    expect(body.item.response).toBe(`Answer ${XSS}`);

    const page = await admin.get("/");
    expect(page.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-inline");
  });
});
