// Routes an annotator uses: their projects, their queue, an item with their annotation and
// chains, and saving that annotation. Items of projects the user is not assigned to answer 404.
import { Hono } from "hono";
import { z } from "zod";
import {
  canAccessProject,
  getAnnotation,
  getItemForUser,
  getProject,
  listItemChains,
  listProjects,
  listQueue,
  saveAnnotation,
} from "../store/index.js";
import { type AppDeps, type AppEnv, currentUser, fail, readJson } from "./context.js";

const SaveBody = z.object({
  spans: z.unknown(),
  submitted: z.boolean().optional(),
});

/** The annotator's routes, mounted under /api behind requireUser. */
export function createAnnotateApi(deps: AppDeps): Hono<AppEnv> {
  const { store } = deps;
  const api = new Hono<AppEnv>();

  api.get("/projects", async function listMyProjects(c) {
    const user = currentUser(c)!;
    return c.json({ projects: await listProjects(store, user) });
  });

  api.get("/projects/:pid", async function showProject(c) {
    const user = currentUser(c)!;
    const pid = c.req.param("pid");
    const project = await getProject(store, pid);
    if (!project || !(await canAccessProject(store, user, pid))) {
      return fail(c, 404, `no project ${pid} for you`);
    }
    return c.json({ project });
  });

  api.get("/projects/:pid/queue", async function showQueue(c) {
    const user = currentUser(c)!;
    const pid = c.req.param("pid");
    if (!(await getProject(store, pid)) || !(await canAccessProject(store, user, pid))) {
      return fail(c, 404, `no project ${pid} for you`);
    }
    return c.json({ queue: await listQueue(store, pid, user.username) });
  });

  api.get("/items/:iid", async function showItem(c) {
    const user = currentUser(c)!;
    const iid = c.req.param("iid");
    const item = await getItemForUser(store, iid, user);
    if (!item) return fail(c, 404, `no item ${iid} for you`);
    const [annotation, chains] = await Promise.all([
      getAnnotation(store, iid, user.username),
      listItemChains(store, iid),
    ]);
    return c.json({
      item: {
        id: item.id,
        project_id: item.project_id,
        ext_id: item.ext_id,
        position: item.position,
        prompt: JSON.parse(item.prompt),
        response: item.response,
        metadata: item.metadata === null ? null : JSON.parse(item.metadata),
      },
      annotation: annotation ?? null,
      chains,
    });
  });

  api.put("/items/:iid/annotation", async function saveMyAnnotation(c) {
    const user = currentUser(c)!;
    const iid = c.req.param("iid");
    const body = SaveBody.safeParse(await readJson(c));
    if (!body.success) return fail(c, 400, 'send JSON like {"spans": [...], "submitted": false}');
    const item = await getItemForUser(store, iid, user);
    if (!item) return fail(c, 404, `no item ${iid} for you`);
    const result = await saveAnnotation(store, {
      item,
      annotator: user.username,
      spans: body.data.spans,
      submitted: body.data.submitted,
    });
    if (!result.ok) return fail(c, 422, "some spans do not fit the response", result.problems);
    const { spans: _, ...saved } = result.annotation;
    return c.json({ annotation: saved });
  });

  return api;
}
