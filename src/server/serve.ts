// Runs the annotation app on a TCP port with @hono/node-server.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { silentLogger } from "../common/logger.js";
import { deleteExpiredSessions } from "../store/index.js";
import { type AppOptions, createApp } from "./app.js";

/** Options of startServer. */
export interface ServerOptions extends AppOptions {
  /** port to listen on; 0 picks a free one */
  port?: number;
  /** address to bind; default 127.0.0.1 */
  host?: string;
}

/** A listening server. */
export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts listening and resolves once the port is open; expired sessions are swept hourly. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = createApp(options);
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? silentLogger;
  const sweep = function sweepSessions() {
    deleteExpiredSessions(options.store).catch((err: Error) =>
      logger.warn(`could not delete expired sessions: ${err.message}`),
    );
  };
  sweep();
  const sweeper = setInterval(sweep, 3600_000);
  sweeper.unref();
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 0, hostname: host },
      function listening(info: AddressInfo) {
        const shownHost = host.includes(":") ? `[${host}]` : host;
        resolve({
          url: `http://${shownHost}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done, fail) => {
              clearInterval(sweeper);
              server.close((err) => (err ? fail(err) : done()));
              if ("closeAllConnections" in server) server.closeAllConnections();
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
