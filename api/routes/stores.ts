/**
 * Store routes:
 * - `GET /api/stores/ranking?month=` — every store by network rank (any role: aggregates);
 * - `GET /api/stores/:id/summary?month=` — revenue, target, attainment, baskets, average
 *   ticket, rank in network and region (the store's own people, or admin);
 * - `GET /api/stores/:id/sellers?month=` — the team's month figures (the store's manager or
 *   admin; personal data, audited);
 * - `GET /api/stores/:id/staffing?weeks=&basketsPerSellerHour=&until=` — recommended sellers per
 *   weekday and hour (manager/admin);
 * - `GET /api/stores/:id/stock-alerts?leadDays=&date=` — products running out (manager/admin).
 */
import type { FastifyInstance } from "fastify";
import { currentMonth, today } from "../http/business-time.ts";
import { forbidden, notFound } from "../http/api-errors.ts";
import {
  dateParam,
  errorResponses,
  idParams,
  monthQuery,
  sellerSummarySchema,
  staffingSlotSchema,
  stockAlertSchema,
  storeSummarySchema,
} from "../http/schemas.ts";
import { audited, who, type ApiContext } from "./api-context.ts";

/** Defaults of the staffing advice (DESIGN §6: "configurable baskets-per-seller-hour"). */
export const STAFFING_DEFAULTS = { weeks: 4, basketsPerSellerHour: 6 } as const;
/** Default lead time of stock alerts, in days. */
export const STOCK_LEAD_DAYS = 7;

type IdMonth = { Params: { id: string }; Querystring: { month?: string } };

export function storeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const manage = (role: string, storeId: string, what: string) =>
    forbidden(
      role === "seller"
        ? `Acesso negado: ${what} é restrito ao gerente da loja.`
        : `Acesso negado: a loja ${storeId} não é a sua.`,
    );

  app.get<{ Querystring: { month?: string } }>(
    "/stores/ranking",
    {
      schema: {
        summary: "Every store's month figures, by network rank",
        tags: ["stores"],
        querystring: monthQuery,
        response: { 200: { type: "array", items: storeSummarySchema }, ...errorResponses },
      },
    },
    async (req) => {
      who(ctx, req);
      return ctx.figures.storeRanking({ month: req.query.month ?? currentMonth(ctx.tz) });
    },
  );

  app.get<IdMonth>(
    "/stores/:id/summary",
    {
      schema: {
        summary: "A store's month figures",
        tags: ["stores"],
        params: idParams,
        querystring: monthQuery,
        response: { 200: storeSummarySchema, ...errorResponses },
      },
    },
    async (req) => {
      const p = who(ctx, req);
      const { id } = req.params;
      const month = req.query.month ?? currentMonth(ctx.tz);
      if (!(await ctx.access.canReadStoreSummary(p, id)))
        throw forbidden("Acesso negado: você só pode ver a sua própria loja.");
      const s = await ctx.figures.storeSummary({ storeId: id, month });
      if (!s) throw notFound(`Nenhum número da loja ${id} em ${month}.`);
      return s;
    },
  );

  app.get<IdMonth>(
    "/stores/:id/sellers",
    {
      schema: {
        summary: "The month figures of every seller of a store (the team)",
        tags: ["stores"],
        params: idParams,
        querystring: monthQuery,
        response: { 200: { type: "array", items: sellerSummarySchema }, ...errorResponses },
      },
    },
    async (req) => {
      const p = who(ctx, req);
      const { id } = req.params;
      const read = { action: "store.sellers", subjectKind: "store", subjectId: id };
      if (!ctx.access.canManageStore(p, id)) {
        audited(ctx, req, p, { ...read, granted: false });
        throw manage(p.role, id, "a equipe");
      }
      const team = await ctx.figures.storeSellers({
        storeId: id,
        month: req.query.month ?? currentMonth(ctx.tz),
      });
      audited(ctx, req, p, read);
      return team;
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { weeks: number; basketsPerSellerHour: number; until?: string };
  }>(
    "/stores/:id/staffing",
    {
      schema: {
        summary: "Recommended sellers per weekday and hour, from recent weeks' baskets",
        tags: ["stores"],
        params: idParams,
        querystring: {
          type: "object",
          properties: {
            weeks: { type: "integer", minimum: 1, maximum: 52, default: STAFFING_DEFAULTS.weeks },
            basketsPerSellerHour: {
              type: "number",
              exclusiveMinimum: 0,
              maximum: 1000,
              default: STAFFING_DEFAULTS.basketsPerSellerHour,
            },
            until: { ...dateParam, description: "last day counted (default: today, business time)" },
          },
        },
        response: { 200: { type: "array", items: staffingSlotSchema }, ...errorResponses },
      },
    },
    async (req) => {
      const p = who(ctx, req);
      const { id } = req.params;
      if (!ctx.access.canManageStore(p, id)) throw manage(p.role, id, "a escala");
      const { weeks, basketsPerSellerHour } = req.query;
      return ctx.figures.staffing({
        storeId: id,
        weeks,
        basketsPerSellerHour,
        until: req.query.until ?? today(ctx.tz),
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { leadDays: number; date?: string } }>(
    "/stores/:id/stock-alerts",
    {
      schema: {
        summary: "Products whose stock covers fewer days than the lead time",
        tags: ["stores"],
        params: idParams,
        querystring: {
          type: "object",
          properties: {
            leadDays: { type: "integer", minimum: 1, maximum: 365, default: STOCK_LEAD_DAYS },
            date: { ...dateParam, description: "stock date (default: today, business time)" },
          },
        },
        response: { 200: { type: "array", items: stockAlertSchema }, ...errorResponses },
      },
    },
    async (req) => {
      const p = who(ctx, req);
      const { id } = req.params;
      if (!ctx.access.canManageStore(p, id)) throw manage(p.role, id, "o estoque");
      return ctx.figures.stockAlerts({
        storeId: id,
        leadDays: req.query.leadDays,
        date: req.query.date ?? today(ctx.tz),
      });
    },
  );
}
