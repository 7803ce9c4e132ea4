/**
 * `POST /api/telegram/link-codes` `{ sellerId }` → 201 `{ code, expiresAt }`: a one-time code a
 * seller sends to the bot (`/start CODE`) to link a chat (DESIGN §9). Issued by the manager of
 * the seller's store or an admin; audited (it grants access to the seller's figures).
 */
import type { FastifyInstance } from "fastify";
import { VT_ERR_API_UNAVAILABLE } from "../../lib/errors/codes.ts";
import { VitrineError } from "../../lib/errors/vitrine-error.ts";
import { forbidden } from "../http/api-errors.ts";
import { errorResponses, idParam } from "../http/schemas.ts";
import { audited, who, type ApiContext } from "./api-context.ts";

export function telegramRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Body: { sellerId: string } }>(
    "/telegram/link-codes",
    {
      schema: {
        summary: "Issue a one-time Telegram link code for a seller",
        tags: ["telegram"],
        body: {
          type: "object",
          required: ["sellerId"],
          additionalProperties: false,
          properties: { sellerId: idParam },
        },
        response: {
          201: {
            type: "object",
            required: ["code", "expiresAt"],
            properties: { code: { type: "string" }, expiresAt: { type: "string" } },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const p = who(ctx, req);
      const { sellerId } = req.body;
      const read = { action: "telegram.link_code", subjectKind: "seller", subjectId: sellerId };
      const allowed = p.role !== "seller" && (await ctx.access.canReadSeller(p, sellerId));
      if (!allowed) {
        audited(ctx, req, p, { ...read, granted: false });
        throw forbidden(
          p.role === "seller"
            ? "Acesso negado: códigos de vínculo são emitidos pelo gerente ou por um administrador."
            : "Acesso negado: este vendedor não é da sua loja.",
        );
      }
      if (!ctx.issueLinkCode)
        throw new VitrineError(
          VT_ERR_API_UNAVAILABLE,
          "Códigos de vínculo do Telegram indisponíveis nesta instância.",
        );
      const issued = await ctx.issueLinkCode({ sellerId, issuedBy: p.sub });
      audited(ctx, req, p, read);
      return reply.code(201).send(issued);
    },
  );
}
