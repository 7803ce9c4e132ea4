/**
 * `GET /api/network/summary?month=` — the whole chain's month (any role: aggregates only).
 * `GET /api/ingest/status` — files, rows accepted, dead letters by reason: the S3 connector's
 * checkpoints plus the processor's dead letters (admin: operations data).
 * `GET /api/me` — who the token is.
 */
import type { FastifyInstance } from "fastify";
import { currentMonth } from "../http/business-time.ts";
import { forbidden } from "../http/api-errors.ts";
import { errorResponses, monthQuery, networkSummarySchema } from "../http/schemas.ts";
import { who, type ApiContext } from "./api-context.ts";

const countsByReason = { type: "object", additionalProperties: { type: "integer" } } as const;

const ingestStatusSchema = {
  type: "object",
  required: ["files", "totals", "processing"],
  properties: {
    files: {
      type: "array",
      items: {
        type: "object",
        properties: {
          key: { type: "string" },
          kind: { type: "string" },
          done: { type: "boolean" },
          rowsRead: { type: "integer" },
          accepted: { type: "integer" },
          deadLetters: { type: "integer" },
          deadLettersByReason: countsByReason,
          updatedAt: { type: "string" },
        },
      },
    },
    totals: {
      type: "object",
      properties: {
        files: { type: "integer" },
        filesDone: { type: "integer" },
        rowsRead: { type: "integer" },
        accepted: { type: "integer" },
        deadLetters: { type: "integer" },
        deadLettersByReason: countsByReason,
      },
    },
    processing: {
      type: "object",
      description: "dead letters of the sales processor (e.g. duplicate lines)",
      properties: { total: { type: "integer" }, byReason: countsByReason },
    },
  },
} as const;

const meSchema = {
  type: "object",
  properties: {
    sub: { type: "string" },
    role: { type: "string", enum: ["seller", "manager", "admin"] },
    sellerId: { type: ["string", "null"] },
    storeId: { type: ["string", "null"] },
    name: { type: ["string", "null"] },
  },
} as const;

export function networkRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: { month?: string } }>(
    "/network/summary",
    {
      schema: {
        summary: "The whole network's month figures",
        tags: ["network"],
        querystring: monthQuery,
        response: { 200: networkSummarySchema, ...errorResponses },
      },
    },
    async (req) => {
      who(ctx, req);
      return ctx.figures.networkSummary({ month: req.query.month ?? currentMonth(ctx.tz) });
    },
  );

  app.get(
    "/ingest/status",
    {
      schema: {
        summary: "Ingest files, rows accepted and dead letters by reason",
        tags: ["operations"],
        response: { 200: ingestStatusSchema, ...errorResponses },
      },
    },
    async (req) => {
      const p = who(ctx, req);
      if (!ctx.access.isAdmin(p))
        throw forbidden("Acesso negado: o estado da ingestão é restrito a administradores.");
      const [ingest, processing] = await Promise.all([
        ctx.ingestStatus(),
        ctx.figures.processingDeadLetters(),
      ]);
      return { ...ingest, processing };
    },
  );

  app.get(
    "/me",
    {
      schema: {
        summary: "Who this token is",
        tags: ["auth"],
        response: { 200: meSchema, ...errorResponses },
      },
    },
    async (req) => {
      const p = who(ctx, req);
      const employee = p.sellerId !== undefined ? await ctx.figures.employee(p.sellerId) : undefined;
      return {
        sub: p.sub,
        role: p.role,
        sellerId: p.sellerId ?? null,
        storeId: (await ctx.access.storeOf(p)) ?? null,
        name: employee?.name ?? null,
      };
    },
  );
}
