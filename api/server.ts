/**
 * Builds the fastify app: security headers, rate limiting, request metrics, health, metrics and
 * the home page. Everything it talks to is passed in, so tests can build it against any
 * (real) dependency — see `tests/integration/api-health.int.test.ts`.
 *
 * @example
 *   const app = await buildServer({ adminToken, checks, metrics: new Registry() });
 *   await app.listen({ host: "127.0.0.1", port: 3000 });
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { Histogram, collectDefaultMetrics, type Registry } from "prom-client";
import { createLogger, type Logger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import type { DependencyCheck } from "./health/dependency-checks.ts";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";

export interface ServerDeps {
  readonly adminToken: string;
  readonly checks: Readonly<Record<string, DependencyCheck>>;
  readonly metrics: Registry;
  readonly logger?: Logger;
  /** Requests per minute per client address. */
  readonly rateLimitPerMinute?: number;
}

const WEB_DIR = resolve(REPO_ROOT, "web");

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (deps.logger ?? createLogger({ name: "api", level: "silent" })) as FastifyBaseLogger,
    trustProxy: false,
  });

  collectDefaultMetrics({ register: deps.metrics, prefix: "vitrine_api_" });
  const duration = new Histogram({
    name: "vitrine_api_request_duration_seconds",
    help: "API request duration by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [deps.metrics],
  });
  app.addHook("onResponse", async (req, reply) => {
    duration
      .labels(req.method, req.routeOptions.url ?? "unmatched", String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  await app.register(helmet, {
    contentSecurityPolicy: { directives: { "script-src": ["'self'"], "connect-src": ["'self'"] } },
  });
  await app.register(rateLimit, { max: deps.rateLimitPerMinute ?? 1200, timeWindow: "1 minute" });

  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send({ code: "VT_ERR_API_NOT_FOUND", message: `Rota não encontrada: ${req.method} ${req.url}` });
  });

  healthRoutes(app, deps.checks);
  metricsRoutes(app, deps.metrics, deps.adminToken);

  const page = (file: string, type: string) => async () => ({
    body: await readFile(resolve(WEB_DIR, file)),
    type,
  });
  for (const [url, file, type] of [
    ["/", "index.html", "text/html; charset=utf-8"],
    ["/home.js", "home.js", "text/javascript; charset=utf-8"],
  ] as const) {
    const load = page(file, type);
    app.get(url, { config: { public: true } }, async (_req, reply) => {
      const { body, type: t } = await load();
      return reply.type(t).send(body);
    });
  }
  return app;
}
