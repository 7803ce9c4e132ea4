/**
 * Builds the fastify app: security headers, rate limiting (per token, else per address), request
 * metrics, health, metrics, the home page and the dashboard; with `api` deps also the REST
 * contract of DESIGN §8 under `/api` (JWT auth, RBAC, audit), OpenAPI at `/docs`, and the live
 * socket `/ws`. Everything it talks to is passed in, so tests build it against the real
 * dependencies of their choice — see `tests/integration/api-*.int.test.ts`.
 *
 * @example
 *   const app = await buildServer({ adminToken, checks, metrics: new Registry(), api: { jwtSecret, figures, … } });
 *   await app.listen({ host: "127.0.0.1", port: 3000 });
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import helmet from "@fastify/helmet";
import jwt from "@fastify/jwt";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { Histogram, collectDefaultMetrics, type Registry } from "prom-client";
import type { IngestStatus } from "../connectors/s3-source/ingest-status.ts";
import { VT_ERR_API_RATE_LIMITED } from "../lib/errors/codes.ts";
import { VitrineError } from "../lib/errors/vitrine-error.ts";
import { createLogger, type Logger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import type { Figures } from "../sql/figures/contract.ts";
import type { AuditSink } from "./audit/audit-log.ts";
import { createAccess } from "./auth/access.ts";
import type { Authenticator } from "./auth/authenticate.ts";
import { jwtPluginOptions } from "./auth/tokens.ts";
import type { DependencyCheck } from "./health/dependency-checks.ts";
import { installErrorHandlers, schemaErrorFormatter } from "./http/api-errors.ts";
import { principalOf, rateLimitKey } from "./http/request-auth.ts";
import type { ConnectionLimits } from "./live/live-connection.ts";
import type { LiveHub } from "./live/live-hub.ts";
import type { ApiContext, IssueLinkCode } from "./routes/api-context.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { networkRoutes } from "./routes/network.ts";
import { productRoutes } from "./routes/products.ts";
import { sellerRoutes } from "./routes/sellers.ts";
import { storeRoutes } from "./routes/stores.ts";
import { telegramRoutes } from "./routes/telegram.ts";
import { wsRoutes } from "./routes/ws.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Served without a token (health, home page, dashboard files, docs). */
    public?: boolean;
  }
}

/** The REST + WebSocket contract's dependencies. */
export interface ApiDeps {
  readonly jwtSecret: string;
  readonly figures: Figures;
  readonly audit: AuditSink;
  /** `TZ_BUSINESS`. */
  readonly tz: string;
  readonly ingestStatus: () => Promise<IngestStatus>;
  readonly issueLinkCode?: IssueLinkCode;
  /** Live push; without it `/ws` is not served. */
  readonly live?: {
    readonly hub: LiveHub;
    readonly limits?: ConnectionLimits;
    readonly heartbeatMs?: number;
    readonly authTimeoutMs?: number;
  };
}

export interface ServerDeps {
  readonly adminToken: string;
  readonly checks: Readonly<Record<string, DependencyCheck>>;
  readonly metrics: Registry;
  readonly logger?: Logger;
  /** Requests per minute per token (or, without a valid token, per address); default 1200. */
  readonly rateLimitPerMinute?: number;
  readonly api?: ApiDeps;
}

const WEB_DIR = resolve(REPO_ROOT, "web");

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (deps.logger ?? createLogger({ name: "api", level: "silent" })) as FastifyBaseLogger,
    trustProxy: false,
    genReqId: () => randomUUID(),
    schemaErrorFormatter,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: true, useDefaults: true } },
  });
  installErrorHandlers(app);

  collectDefaultMetrics({ register: deps.metrics, prefix: "vitrine_api_" });
  const duration = new Histogram({
    name: "vitrine_api_request_duration_seconds",
    help: "API request duration by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [deps.metrics],
  });
  // Every answer names its request id: the audit log records it, support can ask for it.
  app.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  app.addHook("onResponse", async (req, reply) => {
    duration
      .labels(req.method, req.routeOptions.url ?? "unmatched", String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  await app.register(helmet, {
    contentSecurityPolicy: { directives: { "script-src": ["'self'"], "connect-src": ["'self'"] } },
  });

  const api = deps.api;
  const auth: Authenticator = {
    adminToken: deps.adminToken,
    verify: (token) => app.jwt.verify(token),
  };
  if (api) await app.register(jwt, jwtPluginOptions(api.jwtSecret));

  await app.register(rateLimit, {
    max: deps.rateLimitPerMinute ?? 1200,
    timeWindow: "1 minute",
    keyGenerator: (req) => (api ? rateLimitKey(req, auth) : req.ip),
    errorResponseBuilder: (_req, ctx) =>
      new VitrineError(VT_ERR_API_RATE_LIMITED, `Muitas requisições: tente de novo em ${ctx.after}.`),
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
    app.get(url, { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
      const { body, type: t } = await load();
      return reply.type(t).send(body);
    });
  }
  await dashboardRoutes(app);

  if (!api) return app;

  await app.register(swagger, {
    openapi: {
      info: {
        title: "Vitrine API",
        version: "1",
        description:
          "Live, exact sales and commission figures (DESIGN §8). Money is decimal text with two places; " +
          "months are YYYY-MM in the business time zone. Bearer JWT (roles seller, manager, admin).",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });

  const access = createAccess(async (sellerId) => (await api.figures.employee(sellerId))?.storeId);
  const ctx: ApiContext = {
    figures: api.figures,
    access,
    audit: api.audit,
    auth,
    tz: api.tz,
    ingestStatus: api.ingestStatus,
    issueLinkCode: api.issueLinkCode,
  };

  await app.register(
    async (scope) => {
      scope.addHook("onRequest", async (req) => {
        principalOf(req, auth);
      });
      sellerRoutes(scope, ctx);
      storeRoutes(scope, ctx);
      productRoutes(scope, ctx);
      networkRoutes(scope, ctx);
      telegramRoutes(scope, ctx);
    },
    { prefix: "/api" },
  );

  if (api.live) {
    const live = api.live;
    await app.register(websocket, { options: { maxPayload: 8 * 1024 } });
    await app.register(async (scope) => {
      wsRoutes(scope, {
        hub: live.hub,
        auth,
        access,
        audit: api.audit,
        ...(live.limits ? { limits: live.limits } : {}),
        ...(live.heartbeatMs ? { heartbeatMs: live.heartbeatMs } : {}),
        ...(live.authTimeoutMs ? { authTimeoutMs: live.authTimeoutMs } : {}),
      });
    });
  }
  return app;
}
