/**
 * `sales_lines` and every table a materialized view feeds from it, in the order a month
 * partition replace must happen (the Spark backfill swaps a month whole with `ALTER TABLE …
 * REPLACE PARTITION … FROM staging`, which fires no view, so each of these must be replaced too):
 * silver first, then the gold tables — each is a pure function of that month's silver rows, so
 * after the last swap every figure of the month comes from the same rows. All are PARTITION BY
 * month. A unit test keeps this list equal to the views in `sql/migrations`.
 *
 * @example
 *   for (const t of SALES_DERIVED_TABLES) await exec(ch, sql`ALTER TABLE ${ident(t)} REPLACE PARTITION ${month} FROM …`);
 */
export const SALES_DERIVED_TABLES = [
  "sales_lines",
  // 0002/0003
  "seller_month",
  "store_month",
  "basket_lines",
  "co_purchase",
  // 0005
  "store_hour",
  "store_product_day",
  "product_month",
  "seller_store_month",
  "processing_rejections",
] as const;

export type SalesDerivedTable = (typeof SALES_DERIVED_TABLES)[number];
