/**
 * JSON schemas shared by the API's routes: parameters (validated by fastify/ajv, so a bad value
 * is a 400 before any query runs), the response shapes of `sql/figures/contract.ts` (which also
 * make the OpenAPI document at `/docs` and serialize fast), and the pt-BR hint of each parameter
 * used in 400 messages.
 */
import { ID_PATTERN } from "../auth/principal.ts";

/** Human hint per parameter name, in pt-BR (shown in 400 messages). */
export const FIELD_HINTS: Readonly<Record<string, string>> = {
  id: "um código de até 64 letras, dígitos, _ ou -",
  sellerId: "o código do vendedor, até 64 letras, dígitos, _ ou -",
  month: "um mês no formato AAAA-MM, por exemplo 2024-05",
  date: "uma data no formato AAAA-MM-DD, por exemplo 2024-05-31",
  until: "uma data no formato AAAA-MM-DD, por exemplo 2024-05-31",
  limit: "um número inteiro de 1 a 100",
  weeks: "um número inteiro de semanas, de 1 a 52",
  basketsPerSellerHour: "um número de cestas por vendedor por hora, maior que 0 e até 1000",
  leadDays: "um número inteiro de dias, de 1 a 365",
};

export const idParam = { type: "string", pattern: ID_PATTERN } as const;
export const monthParam = { type: "string", pattern: "^\\d{4}-(0[1-9]|1[0-2])$" } as const;
export const dateParam = {
  type: "string",
  // The pattern keeps the shape strict; the format rejects impossible days (2024-02-31).
  pattern: "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$",
  format: "date",
} as const;
export const limitParam = { type: "integer", minimum: 1, maximum: 100, default: 10 } as const;

export const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: idParam },
} as const;

export const monthQuery = {
  type: "object",
  properties: { month: { ...monthParam, description: "YYYY-MM; default: the current business month" } },
} as const;

const money = { type: "string", pattern: "^-?\\d+\\.\\d{2}$", examples: ["1234.56"] } as const;
const nullableMoney = { type: ["string", "null"], examples: ["1234.56"] } as const;
const ratio = { type: "string", examples: ["1.0234"] } as const;
const nullableRatio = { type: ["string", "null"], examples: ["1.0234"] } as const;
const nullableString = { type: ["string", "null"] } as const;

export const errorSchema = {
  type: "object",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
} as const;

export const sellerSummarySchema = {
  type: "object",
  required: ["sellerId", "storeId", "month", "revenue", "target", "attainment", "multiplier", "commission"],
  properties: {
    sellerId: { type: "string" },
    storeId: nullableString,
    month: { type: "string" },
    revenue: money,
    target: nullableMoney,
    attainment: nullableRatio,
    multiplier: ratio,
    commission: money,
    lines: { type: "integer" },
    baskets: { type: "integer" },
    name: nullableString,
    role: nullableString,
    nextTier: {
      type: ["object", "null"],
      properties: {
        attainment: ratio,
        multiplier: ratio,
        revenueNeeded: money,
      },
    },
  },
} as const;

export const storeSummarySchema = {
  type: "object",
  required: [
    "storeId",
    "month",
    "revenue",
    "target",
    "attainment",
    "baskets",
    "avgTicket",
    "rankNetwork",
    "rankRegion",
  ],
  properties: {
    storeId: { type: "string" },
    month: { type: "string" },
    revenue: money,
    target: nullableMoney,
    attainment: nullableRatio,
    baskets: { type: "integer" },
    avgTicket: money,
    itemsPerBasket: ratio,
    rankNetwork: { type: "integer" },
    rankRegion: { type: "integer" },
    region: nullableString,
  },
} as const;

export const networkSummarySchema = {
  type: "object",
  properties: {
    month: { type: "string" },
    revenue: money,
    target: nullableMoney,
    attainment: nullableRatio,
    baskets: { type: "integer" },
    avgTicket: money,
    itemsPerBasket: ratio,
    stores: { type: "integer" },
  },
} as const;

export const complementSchema = {
  type: "object",
  required: ["codProd", "timesBoughtTogether"],
  properties: {
    codProd: { type: "string" },
    name: nullableString,
    timesBoughtTogether: { type: "integer" },
  },
} as const;

export const marginProductSchema = {
  type: "object",
  properties: {
    codProd: { type: "string" },
    name: nullableString,
    category: nullableString,
    listPrice: money,
    cost: money,
    margin: ratio,
  },
} as const;

export const promotionSchema = {
  type: "object",
  properties: {
    codProd: { type: "string" },
    name: nullableString,
    price: money,
    previousPrice: money,
    discount: ratio,
    start: { type: "string" },
    end: nullableString,
  },
} as const;

export const staffingSlotSchema = {
  type: "object",
  properties: {
    weekday: { type: "integer", minimum: 1, maximum: 7 },
    hour: { type: "integer", minimum: 0, maximum: 23 },
    expectedBaskets: { type: "string" },
    recommendedSellers: { type: "integer" },
  },
} as const;

export const stockAlertSchema = {
  type: "object",
  properties: {
    storeId: { type: "string" },
    codProd: { type: "string" },
    name: nullableString,
    onHand: { type: "integer" },
    avgDailyUnits: { type: "string" },
    daysOfCover: nullableString,
  },
} as const;

/** Responses every authenticated route may give besides its 200. */
export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  429: errorSchema,
  503: errorSchema,
} as const;
