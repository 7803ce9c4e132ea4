/**
 * What the sales processor reads from ClickHouse per batch, each a primary-key lookup:
 * the baskets' accepted lines (`basket_lines`), silver rows by Kafka coordinates (a redelivered
 * batch), seller-month gold totals and the top-3 complements of products (`co_purchase`).
 * Values are quoted by the audited SQL helper; long IN lists go out in chunks (18.16's
 * max_query_size is 256 KiB).
 */
import type { ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import { queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { literal, raw, sql, type SqlFragment } from "../../lib/clickhouse/sql.ts";
import type { MonthTotals } from "./running-figures.ts";
import { fromClickHouse, SALES_LINE_COLUMNS, type SalesLine } from "./silver-row.ts";

const CHUNK = 4000;

/** `('a', 'b', …)` — every value quoted by `literal`. */
const inList = (values: readonly string[]): SqlFragment =>
  raw(`(${values.map((v) => literal(v)).join(", ")})`);

async function chunked<T>(values: readonly string[], q: (list: SqlFragment) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(...(await q(inList(values.slice(i, i + CHUNK)))));
  return out;
}

export interface BasketLineRow {
  basket_id: string;
  product_id: string;
  quantidade: number;
}

/** Accepted lines already held for these baskets. */
export const basketLines = (ch: ClickHouseClient, basketIds: readonly string[]): Promise<BasketLineRow[]> =>
  chunked(basketIds, (list) =>
    queryRows<BasketLineRow>(
      ch,
      sql`SELECT basket_id, product_id, quantidade FROM basket_lines WHERE basket_id IN ${list}`,
    ),
  );

/** Silver rows of one partition between two offsets (inclusive), in offset order. */
export async function silverRowsAt(
  ch: ClickHouseClient,
  topic: string,
  partition: number,
  from: bigint,
  to: bigint,
): Promise<SalesLine[]> {
  const rows = await queryRows<Record<string, unknown>>(
    ch,
    sql`SELECT ${raw(SALES_LINE_COLUMNS.join(", "))} FROM sales_lines
        WHERE _topic = ${topic} AND _partition = ${partition} AND _offset >= ${from} AND _offset <= ${to}
        ORDER BY _offset`,
  );
  return rows.map(fromClickHouse);
}

/** Gold seller-month totals by `seller|month`. */
export async function sellerMonthTotals(
  ch: ClickHouseClient,
  keys: readonly { sellerId: string; month: string }[],
): Promise<Map<string, MonthTotals>> {
  const months = [...new Set(keys.map((k) => k.month))];
  const sellers = [...new Set(keys.map((k) => k.sellerId))];
  const wanted = new Set(keys.map((k) => `${k.sellerId}|${k.month}`));
  const out = new Map<string, MonthTotals>();
  if (keys.length === 0) return out;
  for (let i = 0; i < sellers.length; i += CHUNK) {
    const rows = await queryRows<{
      month: string;
      seller_id: string;
      revenue: string;
      commission: string;
      lines: string;
      baskets: string;
    }>(
      ch,
      sql`SELECT month, seller_id,
            toString(sumMerge(revenue_cents)) AS revenue,
            toString(sumMerge(commission_base_micro) + sumMerge(commission_bonus_micro)) AS commission,
            toString(countMerge(lines)) AS lines,
            toString(uniqExactMerge(baskets)) AS baskets
          FROM seller_month
          WHERE month IN ${inList(months)} AND seller_id IN ${inList(sellers.slice(i, i + CHUNK))}
          GROUP BY month, seller_id`,
    );
    for (const r of rows) {
      const k = `${r.seller_id}|${r.month}`;
      if (!wanted.has(k)) continue;
      out.set(k, {
        revenueCents: BigInt(r.revenue),
        commissionMicro: BigInt(r.commission),
        lines: BigInt(r.lines),
        baskets: BigInt(r.baskets),
      });
    }
  }
  return out;
}

/**
 * The top-3 complements of each product (pair counts over all months; ties: shorter, then
 * lower code — numeric order for digit codes of any length).
 */
export async function topComplements(
  ch: ClickHouseClient,
  products: readonly string[],
): Promise<Map<string, { product: string; times: number }[]>> {
  const rows = await chunked(products, (list) =>
    queryRows<{ product: string; other: string; n: string }>(
      ch,
      sql`SELECT product, other, toString(sum(baskets)) AS n FROM co_purchase
          WHERE product IN ${list}
          GROUP BY product, other
          ORDER BY product, sum(baskets) DESC, length(other), other
          LIMIT 3 BY product`,
    ),
  );
  const out = new Map<string, { product: string; times: number }[]>();
  for (const r of rows) {
    let l = out.get(r.product);
    if (!l) out.set(r.product, (l = []));
    l.push({ product: r.other, times: Number(r.n) });
  }
  return out;
}
