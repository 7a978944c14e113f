// The annotation server: Hono app, listening server and password hashing.
export { type AppOptions, CONTENT_SECURITY_POLICY, createApp, DEFAULT_WEB_ROOT } from "./app.js";
export { CSRF_HEADER, PRELOGIN_COOKIE, SESSION_COOKIE } from "./auth.js";
export { hashPassword, passwordProblem, verifyPassword } from "./passwords.js";
export { type RunningServer, type ServerOptions, startServer } from "./serve.js";
