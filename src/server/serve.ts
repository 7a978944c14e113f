// Runs the annotation app on a TCP port with @hono/node-server.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
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

/** Starts listening and resolves once the port is open. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = createApp(options);
  const host = options.host ?? "127.0.0.1";
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
              server.close((err) => (err ? fail(err) : done()));
              if ("closeAllConnections" in server) server.closeAllConnections();
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
