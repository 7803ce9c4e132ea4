/**
 * Raw rows of the seller-month and store-month gold aggregates (tests and ad-hoc checks).
 * The product reads figures through `sql/figures/index.ts`, which finishes them with the domain
 * rules. Sums come back exact, as decimal text (64-bit integers are never parsed as floats).
 *
 * @example
 *   const rows = await queryRows<SellerMonthRow>(ch, sellerMonthQuery({ month: "2024-05" }));
 */
import { raw, sql, type SqlFragment } from "../lib/clickhouse/sql.ts";

export interface SellerMonthRow {
  month: string;
  seller_id: string;
  revenue_cents: string;
  revenue_high_margin_cents: string;
  commission_base_micro: string;
  commission_bonus_micro: string;
  lines: string;
  baskets: string;
}

export interface StoreMonthRow {
  month: string;
  store_id: string;
  revenue_cents: string;
  items: string;
  lines: string;
  baskets: string;
}

const where = (conds: SqlFragment[]): SqlFragment =>
  conds.length ? raw(`WHERE ${conds.map((c) => c.text).join(" AND ")}`) : raw("");

/** Seller-month figures, optionally for one month and/or seller. */
export function sellerMonthQuery(f: { month?: string; sellerId?: string } = {}): SqlFragment {
  const conds: SqlFragment[] = [];
  if (f.month !== undefined) conds.push(sql`month = ${f.month}`);
  if (f.sellerId !== undefined) conds.push(sql`seller_id = ${f.sellerId}`);
  return sql`SELECT month, seller_id,
    toString(sumMerge(revenue_cents)) AS revenue_cents,
    toString(sumMerge(revenue_high_margin_cents)) AS revenue_high_margin_cents,
    toString(sumMerge(commission_base_micro)) AS commission_base_micro,
    toString(sumMerge(commission_bonus_micro)) AS commission_bonus_micro,
    toString(countMerge(lines)) AS lines,
    toString(uniqExactMerge(baskets)) AS baskets
  FROM seller_month ${where(conds)}
  GROUP BY month, seller_id
  ORDER BY month, seller_id`;
}

/** Store-month figures, optionally for one month and/or store. */
export function storeMonthQuery(f: { month?: string; storeId?: string } = {}): SqlFragment {
  const conds: SqlFragment[] = [];
  if (f.month !== undefined) conds.push(sql`month = ${f.month}`);
  if (f.storeId !== undefined) conds.push(sql`store_id = ${f.storeId}`);
  return sql`SELECT month, store_id,
    toString(sumMerge(revenue_cents)) AS revenue_cents,
    toString(sumMerge(items)) AS items,
    toString(countMerge(lines)) AS lines,
    toString(uniqExactMerge(baskets)) AS baskets
  FROM store_month ${where(conds)}
  GROUP BY month, store_id
  ORDER BY month, store_id`;
}
