/**
 * A store's figures for one business day (the daily report's "ontem"), read from silver
 * `sales_lines` (accepted rows only). The figures contract has month figures only; this one
 * query stays here until the query module offers a day figure.
 */
import { queryRows, type ClickHouseClient } from "../lib/clickhouse/clickhouse-client.ts";
import { sql } from "../lib/clickhouse/sql.ts";
import { formatCents } from "../processors/domain/money.ts";

export interface StoreDay {
  readonly date: string;
  readonly revenue: string;
  readonly baskets: number;
  readonly lines: number;
}

/**
 * @param q.storeId store code
 * @param q.date business date `YYYY-MM-DD`
 */
export async function storeDay(
  ch: ClickHouseClient,
  q: { storeId: string; date: string },
): Promise<StoreDay> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(q.date)) throw new Error(`not a date: ${q.date}`);
  const [row] = await queryRows<{ revenue_cents: string; baskets: string; n: string }>(
    ch,
    sql`SELECT toString(sum(revenue_cents)) AS revenue_cents, uniqExact(basket_id) AS baskets, count() AS n
        FROM sales_lines
        WHERE store_id = ${q.storeId} AND local_date = toDate(${q.date}) AND rejection = ''`,
  );
  return {
    date: q.date,
    revenue: formatCents(BigInt(row?.revenue_cents ?? "0")),
    baskets: Number(row?.baskets ?? 0),
    lines: Number(row?.n ?? 0),
  };
}
