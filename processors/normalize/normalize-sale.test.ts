import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import type { RawTransaction } from "../../schemas/raw-records.ts";
import { DateTime } from "luxon";
import { normalizeSale, normalizeSales, saleTime } from "./normalize-sale.ts";

const raw = (data: string, quantidade = 2, preco = "59.90"): RawTransaction => ({
  data,
  cod_vendedor: "10001",
  cod_loja: "101",
  cod_transacao: "555",
  quantidade,
  cod_prod: "500001",
  preco,
  source_file: "incoming/2024.csv",
  source_line: 2,
});
const SP = "America/Sao_Paulo";

describe("normalizeSale", () => {
  it("computes exact revenue and the local calendar", () => {
    const n = normalizeSale(raw("2024-05-10 14:03:00"), SP);
    expect(n).toMatchObject({
      lineId: "101|555|500001",
      basketId: "101|555",
      revenueCents: 11980n,
      localDate: "2024-05-10",
      month: "2024-05",
      weekday: 5,
      hour: 14,
    });
    expect(n.instantMs).toBe(Date.UTC(2024, 4, 10, 17, 3, 0));
  });
  it("puts an instant with an offset into the business month (UTC midnight is still the 31st in São Paulo)", () => {
    const n = normalizeSale(raw("2024-06-01T01:30:00Z"), SP);
    expect(n).toMatchObject({ localDate: "2024-05-31", month: "2024-05", hour: 22 });
  });
  it("handles the old daylight-saving rules of São Paulo", () => {
    // In January 2018 São Paulo was on summer time (UTC−2); since 2019 it is UTC−3 all year.
    expect(normalizeSale(raw("2018-01-15 12:00:00"), SP).instantMs).toBe(Date.UTC(2018, 0, 15, 14, 0, 0));
  });
  it("keeps returns negative", () => {
    expect(normalizeSale(raw("2024-05-10", -1, "29.90"), SP).revenueCents).toBe(-2990n);
  });
});

describe("normalizeSales operator (marbles)", () => {
  it("maps each line in order and completes with its source", () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const a = raw("2024-05-10 14:03:00");
      const b = raw("2024-12-31 23:59:59", 1, "10.00");
      const out = cold("-a-b|", { a, b }).pipe(normalizeSales(SP));
      expectObservable(out).toBe("-x-y|", { x: normalizeSale(a, SP), y: normalizeSale(b, SP) });
    });
  });
});

describe("saleTime fast path", () => {
  const viaLuxon = (data: string, zone: string) => {
    const [d, t = "00:00:00"] = data.split(" ");
    const [y, mo, day] = d!.split("-").map(Number);
    const [h, mi, s] = t.split(":").map(Number);
    const dt = DateTime.fromObject({ year: y, month: mo, day, hour: h, minute: mi, second: s }, { zone });
    return {
      instantMs: dt.toMillis(),
      localDate: dt.toISODate(),
      month: dt.toFormat("yyyy-MM"),
      weekday: dt.weekday,
      hour: dt.hour,
    };
  };
  it(
    "agrees with luxon on every hour around São Paulo's daylight-saving changes and elsewhere",
    { timeout: 30_000 },
    () => {
      const days = [
        "2018-11-03",
        "2018-11-04",
        "2018-11-05",
        "2018-02-17",
        "2018-02-18",
        "2019-02-16",
        "2019-02-17",
      ];
      const times: string[] = [];
      for (const d of days)
        for (let h = 0; h < 24; h++)
          for (const m of ["00:00", "29:59", "59:59"]) times.push(`${d} ${String(h).padStart(2, "0")}:${m}`);
      for (let i = 0; i < 400; i++) {
        const ms = Date.UTC(2000, 0, 1) + Math.floor(((i * 7919) % 10_000) * 86_400_000 * 0.9);
        times.push(new Date(ms).toISOString().slice(0, 19).replace("T", " "));
      }
      const mismatches: string[] = [];
      for (const zone of [SP, "Europe/Berlin"])
        for (const t of times)
          if (JSON.stringify(saleTime(t, zone)) !== JSON.stringify(viaLuxon(t, zone)))
            mismatches.push(`${t} ${zone}`);
      expect(mismatches).toEqual([]);
    },
  );
  it("leaves dates without a time and invalid wall clocks to luxon", () => {
    expect(saleTime("2024-05-10", SP).instantMs).toBe(Date.UTC(2024, 4, 10, 3, 0, 0));
    expect(() => saleTime("2024-02-30 10:00:00", SP)).toThrow(/unparsable/);
  });
});
