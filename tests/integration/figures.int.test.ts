/**
 * The figures module (sql/figures/index.ts) on the real ClickHouse 18.16 server: for silver sale
 * lines and reference rows written here, every figure equals an independent computation in plain
 * TypeScript over those rows (not through the module's code) — to the cent, with ties,
 * later-row-wins, a gerente, no target, and the tier borders 99.99 %, 100 %, 119.99 %, 120 %.
 * Then the same rows on current ClickHouse (chdb 26.x): every query the module ran gives the same
 * rows there, so the figures are the same on both engines.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClickHouse, exec, type ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate, readMigrations } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { createFigures } from "../../sql/figures/index.ts";
import type { Figures } from "../../sql/figures/contract.ts";
import { runOnChdb } from "../../sql/portability/chdb.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

// === Plain helpers of the independent computation (no module code)

type Row = Record<string, string | number | null | string[]>;

/** Deterministic pseudo-random numbers (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
/** Half away from zero. */
function round(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  return 2n * abs(r) >= d ? (n < 0n ? q - 1n : q + 1n) : q;
}
function dec(scaled: bigint, places: number): string {
  const s = abs(scaled)
    .toString()
    .padStart(places + 1, "0");
  const body = places ? `${s.slice(0, -places)}.${s.slice(-places)}` : s;
  return scaled < 0n ? `-${body}` : body;
}
const money = (c: bigint): string => dec(c, 2);
const ceil = (n: bigint, d: bigint): bigint => (n % d === 0n ? n / d : n / d + 1n);
const numeric = (a: string, b: string): number => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
const isoWeekday = (d: string): number => ((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const dayPlus = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

// === The rows: reference tables (Kafka coordinates in arrival order) and silver sale lines

let offset = 0;
const coords = (topic: string): { _topic: string; _partition: number; _offset: number } => ({
  _topic: topic,
  _partition: 0,
  _offset: offset++,
});
const prov = { source_file: "incoming/ref.csv", source_line: 2 };

const storeRows = [
  { nome_loja: "101", regiao: "Sul", data_inauguracao: "2019-01-01" },
  { nome_loja: "102", regiao: "Sul", data_inauguracao: "2019-01-01" },
  { nome_loja: "103", regiao: "Sul", data_inauguracao: "2020-01-01" },
  { nome_loja: "103", regiao: "Norte", data_inauguracao: "2020-01-01" }, // later row wins
  { nome_loja: "104", regiao: "Norte", data_inauguracao: "2030-01-01" }, // not open yet
  { nome_loja: "106", regiao: "Norte", data_inauguracao: "2021-06-01" }, // open, no sales
].map((r) => ({ ...coords("raw.stores"), ...r, diretoria: "D1", ...prov }));

const emp = (
  id: string,
  store: string,
  role = "vendedor",
  initial = "2020-01-01",
  end: string | null = null,
) => ({
  ...coords("raw.employees"),
  id_employee: id,
  name: `Nome${id}`,
  surname: `Sobrenome${id}`,
  cpf_pseudonym: `p${id}`,
  status: end ? "não ativo" : "ativo",
  role,
  initial_date: initial,
  end_date: end,
  store_id: store,
  ...prov,
});
const employeeRows = [
  emp("10001", "101", "gerente"),
  emp("10002", "101"),
  emp("10002", "102"), // later row wins: store 102
  ...["10003", "10004", "10005", "10006", "10007", "10008", "10009", "10010"].map((id, i) =>
    emp(id, String(101 + (i % 3))),
  ),
  emp("10011", "101", "vendedor", "2024-05-20"), // joined this month, no sales
  emp("10012", "101", "vendedor", "2020-01-01", "2024-04-15"), // left before the month
  emp("10013", "101", "vendedor", "2024-07-01"), // joins later
];

const target = (id: string, month: string, cents: number) => ({
  ...coords("raw.targets_salesperson"),
  id_employee: id,
  month,
  sales_target_cents: cents,
  ...prov,
});
const sellerTargetRows = [
  target("10003", "2024-05", 500_000),
  target("10003", "2024-05", 1_000_000), // later row wins
  target("10004", "2024-05", 1_000_000),
  target("10005", "2024-05", 1_000_000),
  target("10006", "2024-05", 1_000_000),
  target("10001", "2024-05", 1_000_000),
  target("10008", "2024-05", 0),
  target("10009", "2024-05", 2_345_678),
  target("10010", "2024-05", 123_457),
  target("10002", "2024-06", 900_000),
  target("10011", "2024-05", 400_000),
];
const storeTargetRows = [
  { month: "2024-05", store_id: "101", sales_target_cents: 1_000 },
  { month: "2024-05", store_id: "101", sales_target_cents: 5_000_000 }, // later row wins
  { month: "2024-05", store_id: "102", sales_target_cents: 4_000_000 },
  { month: "2024-06", store_id: "103", sales_target_cents: 100_000 },
].map((r) => ({ ...coords("raw.targets_store"), ...r, ...prov }));

const product = (id: string, name: string, cat: string) => ({
  ...coords("raw.sku_dataset"),
  cod_prod: id,
  nome_abrev: name,
  nome_completo: `${name} completo`,
  descricao: "",
  categoria: cat,
  sub_categoria: "",
  marca: "M",
  conteudo_valor: "100",
  conteudo_medida: "ml",
  ...prov,
});
const productRows = [
  product("9", "Batom", "Maquiagem"),
  product("10", "Rimel", "Maquiagem"),
  product("10", "Rímel", "Maquiagem"), // later row wins
  product("100", "Perfume", "Perfumaria"),
  product("777", "Creme", "Pele"),
  product("500001", "Sabonete", "Banho"),
  product("500002", "Xampu", "Cabelo"),
];
const period = <E extends Row>(topic: string, id: string, start: string, end: string | null, extra: E) => ({
  ...coords(topic),
  cod_prod: id,
  data_inicio: start,
  data_fim: end,
  ...extra,
  ...prov,
});
const price = (id: string, start: string, end: string | null, c: number) =>
  period("raw.sku_price", id, start, end, { preco_cents: c });
const cost = (id: string, start: string, end: string | null, c: number) =>
  period("raw.sku_cost", id, start, end, { custo_cents: c });
const status = (id: string, start: string, end: string | null) =>
  period("raw.sku_status", id, start, end, {});
const priceRows = [
  price("9", "2024-01-01", null, 1000),
  price("9", "2024-06-01", "2024-06-30", 900), // exactly 10 % below: a promotion
  price("10", "2024-01-01", null, 2000),
  price("10", "2024-06-01", null, 1801), // 9.95 % below…
  price("10", "2024-06-01", null, 1800), // …but the later row of the same start is 10 % below
  price("100", "2023-01-01", null, 5000),
  price("777", "2024-01-01", null, 1000),
  price("777", "2024-05-15", null, 901), // 9.9 % below: no promotion
  price("500001", "2024-01-01", null, 3000),
  price("500002", "2024-01-01", null, 4000),
  price("500002", "2024-02-01", "2024-02-28", 3000), // over before the date
  price("500003", "2024-07-01", null, 100), // starts after the date
];
const costRows = [
  cost("9", "2024-01-01", null, 400),
  cost("10", "2024-01-01", "2024-12-31", 500),
  cost("10", "2024-05-01", null, 900), // latest start wins
  cost("100", "2023-01-01", null, 1000),
  cost("777", "2024-01-01", null, 450),
  cost("777", "2024-01-01", null, 450),
  cost("500002", "2024-01-01", null, 2000),
];
const statusRows = [
  status("9", "2024-01-01", null),
  status("10", "2024-01-01", null),
  status("100", "2023-01-01", "2024-05-31"), // inactive at the date
  status("777", "2023-01-01", null),
  status("500001", "2024-01-01", null),
  status("500002", "2024-01-01", "2024-03-01"),
  status("500002", "2024-04-01", null),
];
const stockRows = [
  { data: "2024-06-01", cod_loja: "101", cod_prod: "9", quantidade: 100 },
  { data: "2024-06-04", cod_loja: "101", cod_prod: "9", quantidade: 50 },
  { data: "2024-06-04", cod_loja: "101", cod_prod: "9", quantidade: 3 }, // later row wins
  { data: "2024-06-09", cod_loja: "101", cod_prod: "9", quantidade: 999 }, // after the date
  { data: "2024-06-05", cod_loja: "101", cod_prod: "10", quantidade: 2 },
  { data: "2024-02-01", cod_loja: "101", cod_prod: "100", quantidade: 1 }, // too old
  { data: "2024-06-05", cod_loja: "102", cod_prod: "500001", quantidade: 1 },
  { data: "2024-06-05", cod_loja: "102", cod_prod: "777", quantidade: 100_000 },
  { data: "2024-06-05", cod_loja: "103", cod_prod: "500002", quantidade: 0 },
].map((r) => ({ ...coords("raw.daily_stock"), ...r, ...prov }));

// --- Silver sale lines

const PRODUCTS = ["9", "10", "100", "777", "500001", "500002", "500006"];
const lines: Row[] = [];
let salesOffset = 0;
let basketNo = 0;
/** One basket: its accepted lines carry pair partners (distinct earlier products with quantity > 0). */
function basket(
  store: string,
  seller: string,
  date: string,
  hour: number,
  items: { prod: string; q: number; p: number; high?: boolean }[],
  dup = false,
): void {
  const tx = String(++basketNo);
  const held: string[] = [];
  for (const it of items) {
    const revenue = it.q * it.p;
    const rate = it.high ? 50_000 : 30_000;
    const partners = it.q > 0 ? held.filter((x) => x !== it.prod) : [];
    lines.push({
      _topic: "sales.normalized",
      _partition: Number(tx) % 4,
      _offset: salesOffset++,
      line_id: `${store}|${tx}|${it.prod}`,
      basket_id: `${store}|${tx}`,
      seller_id: seller,
      seller_role: "",
      store_id: store,
      transaction_id: tx,
      product_id: it.prod,
      quantidade: it.q,
      preco_cents: it.p,
      revenue_cents: revenue,
      high_margin: it.high ? 1 : 0,
      commission_rate_micro: rate,
      commission_micro: revenue * rate,
      plan_version: 1,
      sale_time: `${date} ${String(hour).padStart(2, "0")}:10:00`,
      local_date: date,
      month: date.slice(0, 7),
      weekday: isoWeekday(date),
      hour,
      source_file: "incoming/2024.csv",
      source_line: salesOffset + 1,
      rejection: "",
      pair_partners: partners,
    });
    if (it.q > 0 && !held.includes(it.prod)) held.push(it.prod);
  }
  if (dup) {
    // A later occurrence of the first line's identity: a dead letter that must count nowhere.
    lines.push({
      ...lines[lines.length - items.length]!,
      _offset: salesOffset++,
      rejection: "duplicate",
      pair_partners: [],
    });
  }
}

/** Baskets of a seller in May whose revenues sum to exactly `total` cents (with a return inside). */
function exact(seller: string, store: string, total: number, high: boolean): void {
  basket(store, seller, "2024-05-06", 10, [
    { prod: "9", q: 2, p: 12_345, high },
    { prod: "10", q: -1, p: 2_345 },
    { prod: "100", q: 1, p: 2_345 },
  ]);
  const rest = total - 2 * 12_345;
  basket(store, seller, "2024-05-20", 15, [
    { prod: "777", q: 1, p: Math.floor(rest / 2) },
    { prod: "500001", q: 1, p: rest - Math.floor(rest / 2), high: !high },
  ]);
}

exact("10003", "103", 999_900, false); // 99.99 %
exact("10004", "101", 1_000_000, true); // 100 %
exact("10005", "102", 1_199_900, false); // 119.99 %
exact("10006", "103", 1_200_000, true); // 120 %
exact("10001", "101", 1_500_000, true); // gerente above 120 %: earns nothing

// Crafted co-purchase ties: complements of 500004 are 777 (3), then 9 and 10 (2 each, 9 first).
for (const others of [
  ["777", "9"],
  ["777", "10"],
  ["777", "9", "10"],
]) {
  basket("102", "10007", "2024-05-08", 11, [
    { prod: "500004", q: 1, p: 1000 },
    ...others.map((o) => ({ prod: o, q: 1, p: 500 })),
  ]);
}
// Identical revenue for two stores-in-region ties (105: a store without a reference row).
basket("105", "20001", "2024-05-09", 9, [{ prod: "9", q: 1, p: 77_777 }]);

// A busy Monday noon in store 101, across a month border: several sellers recommended.
for (const date of ["2024-05-27", "2024-06-03"])
  for (let i = 0; i < 12; i++) basket("101", "10009", date, 12, [{ prod: "100", q: 1, p: 1500 + i }]);

const rnd = prng(42);
const fillers = ["10002", "10007", "10008", "10009", "10010", "20001"];
for (let i = 0; i < 400; i++) {
  const seller = fillers[Math.floor(rnd() * fillers.length)]!;
  const store = seller === "20001" ? "105" : String(101 + Math.floor(rnd() * 3));
  const date = dayPlus("2024-04-20", Math.floor(rnd() * 52)); // 2024-04-20 … 2024-06-10
  const n = 1 + Math.floor(rnd() * 4);
  const prods = [...PRODUCTS].sort(() => rnd() - 0.5).slice(0, n);
  basket(
    store,
    seller,
    date,
    8 + Math.floor(rnd() * 12),
    prods.map((prod) => ({
      prod,
      q: rnd() < 0.06 ? -1 : 1 + Math.floor(rnd() * 3),
      p: 990 + Math.floor(rnd() * 30_000),
      high: rnd() < 0.3,
    })),
    rnd() < 0.05,
  );
}

// === The independent computation

const accepted = lines.filter((l) => l.rejection === "");
const later = <T extends { _offset: number }>(rows: readonly T[], key: (r: T) => string): Map<string, T> => {
  const m = new Map<string, T>();
  for (const r of [...rows].sort((a, b) => Number(a._offset) - Number(b._offset))) m.set(key(r), r);
  return m;
};
const employeesById = later(employeeRows, (r) => r.id_employee);
const sellerTarget = later(sellerTargetRows, (r) => `${r.id_employee}|${r.month}`);
const storeTarget = later(storeTargetRows, (r) => `${r.store_id}|${r.month}`);
const storeRef = later(storeRows, (r) => r.nome_loja);
const productRef = later(productRows, (r) => r.cod_prod);
const lastDay = (month: string): string => dayPlus(`${month === "2024-05" ? "2024-06" : "2024-07"}-01`, -1);

/** The store with most accepted lines among a seller's lines (ties: lower id). */
function mainStore(mine: Row[]): string | undefined {
  const n = new Map<string, number>();
  for (const l of mine) n.set(l.store_id as string, (n.get(l.store_id as string) ?? 0) + 1);
  return [...n.entries()].sort(([a, x], [b, y]) => y - x || numeric(a, b))[0]?.[0];
}

function expectedSeller(id: string, month: string) {
  const mine = accepted.filter((l) => l.seller_id === id && l.month === month);
  const e = employeesById.get(id);
  const t = sellerTarget.get(`${id}|${month}`);
  if (!mine.length && !e && !t) return undefined;
  const revenue = mine.reduce((a, l) => a + BigInt(l.revenue_cents as number), 0n);
  const micro = mine.reduce((a, l) => a + BigInt(l.commission_micro as number), 0n);
  const tc = t ? BigInt(t.sales_target_cents) : undefined;
  const has = tc !== undefined && tc > 0n;
  const mult = !has ? 100n : revenue * 100n >= 120n * tc! ? 150n : revenue >= tc! ? 125n : 100n; // hundredths
  const gerente = e?.role === "gerente";
  const commission = gerente ? 0n : round(micro * mult, 100_000_000n);
  let nextTier = null;
  if (has && !gerente) {
    if (revenue < tc!)
      nextTier = { attainment: "1.0000", multiplier: "1.2500", revenueNeeded: money(tc! - revenue) };
    else if (revenue * 100n < 120n * tc!)
      nextTier = {
        attainment: "1.2000",
        multiplier: "1.5000",
        revenueNeeded: money(ceil(12n * tc!, 10n) - revenue),
      };
  }
  return {
    sellerId: id,
    storeId: e?.store_id ?? mainStore(mine) ?? null,
    month,
    revenue: money(revenue),
    target: tc === undefined ? null : money(tc),
    attainment: has ? dec(round(revenue * 10_000n, tc!), 4) : null,
    multiplier: dec(mult * 100n, 4),
    commission: money(commission),
    lines: mine.length,
    baskets: new Set(mine.map((l) => l.basket_id)).size,
    name: e ? `${e.name} ${e.surname}` : null,
    role: e?.role ?? null,
    nextTier,
  };
}

function expectedRanking(month: string) {
  const last = lastDay(month);
  const ids = new Set(accepted.filter((l) => l.month === month).map((l) => l.store_id as string));
  for (const [id, r] of storeRef) if (r.data_inauguracao <= last) ids.add(id);
  const base = [...ids].map((id) => {
    const mine = accepted.filter((l) => l.store_id === id && l.month === month);
    const revenue = mine.reduce((a, l) => a + BigInt(l.revenue_cents as number), 0n);
    const items = mine.reduce((a, l) => a + BigInt(l.quantidade as number), 0n);
    const baskets = BigInt(new Set(mine.map((l) => l.basket_id)).size);
    const t = storeTarget.get(`${id}|${month}`);
    return {
      id,
      revenue,
      items,
      baskets,
      target: t ? BigInt(t.sales_target_cents) : undefined,
      region: storeRef.get(id)?.regiao ?? null,
    };
  });
  return base
    .map((b) => ({
      storeId: b.id,
      month,
      revenue: money(b.revenue),
      target: b.target === undefined ? null : money(b.target),
      attainment: b.target ? dec(round(b.revenue * 10_000n, b.target), 4) : null,
      baskets: Number(b.baskets),
      avgTicket: b.baskets ? money(round(b.revenue, b.baskets)) : "0.00",
      itemsPerBasket: b.baskets ? dec(round(b.items * 10_000n, b.baskets), 4) : "0.0000",
      rankNetwork: 1 + base.filter((o) => o.revenue > b.revenue).length,
      rankRegion: 1 + base.filter((o) => o.region === b.region && o.revenue > b.revenue).length,
      region: b.region,
    }))
    .sort((a, b) => a.rankNetwork - b.rankNetwork || numeric(a.storeId, b.storeId));
}

function expectedComplements(p: string, limit: number) {
  const baskets = new Map<string, Set<string>>();
  for (const l of accepted)
    if ((l.quantidade as number) > 0) {
      const s = baskets.get(l.basket_id as string) ?? new Set<string>();
      s.add(l.product_id as string);
      baskets.set(l.basket_id as string, s);
    }
  const count = new Map<string, number>();
  for (const s of baskets.values())
    if (s.has(p)) for (const o of s) if (o !== p) count.set(o, (count.get(o) ?? 0) + 1);
  return [...count.entries()]
    .sort(([a, x], [b, y]) => y - x || numeric(a, b))
    .slice(0, limit)
    .map(([codProd, n]) => ({
      codProd,
      name: productRef.get(codProd)?.nome_abrev ?? null,
      timesBoughtTogether: n,
    }));
}

type P = { cod_prod: string; data_inicio: string; data_fim: string | null; _offset: number };
/** The period row covering a date: latest start, then the later row. */
function at<T extends P>(rows: readonly T[], id: string, date: string): T | undefined {
  return rows
    .filter((r) => r.cod_prod === id && r.data_inicio <= date && (r.data_fim === null || r.data_fim >= date))
    .sort((a, b) =>
      a.data_inicio < b.data_inicio ? -1 : a.data_inicio > b.data_inicio ? 1 : a._offset - b._offset,
    )
    .pop();
}

function expectedTopMargin(limit: number, date: string) {
  const ids = [...new Set(priceRows.map((r) => r.cod_prod))];
  return ids
    .filter((id) =>
      statusRows.some(
        (s) => s.cod_prod === id && s.data_inicio <= date && (s.data_fim === null || s.data_fim >= date),
      ),
    )
    .map((id) => ({ id, p: at(priceRows, id, date), c: at(costRows, id, date) }))
    .filter((x) => x.p && x.c && (x.p.preco_cents as number) > 0)
    .map((x) => ({ id: x.id, p: BigInt(x.p!.preco_cents as number), c: BigInt(x.c!.custo_cents as number) }))
    .sort((a, b) => {
      const l = (b.p - b.c) * a.p;
      const r = (a.p - a.c) * b.p;
      return l > r ? 1 : l < r ? -1 : numeric(a.id, b.id);
    })
    .slice(0, limit)
    .map((x) => ({
      codProd: x.id,
      name: productRef.get(x.id)?.nome_abrev ?? null,
      category: productRef.get(x.id)?.categoria ?? null,
      listPrice: money(x.p),
      cost: money(x.c),
      margin: dec(round((x.p - x.c) * 10_000n, x.p), 4),
    }));
}

function expectedPromotions(date: string) {
  const out = [];
  for (const id of new Set(priceRows.map((r) => r.cod_prod))) {
    const cur = at(priceRows, id, date);
    if (!cur) continue;
    const prev = priceRows
      .filter((r) => r.cod_prod === id && r.data_inicio < cur.data_inicio)
      .sort((a, b) =>
        a.data_inicio < b.data_inicio ? -1 : a.data_inicio > b.data_inicio ? 1 : a._offset - b._offset,
      )
      .pop();
    if (!prev) continue;
    const p = BigInt(cur.preco_cents as number);
    const b = BigInt(prev.preco_cents as number);
    if (p * 10n > b * 9n) continue;
    out.push({
      codProd: id,
      name: productRef.get(id)?.nome_abrev ?? null,
      price: money(p),
      previousPrice: money(b),
      discount: dec(round((b - p) * 10_000n, b), 4),
      start: cur.data_inicio,
      end: cur.data_fim,
    });
  }
  return out.sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : numeric(a.codProd, b.codProd)));
}

function expectedStaffing(
  store: string,
  weeks: number,
  perSellerHour: { num: bigint; den: bigint },
  until: string,
) {
  const from = dayPlus(until, -7 * weeks + 1);
  const slots = new Map<string, Set<string>>(); // weekday|hour → "date|basket"
  for (const l of accepted) {
    const d = l.local_date as string;
    if (l.store_id !== store || d < from || d > until) continue;
    const key = `${isoWeekday(d)}|${l.hour}`;
    const s = slots.get(key) ?? new Set<string>();
    s.add(`${d}|${l.basket_id}`);
    slots.set(key, s);
  }
  return [...slots.entries()]
    .map(([k, s]) => {
      const [weekday, hour] = k.split("|").map(Number) as [number, number];
      const total = BigInt(s.size);
      return {
        weekday,
        hour,
        expectedBaskets: dec(round(total * 100n, BigInt(weeks)), 2),
        recommendedSellers: Number(ceil(total * perSellerHour.den, BigInt(weeks) * perSellerHour.num)),
      };
    })
    .sort((a, b) => a.weekday - b.weekday || a.hour - b.hour);
}

function expectedStock(store: string | undefined, leadDays: number, date: string) {
  const from = dayPlus(date, -27);
  const latest = new Map<string, (typeof stockRows)[number]>();
  for (const r of [...stockRows].sort((a, b) =>
    a.data < b.data ? -1 : a.data > b.data ? 1 : a._offset - b._offset,
  ))
    if (r.data <= date && r.data >= dayPlus(date, -89) && (store === undefined || r.cod_loja === store))
      latest.set(`${r.cod_loja}|${r.cod_prod}`, r);
  const out = [];
  for (const [key, r] of latest) {
    const sold = accepted
      .filter(
        (l) =>
          `${l.store_id}|${l.product_id}` === key &&
          (l.local_date as string) >= from &&
          (l.local_date as string) <= date,
      )
      .reduce((a, l) => a + BigInt(l.quantidade as number), 0n);
    const onHand = BigInt(r.quantidade);
    if (sold <= 0n || onHand * 28n >= BigInt(leadDays) * sold) continue;
    out.push({
      storeId: r.cod_loja,
      codProd: r.cod_prod,
      name: productRef.get(r.cod_prod)?.nome_abrev ?? null,
      onHand: Number(onHand),
      avgDailyUnits: dec(round(sold * 100n, 28n), 2),
      daysOfCover: dec(round(onHand * 28n * 10n, sold), 1),
      key: [onHand, sold] as const,
    });
  }
  return out
    .sort((a, b) => {
      const l = a.key[0] * b.key[1];
      const r = b.key[0] * a.key[1];
      return l < r ? -1 : l > r ? 1 : numeric(a.storeId, b.storeId) || numeric(a.codProd, b.codProd);
    })
    .map(({ key: _key, ...rest }) => rest);
}

// === Running the same figure calls on any engine

/** Every figure call of this test, by name. */
const CALLS: Record<string, (f: Figures) => Promise<unknown>> = {
  ...Object.fromEntries(
    [
      "10001",
      "10002",
      "10003",
      "10004",
      "10005",
      "10006",
      "10007",
      "10008",
      "10009",
      "10010",
      "10011",
      "20001",
      "99999",
    ].flatMap((id) =>
      ["2024-05", "2024-06"].map((m) => [
        `seller ${id} ${m}`,
        (f: Figures) => f.sellerSummary({ sellerId: id, month: m }),
      ]),
    ),
  ),
  ...Object.fromEntries(
    ["101", "102", "103", "104", "105", "106", "999"].flatMap((id) => [
      [`store ${id}`, (f: Figures) => f.storeSummary({ storeId: id, month: "2024-05" })],
      [`team ${id}`, (f: Figures) => f.storeSellers({ storeId: id, month: "2024-05" })],
    ]),
  ),
  "ranking 2024-05": (f) => f.storeRanking({ month: "2024-05" }),
  "ranking 2024-06": (f) => f.storeRanking({ month: "2024-06" }),
  "network 2024-05": (f) => f.networkSummary({ month: "2024-05" }),
  "network 2024-06": (f) => f.networkSummary({ month: "2024-06" }),
  ...Object.fromEntries(
    ["9", "10", "500004", "404"].map((p) => [
      `complements ${p}`,
      (f: Figures) => f.complements({ productId: p, limit: 5 }),
    ]),
  ),
  "top margin 3": (f) => f.topMargin({ limit: 3, date: "2024-06-05" }),
  "top margin 10": (f) => f.topMargin({ limit: 10, date: "2024-06-05" }),
  promotions: (f) => f.promotions({ date: "2024-06-05" }),
  "promotions before": (f) => f.promotions({ date: "2024-05-31" }),
  "staffing 101": (f) =>
    f.staffing({ storeId: "101", weeks: 2, basketsPerSellerHour: 2.5, until: "2024-06-05" }),
  "staffing 102": (f) =>
    f.staffing({ storeId: "102", weeks: 3, basketsPerSellerHour: 1, until: "2024-05-31" }),
  "stock all": (f) => f.stockAlerts({ leadDays: 7, date: "2024-06-05" }),
  "stock 101": (f) => f.stockAlerts({ storeId: "101", leadDays: 30, date: "2024-06-05" }),
  "employee 10002": (f) => f.employee("10002"),
  "employee none": (f) => f.employee("424242"),
  "dead letters": (f) => f.processingDeadLetters(),
};

function expectedFigures(): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  for (const name of Object.keys(CALLS)) {
    const [kind, a] = name.split(" ") as [string, string];
    if (kind === "seller") e[name] = expectedSeller(a, name.split(" ")[2]!);
    else if (kind === "store") e[name] = expectedRanking("2024-05").find((s) => s.storeId === a);
    else if (kind === "team") {
      const last = lastDay("2024-05");
      const ids = new Set(
        accepted.filter((l) => l.store_id === a && l.month === "2024-05").map((l) => l.seller_id as string),
      );
      for (const [id, r] of employeesById)
        if (r.store_id === a && r.initial_date <= last && (r.end_date === null || r.end_date >= "2024-05-01"))
          ids.add(id);
      e[name] = [...ids]
        .map((id) => expectedSeller(id, "2024-05")!)
        .sort((x, y) => Number(y.revenue) - Number(x.revenue) || numeric(x.sellerId, y.sellerId));
    } else if (kind === "ranking") e[name] = expectedRanking(a);
    else if (kind === "network") {
      const mine = accepted.filter((l) => l.month === a);
      const revenue = mine.reduce((s, l) => s + BigInt(l.revenue_cents as number), 0n);
      const items = mine.reduce((s, l) => s + BigInt(l.quantidade as number), 0n);
      const baskets = BigInt(new Set(mine.map((l) => l.basket_id)).size);
      const targets = [...storeTarget.values()].filter((t) => t.month === a);
      const target = targets.length
        ? targets.reduce((s, t) => s + BigInt(t.sales_target_cents), 0n)
        : undefined;
      e[name] = {
        month: a,
        revenue: money(revenue),
        target: target === undefined ? null : money(target),
        attainment: target ? dec(round(revenue * 10_000n, target), 4) : null,
        baskets: Number(baskets),
        avgTicket: money(round(revenue, baskets)),
        itemsPerBasket: dec(round(items * 10_000n, baskets), 4),
        stores: expectedRanking(a).length,
      };
    }
  }
  for (const p of ["9", "10", "500004", "404"]) e[`complements ${p}`] = expectedComplements(p, 5);
  e["top margin 3"] = expectedTopMargin(3, "2024-06-05");
  e["top margin 10"] = expectedTopMargin(10, "2024-06-05");
  e["promotions"] = expectedPromotions("2024-06-05");
  e["promotions before"] = expectedPromotions("2024-05-31");
  e["staffing 101"] = expectedStaffing("101", 2, { num: 5n, den: 2n }, "2024-06-05");
  e["staffing 102"] = expectedStaffing("102", 3, { num: 1n, den: 1n }, "2024-05-31");
  e["stock all"] = expectedStock(undefined, 7, "2024-06-05");
  e["stock 101"] = expectedStock("101", 30, "2024-06-05");
  const e2 = employeesById.get("10002")!;
  e["employee 10002"] = {
    id: "10002",
    name: `${e2.name} ${e2.surname}`,
    role: e2.role,
    status: e2.status,
    storeId: e2.store_id,
  };
  e["employee none"] = undefined;
  const dead = lines.filter((l) => l.rejection !== "");
  e["dead letters"] = { total: dead.length, byReason: dead.length ? { duplicate: dead.length } : {} };
  return e;
}

async function runAll(f: Figures): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, call] of Object.entries(CALLS)) out[name] = await call(f);
  return out;
}

const TABLES: [string, readonly Row[]][] = [
  ["ref_stores", storeRows],
  ["ref_employees", employeeRows],
  ["ref_targets_salesperson", sellerTargetRows],
  ["ref_targets_store", storeTargetRows],
  ["ref_sku_dataset", productRows],
  ["ref_sku_price", priceRows],
  ["ref_sku_cost", costRows],
  ["ref_sku_status", statusRows],
  ["ref_daily_stock", stockRows],
];

// === The tests

describe("figures module", () => {
  const config = testConfig();
  const database = uniqueName("test_figures");
  const server = createClickHouse(config.clickhouse, { database: null });
  const ch = createClickHouse({ ...config.clickhouse, database });
  const recorded = new Set<string>();
  let old: Record<string, unknown> = {};

  beforeAll(async () => {
    await migrate({ config: { ...config.clickhouse, database }, dir: resolve(REPO_ROOT, "sql/migrations") });
    for (const [table, values] of TABLES)
      await ch.insert({ table, format: "JSONEachRow", values: [...values] });
    // Several inserts, as the sink writes them: the gold aggregates must add up across blocks.
    for (let i = 0; i < lines.length; i += 300)
      await ch.insert({ table: "sales_lines", format: "JSONEachRow", values: lines.slice(i, i + 300) });
  });
  afterAll(async () => {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await server.close();
    await ch.close();
  });

  it("the rows hold the cases the figures must get right", () => {
    const want = expectedFigures();
    // Anchors on the independent computation itself, so the test data keeps its edge cases.
    expect((want["seller 10003 2024-05"] as { attainment: string }).attainment).toBe("0.9999");
    expect((want["seller 10004 2024-05"] as { multiplier: string }).multiplier).toBe("1.2500");
    expect((want["seller 10005 2024-05"] as { attainment: string }).attainment).toBe("1.1999");
    expect((want["seller 10006 2024-05"] as { multiplier: string }).multiplier).toBe("1.5000");
    expect((want["seller 10001 2024-05"] as { commission: string }).commission).toBe("0.00");
    expect(want["seller 20001 2024-05"]).toMatchObject({ storeId: "105", role: null, name: null });
    expect((want["complements 500004"] as { codProd: string }[]).map((c) => c.codProd)).toEqual([
      "777",
      "9",
      "10",
    ]);
    expect((want["promotions"] as { codProd: string }[]).map((c) => c.codProd).sort()).toEqual(["10", "9"]);
    expect((want["stock all"] as unknown[]).length).toBeGreaterThan(0);
    const busy = (
      want["staffing 101"] as { weekday: number; hour: number; recommendedSellers: number }[]
    ).find((s) => s.weekday === 1 && s.hour === 12);
    expect(busy?.recommendedSellers).toBeGreaterThanOrEqual(5);
    expect(want["store 104"]).toBeUndefined();
    expect((want["dead letters"] as { total: number }).total).toBeGreaterThan(5);
  });

  it("equal the independent computation on ClickHouse 18.16", async () => {
    // The module reads through `query` only: record every query text it sends.
    const recording = {
      query: (opts: Parameters<ClickHouseClient["query"]>[0]) => {
        recorded.add(opts.query);
        return ch.query(opts);
      },
    } as unknown as ClickHouseClient;
    old = await runAll(createFigures({ ch: recording, plan: DEFAULT_PLAN }));
    const want = expectedFigures();
    for (const name of Object.keys(CALLS))
      expect({ name, figure: old[name] }).toEqual({ name, figure: want[name] });
  });

  it("reject malformed input with a clear code", async () => {
    const f = createFigures({ ch, plan: DEFAULT_PLAN });
    await expect(f.sellerSummary({ sellerId: "1", month: "2024-13" })).rejects.toMatchObject({
      code: "VT_ERR_API_BAD_REQUEST",
    });
    // Any id is quoted, never spliced: a quote is just an unknown id.
    expect(await f.employee("10002' OR 1=1 --")).toBeUndefined();
    expect(await f.sellerSummary({ sellerId: "x\\' OR '1'='1", month: "2024-05" })).toBeUndefined();
    await expect(f.complements({ productId: "x".repeat(65), limit: 5 })).rejects.toMatchObject({
      code: "VT_ERR_API_BAD_REQUEST",
    });
    await expect(f.topMargin({ limit: 0, date: "2024-06-05" })).rejects.toMatchObject({
      code: "VT_ERR_API_BAD_REQUEST",
    });
    await expect(f.promotions({ date: "2024-02-30" })).rejects.toMatchObject({
      code: "VT_ERR_API_BAD_REQUEST",
    });
  });

  it("are the same on current ClickHouse for the same rows", { timeout: 240_000 }, async () => {
    expect(recorded.size).toBeGreaterThan(10);
    const files = await readMigrations(resolve(REPO_ROOT, "sql/migrations"));
    const insert = (table: string, rows: readonly Row[]) =>
      `INSERT INTO ${table} FORMAT JSONEachRow ${rows.map((r) => JSON.stringify(r)).join(" ")}`;
    const inserts = [...TABLES.map(([t, rows]) => insert(t, rows))];
    for (let i = 0; i < lines.length; i += 300) inserts.push(insert("sales_lines", lines.slice(i, i + 300)));
    const queries = [...recorded];
    const out = await runOnChdb({
      database,
      statements: [...files.flatMap((f) => f.statements), ...inserts],
      queries: Object.fromEntries(queries.map((query, i) => [`q${i}`, query])),
    });
    expect(out.version).toMatch(/^26\./);
    // Replay the module over the rows current ClickHouse returned for each of its queries.
    const answers = new Map(queries.map((query, i) => [query, out.results[`q${i}`] ?? []]));
    const replay = {
      query: async (opts: { query: string }) => {
        const rows = answers.get(opts.query);
        if (!rows) throw new Error(`query not run on current ClickHouse: ${opts.query}`);
        return { json: async () => rows };
      },
    } as unknown as ClickHouseClient;
    const current = await runAll(createFigures({ ch: replay, plan: DEFAULT_PLAN }));
    for (const name of Object.keys(CALLS))
      expect({ name, figure: current[name] }).toEqual({ name, figure: old[name] });
  });
});
