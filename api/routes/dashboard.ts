/**
 * The live dashboard's static files, served by the API (no build step, no CDN):
 *
 * - `GET /dashboard/` and every file under `web/dashboard/` (`/dashboard/app.js`, …), listed once at
 *   start-up by `@fastify/static` (`wildcard: false`: only files that exist get a route, so no
 *   path ever reaches the file system from a request); `/dashboard` redirects to `/dashboard/`;
 * - `GET /vendor/chart.umd.js` — chart.js from `node_modules/chart.js/dist/chart.umd.js`, so the
 *   page's scripts all come from 'self' (the API's CSP allows nothing else).
 *
 * Every route is `config: { public: true }`: the files hold no data; the page itself asks for a
 * token and sends it to the REST and WebSocket API, which enforce the rights.
 *
 * @example
 *   await app.register(dashboardRoutes); // or: await dashboardRoutes(app)
 */
import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { REPO_ROOT } from "../../lib/paths.ts";

/** Folder of the dashboard's files. */
export const DASHBOARD_DIR = resolve(REPO_ROOT, "web/dashboard");
/** chart.js as one UMD script (defines `window.Chart`). */
export const CHART_JS_FILE = resolve(REPO_ROOT, "node_modules/chart.js/dist/chart.umd.js");

/**
 * Registers the dashboard's routes in an encapsulated child context, so the `onRoute` hook that
 * marks them public touches no other route, whether called directly or through `app.register`.
 *
 * @param app the API's fastify instance
 */
export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  await app.register(async (child) => {
    child.addHook("onRoute", (route) => {
      // (typed loosely on purpose: the API owns the `public` flag's declaration)
      route.config = { ...(route.config ?? {}), public: true } as typeof route.config;
    });
    await child.register(fastifyStatic, {
      root: DASHBOARD_DIR,
      prefix: "/dashboard/",
      wildcard: false,
      redirect: true,
      index: ["index.html"],
      decorateReply: false,
      cacheControl: true,
      maxAge: 0,
      serveDotFiles: false,
      globIgnore: ["**/*.d.ts", "**/*.test.ts"],
    });
    child.get("/vendor/chart.umd.js", async (_req, reply) =>
      reply
        .type("text/javascript; charset=utf-8")
        .header("cache-control", "public, max-age=86400")
        .send(createReadStream(CHART_JS_FILE)),
    );
  });
}
