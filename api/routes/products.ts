/**
 * Product routes (non-personal; any role):
 * - `GET /api/products/:id/complements?limit=N` → `[{ codProd, timesBoughtTogether, name }]`
 *   (co-purchase, ties by lower code);
 * - `GET /api/products/top-margin?limit=N&date=` — active products by margin of list price over cost;
 * - `GET /api/products/promotions?date=` — price periods ≥ 10 % below the previous one, active at the date.
 */
import type { FastifyInstance } from "fastify";
import { today } from "../http/business-time.ts";
import {
  complementSchema,
  dateParam,
  errorResponses,
  idParams,
  limitParam,
  marginProductSchema,
  promotionSchema,
} from "../http/schemas.ts";
import { who, type ApiContext } from "./api-context.ts";

export function productRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { id: string }; Querystring: { limit: number } }>(
    "/products/:id/complements",
    {
      schema: {
        summary: "Products most often bought together with this one",
        tags: ["products"],
        params: idParams,
        querystring: { type: "object", properties: { limit: limitParam } },
        response: { 200: { type: "array", items: complementSchema }, ...errorResponses },
      },
    },
    async (req) => {
      who(ctx, req);
      return ctx.figures.complements({ productId: req.params.id, limit: req.query.limit });
    },
  );

  app.get<{ Querystring: { limit: number; date?: string } }>(
    "/products/top-margin",
    {
      schema: {
        summary: "Active products with the highest margin of list price over cost",
        tags: ["products"],
        querystring: {
          type: "object",
          properties: { limit: limitParam, date: { ...dateParam, description: "default: today" } },
        },
        response: { 200: { type: "array", items: marginProductSchema }, ...errorResponses },
      },
    },
    async (req) => {
      who(ctx, req);
      return ctx.figures.topMargin({ limit: req.query.limit, date: req.query.date ?? today(ctx.tz) });
    },
  );

  app.get<{ Querystring: { date?: string } }>(
    "/products/promotions",
    {
      schema: {
        summary: "Promotions active at a date (price ≥ 10 % below the previous period)",
        tags: ["products"],
        querystring: {
          type: "object",
          properties: { date: { ...dateParam, description: "default: today" } },
        },
        response: { 200: { type: "array", items: promotionSchema }, ...errorResponses },
      },
    },
    async (req) => {
      who(ctx, req);
      return ctx.figures.promotions({ date: req.query.date ?? today(ctx.tz) });
    },
  );
}
