/**
 * `GET /health` — each dependency's state; 200 when all are up, 503 otherwise.
 * `GET /health/live` — the process itself answers (for orchestrators' liveness probes).
 * Public on purpose: it reveals only up/down and latencies, never data.
 */
import type { FastifyInstance } from "fastify";
import { runCheck, type CheckResult, type DependencyCheck } from "../health/dependency-checks.ts";

export interface HealthReport {
  readonly status: "ok" | "unhealthy";
  readonly checks: Readonly<Record<string, CheckResult>>;
}

const checkSchema = {
  type: "object",
  required: ["ok", "latencyMs"],
  properties: { ok: { type: "boolean" }, latencyMs: { type: "integer" }, error: { type: "string" } },
} as const;

const reportSchema = {
  type: "object",
  required: ["status", "checks"],
  properties: {
    status: { type: "string", enum: ["ok", "unhealthy"] },
    checks: { type: "object", additionalProperties: checkSchema },
  },
} as const;

/**
 * Registers the health routes.
 *
 * @param checks one check per dependency name
 */
export function healthRoutes(app: FastifyInstance, checks: Readonly<Record<string, DependencyCheck>>): void {
  app.get(
    "/health",
    { schema: { response: { 200: reportSchema, 503: reportSchema } }, config: { public: true } },
    async (_req, reply) => {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((n) => runCheck(checks[n] as DependencyCheck)));
      const report: HealthReport = {
        status: results.every((r) => r.ok) ? "ok" : "unhealthy",
        checks: Object.fromEntries(names.map((n, i) => [n, results[i] as CheckResult])),
      };
      return reply.code(report.status === "ok" ? 200 : 503).send(report);
    },
  );
  app.get("/health/live", { config: { public: true } }, async () => ({ status: "ok" }));
}
