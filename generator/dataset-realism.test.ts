import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isValidCpf } from "./cpf.ts";
import { AFFINITY_GROUPS } from "./taxonomy.ts";
import { generateFixture, type GeneratedFixture } from "./test-fixture.ts";

let ds: GeneratedFixture;
type Line = {
  data: string;
  seller: string;
  store: string;
  txn: string;
  qty: number;
  prod: string;
  cents: number;
};
let lines: Line[];

const cents = (money: string): number => {
  const [reais = "0", c = "0"] = money.split(".");
  return Number(reais) * 100 + Math.sign(Number(`${reais}1`)) * Number(c.padEnd(2, "0"));
};

/** Value of `date` in period rows [cod_prod, data_inicio, data_fim, value] of one product. */
const valueAt = (periods: string[][], date: string): string | undefined =>
  periods.find((p) => (p[1] ?? "") <= date && (p[2] === "" || date <= (p[2] ?? "")))?.[3];

const byProduct = (rows: string[][]): Map<string, string[][]> => {
  const out = new Map<string, string[][]>();
  for (const r of rows) out.set(r[0] ?? "", [...(out.get(r[0] ?? "") ?? []), r]);
  return out;
};

beforeAll(async () => {
  ds = await generateFixture({ seed: 7, lines: 60_000, stores: 8, sellersPerStore: 6, products: 150 });
  lines = ds
    .rows("transactions_2024.csv", ",")
    .map(([data = "", seller = "", store = "", txn = "", qty = "", prod = "", price = ""]) => ({
      data,
      seller,
      store,
      txn,
      qty: Number(qty),
      prod,
      cents: cents(price),
    }));
}, 60_000);

afterAll(() => ds?.remove());

describe("generated dataset: people and stores", () => {
  it("has exactly one gerente per store, valid CPFs, and consistent status and end dates", () => {
    const stores = ds.rows("store_final.csv", ",").map((r) => r[0]);
    const employees = ds.rows("employee_final.csv", ",");
    for (const s of stores) expect(employees.filter((e) => e[8] === s && e[5] === "gerente").length).toBe(1);
    expect(employees.every((e) => isValidCpf(e[3] ?? ""))).toBe(true);
    expect(new Set(employees.map((e) => e[3])).size).toBe(employees.length);
    expect(employees.every((e) => (e[4] === "não ativo") === (e[7] !== ""))).toBe(true);
    expect(employees.every((e) => e[7] === "" || (e[6] ?? "") <= (e[7] ?? ""))).toBe(true);
    expect(employees.some((e) => e[4] === "não ativo")).toBe(true);
    expect(employees.some((e) => (e[6] ?? "") >= "2024-01-02")).toBe(true); // hires during the year
    expect(employees.some((e) => /[áéíóúâêôãõç]/i.test(`${e[1]}${e[2]}`))).toBe(true);
    const regions = new Set(ds.rows("store_final.csv", ",").map((r) => r[1]));
    expect([...regions].sort()).toEqual(["Centro-Oeste", "Nordeste", "Norte", "Sudeste", "Sul"]);
  });

  it("has sellers sell only in their store, while employed, and stores only once open", () => {
    const employees = new Map(ds.rows("employee_final.csv", ",").map((e) => [e[0], e]));
    const opened = new Map(ds.rows("store_final.csv", ",").map((s) => [s[0], s[3] ?? ""]));
    const bad = lines.filter((l) => {
      const e = employees.get(l.seller);
      const day = l.data.slice(0, 10);
      return (
        !e ||
        e[8] !== l.store ||
        day < (e[6] ?? "") ||
        (e[7] !== "" && day > (e[7] ?? "")) ||
        day < (opened.get(l.store) ?? "")
      );
    });
    expect(bad.slice(0, 3)).toEqual([]);
  });
});

describe("generated dataset: baskets, returns and prices", () => {
  it("keeps a basket's lines together: same seller and timestamp, distinct products, 1–6 lines", () => {
    const seen = new Set<string>();
    let current = "";
    const problems: string[] = [];
    let lineCount = 0;
    let first: Line | undefined;
    const products = new Set<string>();
    const close = (): void => {
      if (first && (lineCount < 1 || lineCount > 6)) problems.push(`size ${lineCount} ${current}`);
    };
    for (const l of lines) {
      const key = `${l.store}|${l.txn}`;
      if (key !== current) {
        close();
        if (seen.has(key)) problems.push(`basket ${key} split`);
        seen.add(key);
        current = key;
        first = l;
        lineCount = 0;
        products.clear();
      }
      lineCount++;
      if (l.seller !== first?.seller || l.data !== first.data) problems.push(`mixed ${key}`);
      if (products.has(l.prod)) problems.push(`repeated product ${key}`);
      products.add(l.prod);
    }
    close();
    expect(problems.slice(0, 3)).toEqual([]);
    expect(seen.size).toBe(ds.summary.baskets);
  });

  it("returns about 1 % of lines, each an earlier sale of the same seller, store and product", () => {
    const sold = new Map<string, number>();
    const problems: string[] = [];
    let returns = 0;
    for (const l of lines) {
      const key = `${l.store}|${l.seller}|${l.prod}|${l.cents}`;
      if (l.qty > 0) sold.set(key, (sold.get(key) ?? 0) + l.qty);
      else {
        returns++;
        if ((sold.get(key) ?? 0) < -l.qty) problems.push(JSON.stringify(l));
        sold.set(key, (sold.get(key) ?? 0) + l.qty);
      }
    }
    expect(problems.slice(0, 3)).toEqual([]);
    expect(returns / lines.length).toBeGreaterThan(0.006);
    expect(returns / lines.length).toBeLessThan(0.015);
    expect(lines.filter((l) => l.qty >= 1 && l.qty <= 3).length / lines.length).toBeGreaterThan(0.97);
  });

  it("charges the list price of the day (sometimes 5–15 % less) for active products only", () => {
    const prices = byProduct(ds.rows("sku_price.csv", ","));
    const status = byProduct(ds.rows("sku_status_dataset.csv", ";"));
    let exact = 0;
    const problems: string[] = [];
    for (const l of lines) {
      if (l.qty < 0) continue;
      const day = l.data.slice(0, 10);
      const list = cents(valueAt(prices.get(l.prod) ?? [], day) ?? "0");
      if (list === l.cents) exact++;
      else if (l.cents > list || l.cents < Math.round(list * 0.85))
        problems.push(`${JSON.stringify(l)} list ${list}`);
      const active = (status.get(l.prod) ?? []).some(
        (p) => (p[1] ?? "") <= day && (p[2] === "" || day <= (p[2] ?? "")),
      );
      if (!active) problems.push(`inactive ${JSON.stringify(l)}`);
    }
    expect(problems.slice(0, 3)).toEqual([]);
    const sales = lines.filter((l) => l.qty > 0).length;
    expect(exact / sales).toBeGreaterThan(0.9);
    expect(exact / sales).toBeLessThan(0.97);
  });

  it("keeps price and cost histories contiguous with an open last period, raises in January, promotions", () => {
    let promotions = 0;
    let raises = 0;
    const problems: string[] = [];
    for (const name of ["sku_price.csv", "sku_cost.csv"])
      for (const [prod, periods] of byProduct(ds.rows(name, ","))) {
        if (periods.at(-1)?.[2] !== "") problems.push(`${name} ${prod} last period closed`);
        for (let i = 1; i < periods.length; i++) {
          const prevEnd = new Date(`${periods[i - 1]?.[2]}T00:00:00Z`).getTime();
          const start = new Date(`${periods[i]?.[1]}T00:00:00Z`).getTime();
          if (start - prevEnd !== 86_400_000) problems.push(`${name} ${prod} gap before ${periods[i]?.[1]}`);
          if (name !== "sku_price.csv") continue;
          const ratio = cents(periods[i]?.[3] ?? "0") / cents(periods[i - 1]?.[3] ?? "1");
          if (ratio <= 0.9) promotions++;
          if (periods[i]?.[1]?.slice(5, 7) === "01" && ratio >= 1.04 && ratio <= 1.12) raises++;
        }
      }
    expect(problems.slice(0, 3)).toEqual([]);
    expect(promotions).toBeGreaterThan(50);
    expect(raises).toBeGreaterThan(100);
  });

  it("prices products at 30–75 % margin, some of them high-margin (≥ 50 %)", () => {
    const prices = byProduct(ds.rows("sku_price.csv", ","));
    const day = "2024-07-01";
    const margins = [...byProduct(ds.rows("sku_cost.csv", ","))]
      .map(([prod, costs]) => {
        const periods = prices.get(prod) ?? [];
        const cost = valueAt(costs, day);
        const price = valueAt(periods, day);
        const regular = Math.max(
          ...periods
            .filter((p) => (p[2] ?? "") === "" || (p[2] ?? "") >= "2024-01-01")
            .map((p) => cents(p[3] ?? "0")),
        );
        if (cost === undefined || price === undefined || cents(price) < 0.95 * regular) return Number.NaN; // not sold yet, or on promotion
        return (cents(price) - cents(cost)) / cents(price);
      })
      .filter((m) => Number.isFinite(m));
    console.log(
      `margins of ${margins.length} products on ${day}: ${margins.filter((m) => m >= 0.5).length} at 50 % or more`,
    );
    expect(Math.min(...margins)).toBeGreaterThan(0.2);
    expect(Math.max(...margins)).toBeLessThan(0.8);
    expect(margins.filter((m) => m >= 0.5).length / margins.length).toBeGreaterThan(0.3);
    expect(margins.filter((m) => m < 0.5).length / margins.length).toBeGreaterThan(0.15);
  });
});

describe("generated dataset: demand", () => {
  it("buys complementary products together far more often than random pairs", () => {
    const subOf = new Map(ds.rows("sku_dataset.csv", ";").map((r) => [r[0] ?? "", r[5] ?? ""]));
    const pairs = new Map<string, number>();
    const baskets = new Map<string, Set<string>>();
    for (const l of lines) {
      if (l.qty <= 0) continue;
      const key = `${l.store}|${l.txn}`;
      baskets.set(key, (baskets.get(key) ?? new Set()).add(l.prod));
    }
    for (const set of baskets.values()) {
      const ps = [...set].sort();
      for (let i = 0; i < ps.length; i++)
        for (let j = i + 1; j < ps.length; j++)
          pairs.set(`${ps[i]}|${ps[j]}`, (pairs.get(`${ps[i]}|${ps[j]}`) ?? 0) + 1);
    }
    const codes = [...subOf.keys()].sort();
    const related = (a: string, b: string): boolean =>
      AFFINITY_GROUPS.some((g) => g.includes(a) && g.includes(b));
    const sums = { affinity: 0, affinityPairs: 0, other: 0, otherPairs: 0 };
    for (let i = 0; i < codes.length; i++)
      for (let j = i + 1; j < codes.length; j++) {
        const n = pairs.get(`${codes[i]}|${codes[j]}`) ?? 0;
        if (related(subOf.get(codes[i] ?? "") ?? "", subOf.get(codes[j] ?? "") ?? "")) {
          sums.affinity += n;
          sums.affinityPairs++;
        } else {
          sums.other += n;
          sums.otherPairs++;
        }
      }
    const ratio = sums.affinity / sums.affinityPairs / (sums.other / sums.otherPairs);
    console.log(
      `co-purchase: affinity pairs ${(sums.affinity / sums.affinityPairs).toFixed(2)} per pair, other pairs ${(sums.other / sums.otherPairs).toFixed(2)}, ratio ${ratio.toFixed(1)}`,
    );
    expect(ratio).toBeGreaterThan(3);
  });

  it("peaks at lunch and after work, on Saturdays, and before Dia das Mães, Black Friday and Natal", () => {
    const byHour = new Array<number>(24).fill(0);
    const byWeekday = new Array<number>(7).fill(0);
    const byDay = new Map<string, number>();
    const baskets = new Set<string>();
    for (const l of lines) {
      const key = `${l.store}|${l.txn}`;
      if (baskets.has(key)) continue;
      baskets.add(key);
      const day = l.data.slice(0, 10);
      byDay.set(day, (byDay.get(day) ?? 0) + 1);
      const wd = new Date(`${day}T12:00:00Z`).getUTCDay();
      byWeekday[wd] = (byWeekday[wd] ?? 0) + 1;
      const hour = Number(l.data.slice(11, 13));
      if (l.data.length > 10) byHour[hour] = (byHour[hour] ?? 0) + 1;
    }
    expect(byHour.slice(0, 10).every((n) => n === 0) && byHour.slice(22).every((n) => n === 0)).toBe(true);
    expect(byHour[19]).toBeGreaterThan(2 * (byHour[10] ?? 0));
    expect(byHour[13]).toBeGreaterThan(byHour[15] ?? 0);
    expect(byWeekday.indexOf(Math.max(...byWeekday))).toBe(6);
    expect(byWeekday.indexOf(Math.min(...byWeekday))).toBe(0);
    const avgSaturday = (month: string): number => {
      const sats = [...byDay].filter(
        ([d]) => d.startsWith(month) && new Date(`${d}T12:00:00Z`).getUTCDay() === 6,
      );
      return sats.reduce((a, [, n]) => a + n, 0) / sats.length;
    };
    expect(byDay.get("2024-05-11") ?? 0).toBeGreaterThan(1.5 * avgSaturday("2024-03"));
    expect(byDay.get("2024-11-29") ?? 0).toBeGreaterThan(2 * avgSaturday("2024-03") * (1.15 / 1.5));
    expect(byDay.get("2024-12-21") ?? 0).toBeGreaterThan(2 * avgSaturday("2024-03"));
    expect(byDay.has("2024-12-25")).toBe(false);
  });

  it("sets targets for every vendedor month so that attainment spreads over about 60–140 %", () => {
    const revenue = new Map<string, number>();
    for (const l of lines) {
      const key = `${l.seller}|${l.data.slice(5, 7)}/${l.data.slice(0, 4)}`;
      revenue.set(key, (revenue.get(key) ?? 0) + l.qty * l.cents);
    }
    const targets = ds.rows("targets_salesperson_final.csv", ",");
    const roles = new Map(ds.rows("employee_final.csv", ",").map((e) => [e[0], e]));
    expect(targets.every((t) => roles.get(t[0])?.[5] === "vendedor")).toBe(true);
    expect(new Set(targets.map((t) => `${t[0]}|${t[2]}`)).size).toBe(targets.length);
    for (const key of revenue.keys()) {
      const [seller] = key.split("|");
      if (roles.get(seller)?.[5] === "vendedor")
        expect(
          targets.some((t) => `${t[0]}|${t[2]}` === key),
          key,
        ).toBe(true);
    }
    const withSales = targets
      .map((t) => ({ rev: revenue.get(`${t[0]}|${t[2]}`) ?? 0, target: cents(t[1] ?? "0") }))
      .filter((x) => x.rev > 0);
    expect(withSales.length).toBe(ds.summary.sellerAttainment.count);
    const ratios = withSales.map((x) => x.rev / x.target).sort((a, b) => a - b);
    const q = (p: number): number => ratios[Math.floor(p * (ratios.length - 1))] ?? 0;
    const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;
    console.log(
      `seller attainment over ${ratios.length} months: min ${pct(q(0))} p10 ${pct(q(0.1))} p50 ${pct(q(0.5))} p90 ${pct(q(0.9))} max ${pct(q(1))}; ≥100% ${pct(ratios.filter((r) => r >= 1).length / ratios.length)}, ≥120% ${pct(ratios.filter((r) => r >= 1.2).length / ratios.length)}`,
    );
    expect(q(0)).toBeGreaterThan(0.58);
    expect(q(1)).toBeLessThan(1.42);
    expect(q(0.1)).toBeLessThan(0.85);
    expect(q(0.9)).toBeGreaterThan(1.15);
    expect(q(0.5)).toBeGreaterThan(0.9);
    expect(q(0.5)).toBeLessThan(1.1);
  });

  it("tracks stock that falls with sales, is replenished, and sometimes runs low", () => {
    const rows = ds.rows("daily_stock.csv", ",");
    expect(rows.length).toBeGreaterThan(0);
    const q = rows.map((r) => Number(r[3]));
    expect(q.every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
    expect(q.filter((n) => n <= 1).length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r[2])).size).toBe(50);
    const series = rows
      .filter((r) => r[1] === rows[0]?.[1] && r[2] === rows[0]?.[2])
      .map((r) => Number(r[3]));
    let ups = 0;
    let downs = 0;
    for (let i = 1; i < series.length; i++) {
      if ((series[i] ?? 0) > (series[i - 1] ?? 0)) ups++;
      if ((series[i] ?? 0) < (series[i - 1] ?? 0)) downs++;
    }
    expect(ups).toBeGreaterThan(10);
    expect(downs).toBeGreaterThan(ups);
  });
});
