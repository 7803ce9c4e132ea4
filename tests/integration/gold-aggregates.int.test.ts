/**
 * Gold aggregates kept by materialized views: for the same silver sale lines, seller-month and
 * store-month figures equal an independent computation written here, on ClickHouse 18.16 and on
 * current ClickHouse (chdb 26.x) alike — also when the lines arrive in several inserts.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate, readMigrations } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { sellerMonthQuery, storeMonthQuery } from "../../sql/gold-queries.ts";
import { runOnChdb } from "../../sql/portability/chdb.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

const config = testConfig();
const database = uniqueName("test_gold");
const server = createClickHouse(config.clickhouse, { database: null });

// Deterministic silver lines: 40 sellers in 5 stores, two months, baskets of 1–4 lines, returns,
// high-margin lines with the 0.05 rate, the others 0.03.
const lines = Array.from({ length: 3000 }, (_, i) => {
  const basket = Math.floor(i / 3) + (i % 7 === 0 ? 1 : 0);
  const seller = 10001 + (basket % 40);
  const store = 101 + (seller % 5);
  const quantidade = i % 53 === 0 ? -1 : 1 + (i % 3);
  const preco = 990 + ((i * 7919) % 20_000);
  const revenue = quantidade * preco;
  const high = i % 4 === 0 ? 1 : 0;
  const rate = high ? 50_000 : 30_000;
  const month = basket % 2 === 0 ? "2024-05" : "2024-06";
  return {
    _topic: "sales.normalized",
    _partition: seller % 4,
    _offset: i,
    line_id: `${store}|${basket}|${500001 + (i % 97)}`,
    basket_id: `${store}|${basket}`,
    seller_id: String(seller),
    seller_role: "vendedor",
    store_id: String(store),
    transaction_id: String(basket),
    product_id: String(500001 + (i % 97)),
    quantidade,
    preco_cents: preco,
    revenue_cents: revenue,
    high_margin: high,
    commission_rate_micro: rate,
    commission_micro: revenue * rate,
    plan_version: 1,
    sale_time: `${month}-10 15:00:00`,
    local_date: `${month}-10`,
    month,
    weekday: 5,
    hour: 12,
    source_file: "incoming/2024.csv",
    source_line: i + 2,
  };
});

/** The independent computation, in plain TypeScript over the rows. */
function expected() {
  const sellers = new Map<
    string,
    { rev: bigint; revHigh: bigint; base: bigint; bonus: bigint; lines: number; baskets: Set<string> }
  >();
  const stores = new Map<string, { rev: bigint; items: bigint; lines: number; baskets: Set<string> }>();
  for (const l of lines) {
    const sk = `${l.month}|${l.seller_id}`;
    const s = sellers.get(sk) ?? {
      rev: 0n,
      revHigh: 0n,
      base: 0n,
      bonus: 0n,
      lines: 0,
      baskets: new Set<string>(),
    };
    s.rev += BigInt(l.revenue_cents);
    if (l.high_margin) {
      s.revHigh += BigInt(l.revenue_cents);
      s.bonus += BigInt(l.commission_micro);
    } else s.base += BigInt(l.commission_micro);
    s.lines++;
    s.baskets.add(l.basket_id);
    sellers.set(sk, s);
    const tk = `${l.month}|${l.store_id}`;
    const t = stores.get(tk) ?? { rev: 0n, items: 0n, lines: 0, baskets: new Set<string>() };
    t.rev += BigInt(l.revenue_cents);
    t.items += BigInt(l.quantidade);
    t.lines++;
    t.baskets.add(l.basket_id);
    stores.set(tk, t);
  }
  const sortKeys = <V>(m: Map<string, V>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    sellers: sortKeys(sellers).map(([k, s]) => ({
      month: k.split("|")[0],
      seller_id: k.split("|")[1],
      revenue_cents: String(s.rev),
      revenue_high_margin_cents: String(s.revHigh),
      commission_base_micro: String(s.base),
      commission_bonus_micro: String(s.bonus),
      lines: String(s.lines),
      baskets: String(s.baskets.size),
    })),
    stores: sortKeys(stores).map(([k, t]) => ({
      month: k.split("|")[0],
      store_id: k.split("|")[1],
      revenue_cents: String(t.rev),
      items: String(t.items),
      lines: String(t.lines),
      baskets: String(t.baskets.size),
    })),
  };
}

describe("gold aggregates (materialized views)", () => {
  const ch = createClickHouse({ ...config.clickhouse, database });
  beforeAll(async () => {
    await migrate({ config: { ...config.clickhouse, database }, dir: resolve(REPO_ROOT, "sql/migrations") });
  });
  afterAll(async () => {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await server.close();
    await ch.close();
  });

  it("equal an independent computation on ClickHouse 18.16, in several inserts", async () => {
    for (let i = 0; i < lines.length; i += 700) {
      await ch.insert({ table: "sales_lines", format: "JSONEachRow", values: lines.slice(i, i + 700) });
    }
    const want = expected();
    expect(await queryRows(ch, sellerMonthQuery())).toEqual(want.sellers);
    expect(await queryRows(ch, storeMonthQuery())).toEqual(want.stores);
    const one = await queryRows(ch, sellerMonthQuery({ month: "2024-05", sellerId: "10002" }));
    expect(one).toEqual(want.sellers.filter((s) => s.month === "2024-05" && s.seller_id === "10002"));
  });

  it("equal the same computation on current ClickHouse", { timeout: 180_000 }, async () => {
    const files = await readMigrations(resolve(REPO_ROOT, "sql/migrations"));
    const inserts = [0, 1000, 2000].map(
      (i) =>
        `INSERT INTO sales_lines FORMAT JSONEachRow ${lines
          .slice(i, i + 1000)
          .map((l) => JSON.stringify(l))
          .join(" ")}`,
    );
    const out = await runOnChdb({
      database,
      statements: [...files.flatMap((f) => f.statements), ...inserts],
      queries: { sellers: sellerMonthQuery().text, stores: storeMonthQuery().text },
    });
    const want = expected();
    expect(out.results.sellers).toEqual(want.sellers);
    expect(out.results.stores).toEqual(want.stores);
  });
});
