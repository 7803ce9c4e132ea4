/**
 * The processor's output records, from a silver row (and its raw line): `sales.normalized`
 * (schemas/sales-normalized.avsc), `dlq.processing` (schemas/dlq-processing.avsc) and
 * `sales.feedback` (schemas/sales-feedback.avsc). Pure functions; money stays exact (integer
 * cents in, decimal text out).
 */
import type { RawTransaction } from "../../schemas/raw-records.ts";
import { divRoundHalfAway, formatCents, roundMicroCents } from "../domain/money.ts";
import type { RunningFigures } from "./running-figures.ts";
import type { SalesLine } from "./silver-row.ts";

export interface SaleNormalizedRecord {
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
  high_margin: boolean;
  commission_rate_micro: number;
  commission_micro: number;
  plan_version: number;
  sale_time: string;
  local_date: string;
  month: string;
  weekday: number;
  hour: number;
  pair_partners: string[];
  source_file: string;
  source_line: number;
}

export interface ProcessingDeadLetter {
  source_file: string;
  source_line: number;
  reason: string;
  detail: string;
  line_id: string;
  raw: string;
  raw_partition: number;
  raw_offset: number;
}

import type { FeedbackComplement, SaleFeedback } from "../../schemas/sales-records.ts";

export type Complement = FeedbackComplement;
export type SaleFeedbackRecord = SaleFeedback;

/** ISO 8601 UTC of a silver `sale_time` ('YYYY-MM-DD hh:mm:ss' UTC). */
export const isoOfSilverTime = (t: string): string => `${t.replace(" ", "T")}Z`;

export const toNormalizedRecord = (r: SalesLine): SaleNormalizedRecord => ({
  line_id: r.line_id,
  basket_id: r.basket_id,
  seller_id: r.seller_id,
  seller_role: r.seller_role,
  store_id: r.store_id,
  transaction_id: r.transaction_id,
  product_id: r.product_id,
  quantidade: r.quantidade,
  preco_cents: r.preco_cents,
  revenue_cents: r.revenue_cents,
  high_margin: r.high_margin === 1,
  commission_rate_micro: r.commission_rate_micro,
  commission_micro: r.commission_micro,
  plan_version: r.plan_version,
  sale_time: isoOfSilverTime(r.sale_time),
  local_date: r.local_date,
  month: r.month,
  weekday: r.weekday,
  hour: r.hour,
  pair_partners: r.pair_partners,
  source_file: r.source_file,
  source_line: r.source_line,
});

/** The line as the partner wrote it (the transactions columns, in order). */
export const rawCsv = (t: RawTransaction): string =>
  [t.data, t.cod_vendedor, t.cod_loja, t.cod_transacao, t.quantidade, t.cod_prod, t.preco].join(",");

const DETAIL: Record<string, string> = {
  duplicate:
    "line identity (cod_loja, cod_transacao, cod_prod) already accepted earlier; the first occurrence wins",
};

export const toDeadLetter = (r: SalesLine, raw: RawTransaction): ProcessingDeadLetter => ({
  source_file: r.source_file,
  source_line: r.source_line,
  reason: r.rejection,
  detail: DETAIL[r.rejection] ?? r.rejection,
  line_id: r.line_id,
  raw: rawCsv(raw),
  raw_partition: r._partition,
  raw_offset: r._offset,
});

/** Millionths as a decimal with `places` places, rounded half away from zero. */
export function millionthsText(m: bigint, places: number): string {
  const scaled = divRoundHalfAway(m, 10n ** BigInt(6 - places));
  const neg = scaled < 0n;
  const abs = neg ? -scaled : scaled;
  const unit = 10n ** BigInt(places);
  return `${neg ? "-" : ""}${abs / unit}.${String(abs % unit).padStart(places, "0")}`;
}

export function toFeedbackRecord(
  r: SalesLine,
  f: RunningFigures,
  productName: string,
  complements: Complement[],
  processedAt: number,
): SaleFeedbackRecord {
  return {
    line_id: r.line_id,
    basket_id: r.basket_id,
    seller_id: r.seller_id,
    store_id: r.store_id,
    product_id: r.product_id,
    product_name: productName,
    quantidade: r.quantidade,
    revenue: formatCents(BigInt(r.revenue_cents)),
    sale_time: isoOfSilverTime(r.sale_time),
    month: r.month,
    high_margin: r.high_margin === 1,
    line_commission: formatCents(roundMicroCents(BigInt(r.commission_micro))),
    earned: formatCents(f.earnedCents),
    month_revenue: formatCents(f.monthRevenueCents),
    month_target: f.targetCents === undefined ? null : formatCents(f.targetCents),
    // Rounded once, from the exact ratio (not from the already rounded millionths).
    attainment:
      f.targetCents === undefined || f.targetCents <= 0n
        ? null
        : millionthsText(divRoundHalfAway(f.monthRevenueCents * 10_000n, f.targetCents) * 100n, 4),
    multiplier: millionthsText(f.multiplierMillionths, 2),
    month_commission: formatCents(f.monthCommissionCents),
    next_tier_attainment: f.nextTier ? millionthsText(f.nextTier.minAttainment, 2) : null,
    next_tier_multiplier: f.nextTier ? millionthsText(f.nextTier.multiplier, 2) : null,
    revenue_to_next_tier:
      f.revenueToNextTierCents === undefined ? null : formatCents(f.revenueToNextTierCents),
    lines: Number(f.lines),
    baskets: Number(f.baskets),
    crossed_tier: f.crossedTier,
    complements,
    processed_at: processedAt,
  };
}
