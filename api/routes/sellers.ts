/**
 * `GET /api/sellers/:id/summary?month=YYYY-MM` — a seller's month (DESIGN §8): revenue, target,
 * attainment, multiplier, commission, lines, baskets (+ name, role, next tier). Personal data:
 * the seller, their store's manager or an admin; every read is audited.
 */
import type { FastifyInstance } from "fastify";
import { currentMonth } from "../http/business-time.ts";
import { forbidden, notFound } from "../http/api-errors.ts";
import { errorResponses, idParams, monthQuery, sellerSummarySchema } from "../http/schemas.ts";
import { audited, who, type ApiContext } from "./api-context.ts";

export function sellerRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { id: string }; Querystring: { month?: string } }>(
    "/sellers/:id/summary",
    {
      schema: {
        summary: "A seller's month figures",
        tags: ["sellers"],
        params: idParams,
        querystring: monthQuery,
        response: { 200: sellerSummarySchema, ...errorResponses },
      },
    },
    async (req) => {
      const p = who(ctx, req);
      const { id } = req.params;
      const month = req.query.month ?? currentMonth(ctx.tz);
      const read = { action: "seller.summary", subjectKind: "seller", subjectId: id };
      if (!(await ctx.access.canReadSeller(p, id))) {
        audited(ctx, req, p, { ...read, granted: false });
        throw forbidden(
          p.role === "seller"
            ? "Acesso negado: você só pode ver os seus próprios números."
            : "Acesso negado: este vendedor não é da sua loja.",
        );
      }
      const summary = await ctx.figures.sellerSummary({ sellerId: id, month });
      if (!summary) throw notFound(`Nenhum número do vendedor ${id} em ${month}.`);
      audited(ctx, req, p, read);
      return summary;
    },
  );
}
