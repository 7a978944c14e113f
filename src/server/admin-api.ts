// Routes only admins reach: users, projects, assignments, importing items and chains,
// exporting annotations as feedback JSONL, and the quality report.
import { Hono } from "hono";
import { z } from "zod";
import {
  assignUser,
  computeQuality,
  createProject,
  createUser,
  exportRecords,
  findProjectByName,
  findUserWithHash,
  getProject,
  importChains,
  importRecords,
  listAssignees,
  listProjectAnnotations,
  listUsers,
  parseChainLines,
  parseItemLines,
  unassignUser,
  usernameProblem,
} from "../store/index.js";
import { type AppDeps, type AppEnv, fail, readJson } from "./context.js";
import { hashPassword, passwordProblem } from "./passwords.js";

const NewUserBody = z.object({
  username: z.string(),
  password: z.string(),
  role: z.enum(["admin", "annotator"]).default("annotator"),
});
const NewProjectBody = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
});
const JsonlBody = z.object({ jsonl: z.string() });

/** The admin routes, mounted under /api behind requireAdmin. */
export function createAdminApi(deps: AppDeps): Hono<AppEnv> {
  const { store, logger } = deps;
  const api = new Hono<AppEnv>();

  api.get("/users", async function showUsers(c) {
    return c.json({ users: await listUsers(store) });
  });

  api.post("/users", async function addUser(c) {
    const body = NewUserBody.safeParse(await readJson(c));
    if (!body.success) return fail(c, 400, "send JSON with username, password and role");
    const { username, password, role } = body.data;
    const problem = usernameProblem(username) ?? passwordProblem(password);
    if (problem) return fail(c, 422, problem);
    if (await findUserWithHash(store, username)) {
      return fail(c, 409, `user "${username}" already exists`);
    }
    const user = await createUser(store, {
      username,
      role,
      passwordHash: await hashPassword(password),
    });
    logger.info(`user ${username} (${role}) created`);
    return c.json({ user }, 201);
  });

  api.post("/projects", async function addProject(c) {
    const body = NewProjectBody.safeParse(await readJson(c));
    if (!body.success) return fail(c, 400, "send JSON with a name (1-200 characters)");
    if (await findProjectByName(store, body.data.name.trim())) {
      return fail(c, 409, `project "${body.data.name}" already exists`);
    }
    return c.json({ project: await createProject(store, body.data) }, 201);
  });

  api.get("/projects/:pid/assignments", async function showAssignees(c) {
    const pid = c.req.param("pid");
    if (!(await getProject(store, pid))) return fail(c, 404, `no project ${pid}`);
    return c.json({ users: await listAssignees(store, pid) });
  });

  api.put("/projects/:pid/assignments/:username", async function assign(c) {
    const pid = c.req.param("pid");
    const username = c.req.param("username");
    const user = await findUserWithHash(store, username);
    if (!(await getProject(store, pid))) return fail(c, 404, `no project ${pid}`);
    if (!user) return fail(c, 404, `no user "${username}"`);
    await assignUser(store, pid, user.id);
    return c.json({ ok: true });
  });

  api.delete("/projects/:pid/assignments/:username", async function unassign(c) {
    const pid = c.req.param("pid");
    const user = await findUserWithHash(store, c.req.param("username"));
    if (user) await unassignUser(store, pid, user.id);
    return c.json({ ok: true });
  });

  api.post("/projects/:pid/items", async function addItems(c) {
    const pid = c.req.param("pid");
    if (!(await getProject(store, pid))) return fail(c, 404, `no project ${pid}`);
    const body = JsonlBody.safeParse(await readJson(c, deps.maxImportBytes));
    if (!body.success) return fail(c, 400, 'send JSON like {"jsonl": "<one record per line>"}');
    const parsed = parseItemLines(body.data.jsonl);
    if (parsed.problems.length > 0) {
      return fail(c, 422, `${parsed.problems.length} problems in the file`, parsed.problems);
    }
    try {
      const summary = await importRecords(
        store,
        pid,
        parsed.records.map((r) => r.record),
      );
      return c.json(summary);
    } catch (err) {
      return fail(c, 409, err instanceof Error ? err.message : String(err));
    }
  });

  api.post("/projects/:pid/chains", async function addChains(c) {
    const pid = c.req.param("pid");
    if (!(await getProject(store, pid))) return fail(c, 404, `no project ${pid}`);
    const body = JsonlBody.safeParse(await readJson(c, deps.maxImportBytes));
    if (!body.success) return fail(c, 400, 'send JSON like {"jsonl": "<one chain per line>"}');
    const parsed = parseChainLines(body.data.jsonl);
    if (parsed.problems.length > 0) {
      return fail(c, 422, `${parsed.problems.length} problems in the file`, parsed.problems);
    }
    return c.json(
      await importChains(
        store,
        pid,
        parsed.records.map((r) => r.record),
      ),
    );
  });

  api.get("/projects/:pid/export", async function exportAnnotations(c) {
    const pid = c.req.param("pid");
    const project = await getProject(store, pid);
    if (!project) return fail(c, 404, `no project ${pid}`);
    const records = await exportRecords(store, pid, {
      submittedOnly: c.req.query("done") === "1",
      annotator: c.req.query("annotator"),
    });
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join("");
    const filename = `${project.name.replace(/[^A-Za-z0-9_.-]+/g, "_")}.feedback.jsonl`;
    c.header("Content-Type", "application/x-ndjson; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="${filename}"`);
    return c.body(text);
  });

  api.get("/projects/:pid/quality", async function showQuality(c) {
    const pid = c.req.param("pid");
    const project = await getProject(store, pid);
    if (!project) return fail(c, 404, `no project ${pid}`);
    const [assignees, annotations] = await Promise.all([
      listAssignees(store, pid),
      listProjectAnnotations(store, pid),
    ]);
    const report = computeQuality({
      items: project.items,
      annotators: assignees.map((u) => u.username),
      annotations,
    });
    return c.json(report);
  });

  return api;
}
