import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isActiveOn } from "./catalog.ts";
import { formatCents } from "./civil-date.ts";
import { LIVE_TXN_PER_MS, LiveSales, runLivePos, type LiveLine, type LivePosOptions } from "./live-pos.ts";
import { isEmployedOn } from "./network.ts";
import { createDirectorySink } from "./sink.ts";
import { generateFixture, type GeneratedFixture } from "./test-fixture.ts";
import { TRANSACTION_HEADER } from "./transaction-writer.ts";

const ZONE = "America/Sao_Paulo";
const MODEL = { seed: 7, stores: 5, sellersPerStore: 4, products: 60, timeZone: ZONE } as const;
/** Sunday 29 November 2026, 15:00:00.250 in São Paulo (UTC−3). */
const T0 = Date.UTC(2026, 10, 29, 18, 0, 0, 250);
const HEADER = "data,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco";

const localMs = (data: string): number => DateTime.fromSQL(data, { zone: ZONE }).toMillis();

/** Checks every line against the model the simulator was built from, on its business day. */
function expectValid(sales: LiveSales, lines: readonly LiveLine[]): void {
  const { catalog, network, prices } = sales.model;
  const day = sales.localTime(localMs(lines[0]!.data)).day;
  const employees = new Map(network.employees.map((e) => [e.id, e]));
  const stores = new Map(network.stores.map((s) => [s.code, s]));
  const products = new Map(catalog.products.map((p) => [p.code, p]));
  const seen = new Set<string>();
  const baskets = new Map<string, LiveLine>();
  for (const l of lines) {
    const employee = employees.get(l.seller);
    expect(employee, l.seller).toBeDefined();
    expect(network.stores[employee!.storeIndex]?.code).toBe(l.store);
    expect(isEmployedOn(employee!, day), `${l.seller} works today`).toBe(true);
    expect(stores.get(l.store)!.inauguration).toBeLessThanOrEqual(day);
    const product = products.get(l.prod);
    expect(product, l.prod).toBeDefined();
    expect(isActiveOn(product!, day)).toBe(true);
    // The list price of the day: the period covering it (the last one is open).
    const period = prices[product!.index]!.find((p) => p.start <= day && (p.end === null || day <= p.end));
    expect(l.price).toBe(formatCents(period!.cents));
    expect(Number(l.qty)).toBeGreaterThanOrEqual(1);
    expect(Number(l.qty)).toBeLessThanOrEqual(6);
    const identity = `${l.store}|${l.txn}|${l.prod}`;
    expect(seen.has(identity), identity).toBe(false);
    seen.add(identity);
    const first = baskets.get(l.txn) ?? l;
    baskets.set(l.txn, first);
    expect([l.data, l.seller, l.store]).toEqual([first.data, first.seller, first.store]);
  }
}

describe("live sales of one interval", () => {
  const sales = new LiveSales(MODEL);
  const batch = sales.batch(T0, T0 + 60_000, 20);

  it("is deterministic by seed and interval, and differs with either", () => {
    expect(new LiveSales(MODEL).batch(T0, T0 + 60_000, 20)).toEqual(batch);
    expect(new LiveSales({ ...MODEL, seed: 8 }).batch(T0, T0 + 60_000, 20)).not.toEqual(batch);
    expect(new LiveSales(MODEL).batch(T0 + 1, T0 + 60_001, 20)).not.toEqual(batch);
    // What earlier intervals sold changes only the numbering.
    const used = new LiveSales(MODEL);
    used.batch(T0 - 600_000, T0, 200);
    const withoutTxn = (lines: readonly LiveLine[]) => lines.map(({ txn: _txn, ...rest }) => rest);
    expect(withoutTxn(used.batch(T0, T0 + 60_000, 20).lines)).toEqual(withoutTxn(batch.lines));
  });

  it("sells about `rate` lines per second, in baskets of 1–6 lines", () => {
    expect(batch.lines.length).toBeGreaterThan(20 * 60 * 0.75);
    expect(batch.lines.length).toBeLessThan(20 * 60 * 1.25);
    const sizes = new Map<string, number>();
    for (const l of batch.lines) sizes.set(l.txn, (sizes.get(l.txn) ?? 0) + 1);
    expect(sizes.size).toBe(batch.baskets);
    expect(Math.max(...sizes.values())).toBeLessThanOrEqual(6);
    const long = new LiveSales(MODEL).batch(T0, T0 + 3_600_000, 5).lines.length;
    expect(long / 3600).toBeGreaterThan(4.5);
    expect(long / 3600).toBeLessThan(5.5);
  });

  it("stamps every line inside the interval, in time order, as local YYYY-MM-DD HH:MM:SS", () => {
    let previous = 0;
    for (const l of batch.lines) {
      expect(l.data).toMatch(/^2026-11-29 15:0\d:\d{2}$/);
      const ms = localMs(l.data);
      expect(ms).toBeGreaterThanOrEqual(Math.floor(T0 / 1000) * 1000);
      expect(ms).toBeLessThan(T0 + 60_000);
      expect(ms).toBeGreaterThanOrEqual(previous);
      previous = ms;
    }
  });

  it("uses ids of the model, sellers working today and today's list prices", () => {
    expectValid(sales, batch.lines);
  });

  it("derives cod_transacao from the sale time: increasing, far above history and dirty ids", () => {
    const txns = [...new Set(batch.lines.map((l) => Number(l.txn)))];
    expect(txns.length).toBe(batch.baskets);
    for (let i = 1; i < txns.length; i++) expect(txns[i]!).toBeGreaterThan(txns[i - 1]!);
    expect(txns[0]!).toBeGreaterThanOrEqual(T0 * LIVE_TXN_PER_MS);
    expect(txns.at(-1)!).toBeLessThan((T0 + 60_000) * LIVE_TXN_PER_MS);
    expect(txns[0]!).toBeGreaterThan(1e14);
    // The next interval continues above, even within the same millisecond.
    const next = sales.batch(T0 + 60_000, T0 + 120_000, 20).lines.map((l) => Number(l.txn));
    expect(Math.min(...next)).toBeGreaterThan(txns.at(-1)!);
  });

  it("refuses a day before the model's window", () => {
    expect(() => new LiveSales({ ...MODEL, from: "2027-01", to: "2027-03" }).batch(T0, T0 + 1000, 5)).toThrow(
      /before the model's first month 2027-01/,
    );
  });
});

describe("live sales against the generated files of the same options", () => {
  // A window that ends two years before the live day (the generator's defaults do the same), and
  // one that covers it: both must sell only what the files say is valid on the live day.
  for (const window of [
    { from: "2024-01", to: "2024-12" },
    { from: "2026-06", to: "2026-11" },
  ]) {
    describe(`${window.from} … ${window.to}`, () => {
      let fixture: GeneratedFixture;
      beforeAll(async () => {
        fixture = await generateFixture({ ...MODEL, ...window, lines: 2000 });
      });
      afterAll(() => fixture.remove());

      it("sells with employees, stores, products and prices of the files, as valid today", () => {
        const sales = new LiveSales({ ...MODEL, ...window });
        const lines = sales.batch(T0, T0 + 120_000, 20).lines;
        expect(lines.length).toBeGreaterThan(100);
        expectValid(sales, lines);
        const today = "2026-11-29";
        const employees = new Map(fixture.rows("employee_final.csv", ",").map((r) => [r[0], r]));
        const stores = new Set(fixture.rows("store_final.csv", ",").map((r) => r[0]));
        const products = new Set(fixture.rows("sku_dataset.csv", ";").map((r) => r[0]));
        const priceRows = new Map<string, string[][]>();
        for (const r of fixture.rows("sku_price.csv", ","))
          priceRows.set(r[0]!, [...(priceRows.get(r[0]!) ?? []), r]);
        for (const l of lines) {
          const e = employees.get(l.seller)!;
          expect(e, l.seller).toBeDefined();
          expect(e[8]).toBe(l.store);
          expect(
            e[6]! <= today && (e[7] === "" || today <= e[7]!),
            `${l.seller} employed ${e[6]}…${e[7]}`,
          ).toBe(true);
          expect(stores.has(l.store)).toBe(true);
          expect(products.has(l.prod)).toBe(true);
          const price = priceRows.get(l.prod)?.find((r) => r[1]! <= today && (r[2] === "" || today <= r[2]!));
          expect(price?.[3], l.prod).toBe(l.price);
        }
      });
    });
  }
});

describe("runLivePos", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "vitrine-live-test-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs on a fake clock that only moves when the simulator sleeps. */
  async function run(options: LivePosOptions, sub: string) {
    let clock = T0;
    const out = join(dir, sub);
    const reports: { name: string; lines: number }[] = [];
    const summary = await runLivePos(options, {
      sink: createDirectorySink(out),
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      onFile: (f) => reports.push({ name: f.name, lines: f.lines }),
    });
    const files = readdirSync(out).sort();
    return { summary, reports, files, text: (f: string) => readFileSync(join(out, f), "utf8") };
  }

  it("writes one file per batch with the partner's header, and counts what it wrote", async () => {
    const { summary, reports, files, text } = await run(
      { ...MODEL, rate: 30, batchMs: 1000, maxIntervals: 3 },
      "a",
    );
    expect(TRANSACTION_HEADER).toBe(HEADER);
    expect(files).toEqual([
      "transactions_live_20261129T150000_000001.csv",
      "transactions_live_20261129T150001_000002.csv",
      "transactions_live_20261129T150002_000003.csv",
    ]);
    expect(reports.map((r) => r.name)).toEqual(files);
    let lines = 0;
    for (const [i, f] of files.entries()) {
      const rows = text(f).split("\n");
      expect(rows[0]).toBe(HEADER);
      expect(rows.at(-1)).toBe("");
      const data = rows.slice(1, -1);
      expect(data.length).toBe(reports[i]!.lines);
      for (const r of data) {
        expect(r.split(",")).toHaveLength(7);
        const ms = localMs(r.slice(0, 19));
        expect(ms).toBeGreaterThanOrEqual(Math.floor((T0 + i * 1000) / 1000) * 1000);
        expect(ms).toBeLessThan(T0 + (i + 1) * 1000);
      }
      lines += data.length;
    }
    expect(summary).toMatchObject({
      intervals: 3,
      files: 3,
      lines,
      dirtyLines: 0,
      fromMs: T0,
      toMs: T0 + 3000,
    });
    expect(summary.baskets).toBeGreaterThan(0);
    // The same clock gives the same files.
    const again = await run({ ...MODEL, rate: 30, batchMs: 1000, maxIntervals: 3 }, "b");
    for (const f of files) expect(again.text(f)).toBe(text(f));
  });

  it("stops after durationMs, or at once when aborted", async () => {
    const timed = await run({ ...MODEL, batchMs: 300, durationMs: 1000 }, "c");
    expect(timed.summary).toMatchObject({ intervals: 4, toMs: T0 + 1200 });
    expect(timed.files).toHaveLength(timed.summary.files);
    const aborted = await run({ ...MODEL, signal: AbortSignal.abort() }, "d");
    expect(aborted.summary).toMatchObject({ intervals: 0, files: 0 });
  });

  it("writes no file for an interval without a sale", async () => {
    // 0.5 lines/s in 100 ms intervals: most intervals sell nothing.
    const sparse = await run({ ...MODEL, rate: 0.5, batchMs: 100, maxIntervals: 100 }, "h");
    expect(sparse.summary.intervals).toBe(100);
    expect(sparse.summary.files).toBeGreaterThan(0);
    expect(sparse.summary.files).toBeLessThan(50);
    expect(sparse.files).toHaveLength(sparse.summary.files);
    for (const f of sparse.files) expect(sparse.text(f).split("\n").length).toBeGreaterThan(2);
    expect(sparse.files.map((f) => f.slice(-10))).toEqual(
      sparse.files.map((_, i) => `${String(i + 1).padStart(6, "0")}.csv`),
    );
    // Nothing sold at all: no file.
    expect((await run({ ...MODEL, rate: 0, batchMs: 100, maxIntervals: 5 }, "i")).files).toEqual([]);
  });

  it("adds dirty lines without changing the clean ones", async () => {
    const clean = await run({ ...MODEL, rate: 50, batchMs: 2000, maxIntervals: 2 }, "e");
    const dirty = await run({ ...MODEL, rate: 50, batchMs: 2000, maxIntervals: 2, dirtyRate: 0.2 }, "f");
    expect(dirty.summary.lines).toBe(clean.summary.lines);
    expect(dirty.summary.dirtyLines).toBeGreaterThan(0);
    for (const f of clean.files) {
      const cleanLines = new Set(clean.text(f).split("\n"));
      const extra = dirty
        .text(f)
        .split("\n")
        .filter((l) => !cleanLines.has(l));
      expect(extra.length).toBeLessThanOrEqual(dirty.summary.dirtyLines);
    }
  });

  it("rejects invalid options", async () => {
    await expect(run({ rate: -1 }, "g")).rejects.toThrow(/rate/);
    await expect(run({ batchMs: 1.5 }, "g")).rejects.toThrow(/batchMs/);
  });
});
