/**
 * The `sales_lines` silver row (sql/migrations/0002, 0003) of a sale line: built from an enriched
 * sale and the batch walk's decision, or read back from ClickHouse by Kafka coordinates (a
 * redelivered batch whose rows ClickHouse already holds). Money stays exact: cents and
 * micro-cents are integers far below 2^53.
 */
import { centsOf } from "../domain/money.ts";
import type { EnrichedSale } from "../enrich/enrich-sale.ts";

export interface SalesLine {
  _topic: string;
  _partition: number;
  _offset: number;
  line_id: string;
  basket_id: string;
  seller_id: string;
  seller_role: string;
  store_id: string;
  transaction_id: string;
  product_id: string;
  quantidade: number;
  preco_cents: number;
  revenue_cents: number;
  high_margin: number;
  commission_rate_micro: number;
  commission_micro: number;
  plan_version: number;
  /** 'YYYY-MM-DD hh:mm:ss' UTC */
  sale_time: string;
  local_date: string;
  month: string;
  weekday: number;
  hour: number;
  source_file: string;
  source_line: number;
  rejection: string;
  pair_partners: string[];
}

/** The columns of a `SalesLine`, in order (for SELECTs that read rows back). */
export const SALES_LINE_COLUMNS = [
  "_topic",
  "_partition",
  "_offset",
  "line_id",
  "basket_id",
  "seller_id",
  "seller_role",
  "store_id",
  "transaction_id",
  "product_id",
  "quantidade",
  "preco_cents",
  "revenue_cents",
  "high_margin",
  "commission_rate_micro",
  "commission_micro",
  "plan_version",
  "sale_time",
  "local_date",
  "month",
  "weekday",
  "hour",
  "source_file",
  "source_line",
  "rejection",
  "pair_partners",
] as const satisfies readonly (keyof SalesLine)[];

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

let lastMs = NaN;
let lastText = "";

/** 'YYYY-MM-DD hh:mm:ss' in UTC (a basket's lines share their time: the last one is remembered). */
export function utcText(ms: number): string {
  if (ms === lastMs) return lastText;
  lastMs = ms;
  const d = new Date(ms);
  lastText = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return lastText;
}

/** The silver row of an enriched sale at its Kafka coordinates, with the walk's decision. */
export const toSilverRow = (
  e: EnrichedSale,
  at: { topic: string; partition: number; offset: number },
  decision: { rejection: string; pairPartners: readonly string[] } = { rejection: "", pairPartners: [] },
): SalesLine => ({
  _topic: at.topic,
  _partition: at.partition,
  _offset: at.offset,
  line_id: e.lineId,
  basket_id: e.basketId,
  seller_id: e.sellerId,
  seller_role: e.sellerRole,
  store_id: e.storeId,
  transaction_id: e.transactionId,
  product_id: e.productId,
  quantidade: e.quantidade,
  preco_cents: Number(centsOf(e.preco)),
  revenue_cents: Number(e.revenueCents),
  high_margin: e.highMargin ? 1 : 0,
  commission_rate_micro: Number(e.commissionRateMicro),
  commission_micro: Number(e.commissionMicro),
  plan_version: e.planVersion,
  sale_time: utcText(e.instantMs),
  local_date: e.localDate,
  month: e.month,
  weekday: e.weekday,
  hour: e.hour,
  source_file: e.sourceFile,
  source_line: e.sourceLine,
  rejection: decision.rejection,
  pair_partners: [...decision.pairPartners],
});

/** A row read back from ClickHouse (JSONEachRow: 64-bit integers arrive as text). */
export function fromClickHouse(r: Record<string, unknown>): SalesLine {
  const n = (k: string): number => Number(r[k]);
  const s = (k: string): string => String(r[k] ?? "");
  return {
    _topic: s("_topic"),
    _partition: n("_partition"),
    _offset: n("_offset"),
    line_id: s("line_id"),
    basket_id: s("basket_id"),
    seller_id: s("seller_id"),
    seller_role: s("seller_role"),
    store_id: s("store_id"),
    transaction_id: s("transaction_id"),
    product_id: s("product_id"),
    quantidade: n("quantidade"),
    preco_cents: n("preco_cents"),
    revenue_cents: n("revenue_cents"),
    high_margin: n("high_margin"),
    commission_rate_micro: n("commission_rate_micro"),
    commission_micro: n("commission_micro"),
    plan_version: n("plan_version"),
    sale_time: s("sale_time"),
    local_date: s("local_date"),
    month: s("month"),
    weekday: n("weekday"),
    hour: n("hour"),
    source_file: s("source_file"),
    source_line: n("source_line"),
    rejection: s("rejection"),
    pair_partners: Array.isArray(r.pair_partners) ? (r.pair_partners as unknown[]).map(String) : [],
  };
}
