/**
 * The gold slices of migration 0005 and the seed's three views of 0006, for silver sale lines and
 * reference rows written here, equal an independent computation in plain TypeScript — on
 * ClickHouse 18.16 and on current ClickHouse (chdb 26.x) alike. Also: 0005 fills its tables from
 * the silver rows a database already held when it was applied.
 */
import { copyFileSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate, readMigrations } from "../../lib/clickhouse/migrate.ts";
import { ident, raw, sql } from "../../lib/clickhouse/sql.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { runOnChdb } from "../../sql/portability/chdb.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

type Row = Record<string, string | number | null | string[]>;

// === Rows

let seq = 0;
const at = (topic: string) => ({
  _topic: topic,
  _partition: 0,
  _offset: seq++,
  source_file: "f.csv",
  source_line: 2,
});
const span = (topic: string, cod: string, start: string, end: string | null) => ({
  ...at(topic),
  cod_prod: cod,
  data_inicio: start,
  data_fim: end,
});
const price = (cod: string, start: string, end: string | null, preco_cents: number) => ({
  ...span("raw.sku_price", cod, start, end),
  preco_cents,
});
const cost = (cod: string, start: string, end: string | null, custo_cents: number) => ({
  ...span("raw.sku_cost", cod, start, end),
  custo_cents,
});
const PRICES = [
  price("9", "2024-01-10", null, 1000),
  price("9", "2024-03-01", "2024-03-31", 800),
  price("9", "2024-03-01", "2024-03-31", 750), // later row wins
  price("10", "2024-02-01", "2024-04-15", 3000), // ends mid-April
  price("11", "2024-01-01", null, 999),
];
const COSTS = [
  cost("9", "2024-01-01", null, 400),
  cost("9", "2024-02-15", null, 333), // latest start wins from Feb
  cost("10", "2024-01-01", null, 1000),
  // 11 has no cost: no margin row
];
const CATALOG = [
  {
    ...at("raw.sku_dataset"),
    cod_prod: "9",
    nome_abrev: "Batom",
    nome_completo: "Batom V",
    descricao: "",
    categoria: "Maq",
    sub_categoria: "L",
    marca: "M",
    conteudo_valor: "1",
    conteudo_medida: "g",
  },
  {
    ...at("raw.sku_dataset"),
    cod_prod: "9",
    nome_abrev: "Batom 2",
    nome_completo: "Batom V2",
    descricao: "",
    categoria: "Maq",
    sub_categoria: "L",
    marca: "M",
    conteudo_valor: "1",
    conteudo_medida: "g",
  },
];
const TARGETS = [
  { ...at("raw.targets_salesperson"), id_employee: "10001", month: "2024-03", sales_target_cents: 1 },
  { ...at("raw.targets_salesperson"), id_employee: "10001", month: "2024-03", sales_target_cents: 70_000 }, // later wins
  { ...at("raw.targets_salesperson"), id_employee: "10002", month: "2024-03", sales_target_cents: 0 },
  { ...at("raw.targets_salesperson"), id_employee: "10003", month: "2024-04", sales_target_cents: 12_345 }, // no sales
];

const isoWeekday = (d: string): number => ((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const LINES: Row[] = [];
{
  let x = 7;
  const rnd = (): number => (x = (x * 48271) % 2147483647) / 2147483647;
  for (let b = 1; b <= 160; b++) {
    const store = String(101 + (b % 3));
    const seller = String(10001 + (b % 4));
    const date = `2024-0${3 + (b % 2)}-${String(1 + (b % 28)).padStart(2, "0")}`;
    const hour = 9 + (b % 10);
    const prods = ["9", "10", "11", "12"].filter(() => rnd() < 0.6);
    const held: string[] = [];
    for (const prod of prods) {
      const q = rnd() < 0.1 ? -1 : 1 + Math.floor(rnd() * 3);
      const p = 500 + Math.floor(rnd() * 5000);
      const dup = rnd() < 0.08;
      const line = {
        _topic: "sales.normalized",
        _partition: b % 4,
        _offset: LINES.length,
        line_id: `${store}|${b}|${prod}`,
        basket_id: `${store}|${b}`,
        seller_id: seller,
        seller_role: "vendedor",
        store_id: store,
        transaction_id: String(b),
        product_id: prod,
        quantidade: q,
        preco_cents: p,
        revenue_cents: q * p,
        high_margin: 0,
        commission_rate_micro: 30_000,
        commission_micro: q * p * 30_000,
        plan_version: 1,
        sale_time: `${date} ${hour}:00:00`,
        local_date: date,
        month: date.slice(0, 7),
        weekday: isoWeekday(date),
        hour,
        source_file: "t.csv",
        source_line: LINES.length + 2,
        rejection: "",
        pair_partners: q > 0 ? [...held] : [],
      };
      LINES.push(line);
      if (q > 0) held.push(prod);
      if (dup) LINES.push({ ...line, _offset: LINES.length, rejection: "duplicate", pair_partners: [] });
    }
  }
}
const REF: [string, readonly Row[]][] = [
  ["ref_sku_price", PRICES],
  ["ref_sku_cost", COSTS],
  ["ref_sku_dataset", CATALOG],
  ["ref_targets_salesperson", TARGETS],
];

// === Queries (text out, so 18.16's "123.40" and current "123.4" compare as the same decimal)

const QUERIES: Record<string, string> = {
  store_hour:
    "SELECT store_id, toString(local_date) AS d, hour, weekday, toString(sumMerge(revenue_cents)) AS rev, toString(countMerge(lines)) AS n, toString(uniqExactMerge(baskets)) AS b FROM store_hour GROUP BY store_id, local_date, hour, weekday ORDER BY store_id, d, hour",
  store_product_day:
    "SELECT store_id, product_id, toString(local_date) AS d, toString(sum(units)) AS u, toString(sum(revenue_cents)) AS rev, toString(sum(lines)) AS n FROM store_product_day GROUP BY store_id, product_id, local_date ORDER BY store_id, product_id, d",
  product_month:
    "SELECT month, product_id, toString(sum(units)) AS u, toString(sum(revenue_cents)) AS rev, toString(sum(lines)) AS n FROM product_month GROUP BY month, product_id ORDER BY month, product_id",
  seller_store_month:
    "SELECT month, store_id, seller_id, toString(sum(lines)) AS n, toString(sum(revenue_cents)) AS rev FROM seller_store_month GROUP BY month, store_id, seller_id ORDER BY month, store_id, seller_id",
  processing_rejections:
    "SELECT month, rejection, toString(sum(lines)) AS n FROM processing_rejections GROUP BY month, rejection ORDER BY month, rejection",
  metas:
    "SELECT id_employee, month, ano_mes, toString(sales_target) AS t, toString(total_vendido) AS v, toString(percentual_atingido) AS pct FROM vw_cumprimento_metas_mensal_vendedor ORDER BY id_employee, month",
  cross_sell: "SELECT product_a, product_b, toString(times_bought_together) AS n FROM cross_sell",
  margem:
    "SELECT cod_prod, nome_abrev, ano_mes, toString(preco_lista) AS p, toString(custo) AS c, toString(margem_lucro_mensal) AS m, toString(unidades_vendidas) AS u, toString(receita) AS r FROM vw_margem_lucro_produtos_mensal WHERE ano_mes <= '2024-06' ORDER BY cod_prod, ano_mes",
};

/** Decimal text → integer scaled by 10^places ("123.4" and "123.40" alike). */
function scaled(text: string | null, places: number): string | null {
  if (text === null) return null;
  const [i, f = ""] = text.split(".");
  const neg = i!.startsWith("-");
  const v =
    BigInt(i!.replace("-", "")) * 10n ** BigInt(places) +
    BigInt((f + "0".repeat(places)).slice(0, places) || "0");
  return String(neg ? -v : v);
}
/** Results with decimal columns normalized to scaled integers. */
function normalize(name: string, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const dec: Record<string, string[]> = { metas: ["t", "v", "pct"], margem: ["p", "c", "m", "r"] };
  return rows.map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const k of dec[name] ?? []) out[k] = scaled(r[k] as string | null, 2);
    return out;
  });
}

// === The independent computation

function expected(): Record<string, Record<string, unknown>[]> {
  const ok = LINES.filter((l) => l.rejection === "");
  const group = <K extends string>(rows: Row[], key: (r: Row) => K) => {
    const m = new Map<K, Row[]>();
    for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
    return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  };
  const sum = (rows: Row[], col: string) => String(rows.reduce((a, r) => a + BigInt(r[col] as number), 0n));
  const baskets = (rows: Row[]) => String(new Set(rows.map((r) => r.basket_id)).size);
  const e: Record<string, Record<string, unknown>[]> = {};
  e.store_hour = group(ok, (r) => `${r.store_id}|${r.local_date}|${String(r.hour).padStart(2, "0")}`).map(
    ([, rs]) => ({
      store_id: rs[0]!.store_id,
      d: rs[0]!.local_date,
      hour: rs[0]!.hour,
      weekday: rs[0]!.weekday,
      rev: sum(rs, "revenue_cents"),
      n: String(rs.length),
      b: baskets(rs),
    }),
  );
  e.store_product_day = group(ok, (r) => `${r.store_id}|${r.product_id}|${r.local_date}`).map(([, rs]) => ({
    store_id: rs[0]!.store_id,
    product_id: rs[0]!.product_id,
    d: rs[0]!.local_date,
    u: sum(rs, "quantidade"),
    rev: sum(rs, "revenue_cents"),
    n: String(rs.length),
  }));
  e.product_month = group(ok, (r) => `${r.month}|${r.product_id}`).map(([, rs]) => ({
    month: rs[0]!.month,
    product_id: rs[0]!.product_id,
    u: sum(rs, "quantidade"),
    rev: sum(rs, "revenue_cents"),
    n: String(rs.length),
  }));
  e.seller_store_month = group(ok, (r) => `${r.month}|${r.store_id}|${r.seller_id}`).map(([, rs]) => ({
    month: rs[0]!.month,
    store_id: rs[0]!.store_id,
    seller_id: rs[0]!.seller_id,
    n: String(rs.length),
    rev: sum(rs, "revenue_cents"),
  }));
  e.processing_rejections = group(
    LINES.filter((l) => l.rejection !== ""),
    (r) => `${r.month}|${r.rejection}`,
  ).map(([, rs]) => ({ month: rs[0]!.month, rejection: rs[0]!.rejection, n: String(rs.length) }));

  // vw_cumprimento_metas_mensal_vendedor: one row per target (later row wins), Σ q × p.
  const latest = new Map<string, (typeof TARGETS)[number]>();
  for (const t of TARGETS) latest.set(`${t.id_employee}|${t.month}`, t);
  e.metas = [...latest.values()]
    .sort((a, b) => (a.id_employee + a.month < b.id_employee + b.month ? -1 : 1))
    .map((t) => {
      const rev = ok
        .filter((l) => l.seller_id === t.id_employee && l.month === t.month)
        .reduce((a, l) => a + BigInt(l.quantidade as number) * BigInt(l.preco_cents as number), 0n);
      const target = BigInt(t.sales_target_cents);
      return {
        id_employee: t.id_employee,
        month: t.month,
        ano_mes: t.month,
        t: String(target),
        v: String(rev),
        pct: target > 0n ? String((rev * 100n * 100n) / target) : null, // truncated, 2 places
      };
    });

  // cross_sell: unordered pairs of a basket's distinct products with quantidade > 0, a < b numerically.
  const pairs = new Map<string, number>();
  for (const [, rs] of group(ok, (r) => r.basket_id as string)) {
    const ps = [
      ...new Set(rs.filter((r) => (r.quantidade as number) > 0).map((r) => r.product_id as string)),
    ].sort((a, b) => Number(a) - Number(b));
    for (let i = 0; i < ps.length; i++)
      for (let j = i + 1; j < ps.length; j++)
        pairs.set(`${ps[i]}|${ps[j]}`, (pairs.get(`${ps[i]}|${ps[j]}`) ?? 0) + 1);
  }
  e.cross_sell = [...pairs.entries()]
    .map(([k, n]) => ({ product_a: k.split("|")[0], product_b: k.split("|")[1], n: String(n) }))
    .sort(
      (a, b) =>
        Number(b.n) - Number(a.n) ||
        Number(a.product_a) - Number(b.product_a) ||
        Number(a.product_b) - Number(b.product_b),
    );

  // vw_margem_lucro_produtos_mensal: price and cost in force on each month's last day.
  type P = { cod_prod: string; data_inicio: string; data_fim: string | null; _offset: number };
  const inForce = <T extends P>(rows: T[], cod: string, day: string) =>
    rows
      .filter((r) => r.cod_prod === cod && r.data_inicio <= day && (r.data_fim === null || r.data_fim >= day))
      .sort((a, b) =>
        a.data_inicio < b.data_inicio ? -1 : a.data_inicio > b.data_inicio ? 1 : a._offset - b._offset,
      )
      .pop();
  const names = new Map<string, string>();
  for (const c of CATALOG) names.set(c.cod_prod, c.nome_abrev);
  const margem: Record<string, unknown>[] = [];
  for (const cod of [...new Set(PRICES.map((p) => p.cod_prod))].sort()) {
    const first = PRICES.filter((p) => p.cod_prod === cod)
      .map((p) => p.data_inicio)
      .sort()[0]!;
    for (let k = Number(first.slice(0, 4)) * 12 + Number(first.slice(5, 7)) - 1; k <= 2024 * 12 + 5; k++) {
      const [y, m] = [Math.floor(k / 12), (k % 12) + 1];
      const month = `${y}-${String(m).padStart(2, "0")}`;
      const day = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
      const p = inForce(PRICES, cod, day);
      const c = inForce(COSTS, cod, day);
      if (!p || !c || p.preco_cents <= 0) continue;
      const sold = ok.filter((l) => l.product_id === cod && l.month === month);
      const pc = BigInt(p.preco_cents);
      const cc = BigInt(c.custo_cents);
      margem.push({
        cod_prod: cod,
        nome_abrev: names.get(cod) ?? "",
        ano_mes: month,
        p: String(pc),
        c: String(cc),
        m: String(((pc - cc) * 100n * 100n) / pc),
        u: sum(sold, "quantidade"),
        r: sum(sold, "revenue_cents"),
      });
    }
  }
  e.margem = margem;
  return e;
}

// === Tests

describe("gold slices and the seed's views", () => {
  const config = testConfig();
  const database = uniqueName("test_goldviews");
  const server = createClickHouse(config.clickhouse, { database: null });
  const ch = createClickHouse({ ...config.clickhouse, database });

  beforeAll(async () => {
    // Migrations up to 0004 first, rows, then the rest: 0005 must fill from what silver holds.
    const early = mkdtempSync(join(tmpdir(), "vitrine-mig-"));
    const dir = resolve(REPO_ROOT, "sql/migrations");
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".sql") && f < "0005"))
      copyFileSync(join(dir, f), join(early, f));
    await migrate({ config: { ...config.clickhouse, database }, dir: early });
    for (const [table, values] of REF) await ch.insert({ table, format: "JSONEachRow", values: [...values] });
    await ch.insert({ table: "sales_lines", format: "JSONEachRow", values: LINES.slice(0, 200) });
    await migrate({ config: { ...config.clickhouse, database }, dir });
    // …and later rows reach the new tables through their views.
    for (let i = 200; i < LINES.length; i += 150)
      await ch.insert({ table: "sales_lines", format: "JSONEachRow", values: LINES.slice(i, i + 150) });
  });
  afterAll(async () => {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await server.close();
    await ch.close();
  });

  it("equal the independent computation on ClickHouse 18.16", async () => {
    const want = expected();
    expect(want.margem!.length).toBeGreaterThan(5);
    expect(want.metas!.some((m) => m.pct === null)).toBe(true);
    for (const [name, q] of Object.entries(QUERIES)) {
      const got = normalize(name, await queryRows<Record<string, unknown>>(ch, raw(q)));
      expect({ name, rows: got }).toEqual({ name, rows: want[name] });
    }
  });

  it("equal the same computation on current ClickHouse", { timeout: 240_000 }, async () => {
    const files = await readMigrations(resolve(REPO_ROOT, "sql/migrations"));
    const insert = (table: string, rows: readonly Row[]) =>
      `INSERT INTO ${table} FORMAT JSONEachRow ${rows.map((r) => JSON.stringify(r)).join(" ")}`;
    const out = await runOnChdb({
      database,
      // As on 18.16: rows before 0005 (its fill), the rest through the views.
      statements: [
        ...files.filter((f) => f.version < 5).flatMap((f) => f.statements),
        ...REF.map(([t, rows]) => insert(t, rows)),
        insert("sales_lines", LINES.slice(0, 250)),
        ...files.filter((f) => f.version >= 5).flatMap((f) => f.statements),
        insert("sales_lines", LINES.slice(250)),
      ],
      queries: QUERIES,
    });
    const want = expected();
    for (const name of Object.keys(QUERIES))
      expect({ name, rows: normalize(name, out.results[name] ?? []) }).toEqual({ name, rows: want[name] });
  });
});
