/**
 * `GET /metrics` — Prometheus exposition. Operational data only, but still not public: it needs
 * the admin token (`Authorization: Bearer $API_ADMIN_TOKEN`), as every non-health route needs auth.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { VT_ERR_API_FORBIDDEN, VT_ERR_API_UNAUTHENTICATED } from "../../lib/errors/codes.ts";

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
      return reply
        .code(VT_ERR_API_UNAUTHENTICATED.status)
        .send({ code: VT_ERR_API_UNAUTHENTICATED.code, message: "Token de acesso ausente." });
    if (!sameSecret(token, adminToken))
      return reply.code(VT_ERR_API_FORBIDDEN.status).send({
        code: VT_ERR_API_FORBIDDEN.code,
        message: "Acesso negado: requer o token de administração.",
      });
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
