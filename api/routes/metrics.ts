/**
 * `GET /metrics` — Prometheus exposition. Operational data only, but still not public: it needs
 * the admin token (`Authorization: Bearer $API_ADMIN_TOKEN`), as every non-health route needs auth.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function metricsRoutes(app: FastifyInstance, registry: Registry, adminToken: string): void {
  app.get("/metrics", { config: { public: true } }, async (req, reply) => {
    const header = req.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7) : "";
    if (!token)
      return reply.code(401).send({ code: "VT_ERR_API_UNAUTHENTICATED", message: "Token ausente." });
    if (!sameSecret(token, adminToken))
      return reply.code(403).send({ code: "VT_ERR_API_FORBIDDEN", message: "Acesso negado." });
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
