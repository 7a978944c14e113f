// Login, sessions and CSRF protection. The session cookie is HttpOnly and SameSite=Strict and
// carries a random token whose SHA-256 is the session id in the store. Every state-changing
// request must send the session's CSRF token in the X-CSRF-Token header; before login the
// token is bound to a short-lived pre-login cookie instead. Failed logins are rate-limited.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import {
  createSession,
  deleteSession,
  findSession,
  findUserWithHash,
  type SessionUser,
} from "../store/index.js";
import {
  type AppDeps,
  type AppEnv,
  clientAddress,
  currentUser,
  fail,
  readJson,
} from "./context.js";
import { hashPassword, verifyPassword } from "./passwords.js";
import { createRateLimiter, type RateLimiter } from "./rate-limit.js";

/** Name of the session cookie. */
export const SESSION_COOKIE = "redline_session";
/** Name of the pre-login CSRF cookie. */
export const PRELOGIN_COOKIE = "redline_prelogin";
/** Header that carries the CSRF token. */
export const CSRF_HEADER = "x-csrf-token";

/** Options of the session layer. */
export interface AuthOptions {
  /** session lifetime in hours; default 168 (a week) */
  sessionHours?: number;
  /** mark cookies Secure; default: when the request came over https */
  secureCookies?: boolean;
  /** failed logins allowed per address and username per window; default 5 */
  loginAttempts?: number;
  /** window of the login limit in milliseconds; default 60 000 */
  loginWindowMs?: number;
  /** how long a looked-up session is reused before asking the store again; default 5000 ms */
  sessionCacheMs?: number;
}

function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

function sessionId(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}

/** The session layer: middleware that finds the session and checks CSRF, and its routes. */
export interface AuthLayer {
  session: MiddlewareHandler<AppEnv>;
  csrf: MiddlewareHandler<AppEnv>;
  routes: Hono<AppEnv>;
  requireUser: MiddlewareHandler<AppEnv>;
  requireAdmin: MiddlewareHandler<AppEnv>;
}

/** Builds the session middleware, CSRF check and the /session, /login, /logout routes. */
export function createAuth(deps: AppDeps, options: AuthOptions = {}): AuthLayer {
  const { store, logger } = deps;
  const lifetimeMs = (options.sessionHours ?? 168) * 3600_000;
  const cacheMs = options.sessionCacheMs ?? 5000;
  const cache = new Map<string, { session: SessionUser | null; until: number }>();
  const attempts = options.loginAttempts ?? 5;
  const windowMs = options.loginWindowMs ?? 60_000;
  const perName: RateLimiter = createRateLimiter({ limit: attempts, windowMs });
  const perAddress: RateLimiter = createRateLimiter({ limit: 5 * attempts, windowMs });

  function cookieOptions(c: Context<AppEnv>, maxAgeSeconds: number) {
    const secure = options.secureCookies ?? new URL(c.req.url).protocol === "https:";
    return {
      httpOnly: true,
      sameSite: "Strict" as const,
      secure,
      path: "/",
      maxAge: maxAgeSeconds,
    };
  }

  async function lookUp(id: string): Promise<SessionUser | null> {
    const now = Date.now();
    const hit = cache.get(id);
    if (hit && hit.until > now) return hit.session;
    const session = (await findSession(store, id)) ?? null;
    if (cache.size > 10_000) cache.clear();
    cache.set(id, { session, until: now + cacheMs });
    return session;
  }

  const session: MiddlewareHandler<AppEnv> = async function sessionMiddleware(c, next) {
    const token = getCookie(c, SESSION_COOKIE);
    c.set("auth", token ? await lookUp(sessionId(token)) : null);
    await next();
  };

  const csrf: MiddlewareHandler<AppEnv> = async function csrfMiddleware(c, next) {
    if (isSafeMethod(c.req.method)) return next();

    // a browser names the page that sent the request; it must be this server
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== new URL(c.req.url).origin) {
      const host = c.req.header("host");
      if (!host || origin.replace(/^https?:\/\//, "") !== host) {
        return fail(c, 403, `cross-origin request from ${origin} refused`);
      }
    }
    const sent = c.req.header(CSRF_HEADER);
    const auth = c.get("auth");
    const expected = auth ? auth.csrf : getCookie(c, PRELOGIN_COOKIE);
    if (!sameToken(sent, expected)) {
      return fail(c, 403, "missing or wrong CSRF token; reload the page and try again");
    }
    await next();
  };

  const requireUser: MiddlewareHandler<AppEnv> = async function requireUserMiddleware(c, next) {
    if (!currentUser(c)) return fail(c, 401, "not logged in");
    await next();
  };

  const requireAdmin: MiddlewareHandler<AppEnv> = async function requireAdminMiddleware(c, next) {
    const user = currentUser(c);
    if (!user) return fail(c, 401, "not logged in");
    if (user.role !== "admin") return fail(c, 403, "only an admin may do this");
    await next();
  };

  const routes = new Hono<AppEnv>();
  let dummyHash: Promise<string> | undefined;

  routes.get("/session", function getSession(c) {
    const auth = c.get("auth");
    if (auth) return c.json({ user: auth.user, csrf: auth.csrf });
    const token = randomToken();
    setCookie(c, PRELOGIN_COOKIE, token, cookieOptions(c, 3600));
    return c.json({ user: null, csrf: token });
  });

  const LoginBody = z.object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(1024),
  });

  routes.post("/login", async function login(c) {
    const body = LoginBody.safeParse(await readJson(c));
    if (!body.success) return fail(c, 400, "send JSON with a username and a password");
    const { username, password } = body.data;

    // slow down guessing: per address and name, and per address overall
    const address = clientAddress(c);
    const nameKey = `${address}|${username}`;
    const wait = Math.max(perName.blockedFor(nameKey), perAddress.blockedFor(address));
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return fail(c, 429, `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`);
    }
    // an unknown name costs the same scrypt work, so timing does not reveal which names exist
    const user = await findUserWithHash(store, username);
    dummyHash ??= hashPassword(randomToken());
    const ok = await verifyPassword(password, user ? user.password_hash : await dummyHash);
    if (!user || !ok) {
      perName.hit(nameKey);
      perAddress.hit(address);
      logger.info(`login failed for "${username}" from ${address}`);
      return fail(c, 401, "wrong username or password");
    }
    perName.reset(nameKey);

    const token = randomToken();
    const csrfToken = randomToken();
    await createSession(store, {
      id: sessionId(token),
      userId: user.id,
      csrf: csrfToken,
      expiresAt: new Date(Date.now() + lifetimeMs),
    });
    setCookie(c, SESSION_COOKIE, token, cookieOptions(c, Math.floor(lifetimeMs / 1000)));
    deleteCookie(c, PRELOGIN_COOKIE, { path: "/" });
    const { password_hash: _, ...publicUser } = user;
    return c.json({ user: publicUser, csrf: csrfToken });
  });

  routes.post("/logout", async function logout(c) {
    const auth = c.get("auth");
    if (auth) {
      await deleteSession(store, auth.sessionId);
      cache.delete(auth.sessionId);
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ ok: true });
  });

  return { session, csrf, routes, requireUser, requireAdmin };
}
