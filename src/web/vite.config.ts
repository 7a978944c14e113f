// Vite build of the annotation page: `npm run build:web` writes dist/web, which
// `redline serve` serves. `npx vite --config src/web/vite.config.ts` runs a dev server that
// forwards /api to a `redline serve` on port 8080.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../../dist/web", import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
