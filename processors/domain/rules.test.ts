import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../lib/paths.ts";
import { DEFAULT_PLAN, toPlan } from "./commission-plan.ts";
import { basketPairs, complementsOf, pairsAddedBy } from "./co-purchase.ts";
import {
  centsOf,
  centsOfText,
  divRoundHalfAway,
  formatCents,
  lineRevenueCents,
  rateFromDecimal,
} from "./money.ts";
import { valueAt } from "./periods.ts";
import {
  attainmentMillionths,
  isHighMargin,
  lineCommissionMicroCents,
  lineRate,
  monthCommissionCents,
  multiplierFor,
  nextTier,
} from "./rules.ts";

interface Vector {
  name: string;
  role: string;
  target: string | null;
  lines: { quantidade: number; preco: string; cost: string | null }[];
  expect: { revenue: string; attainment: string | null; multiplier: string; commission: string };
}

const millionths = (m: bigint): string => `${m / 1_000_000n}.${String(m % 1_000_000n).padStart(6, "0")}`;

describe("golden vectors: seller-month commission (tests/vectors/commission.json)", () => {
  const vectors = JSON.parse(readFileSync(resolve(REPO_ROOT, "tests/vectors/commission.json"), "utf8")) as {
    cases: Vector[];
  };
  for (const v of vectors.cases) {
    it(v.name, () => {
      let revenue = 0n;
      let commission = 0n;
      for (const l of v.lines) {
        const r = lineRevenueCents(l.quantidade, l.preco);
        revenue += r;
        commission += lineCommissionMicroCents(
          r,
          lineRate(DEFAULT_PLAN, isHighMargin(DEFAULT_PLAN, l.preco, l.cost ?? undefined)),
        );
      }
      const target = v.target === null ? undefined : centsOf(v.target);
      const multiplier = multiplierFor(DEFAULT_PLAN, revenue, target);
      const att = attainmentMillionths(revenue, target);
      expect(formatCents(revenue)).toBe(v.expect.revenue);
      expect(att === undefined ? null : millionths(att)).toBe(v.expect.attainment);
      expect(millionths(multiplier)).toBe(`${v.expect.multiplier}0000`);
      expect(formatCents(monthCommissionCents(DEFAULT_PLAN, commission, multiplier, v.role))).toBe(
        v.expect.commission,
      );
    });
  }
});

describe("money", () => {
  it("parses and formats cents exactly", () => {
    expect(centsOf("59.9")).toBe(5990n);
    expect(centsOf("-3.05")).toBe(-305n);
    expect(formatCents(-305n)).toBe("-3.05");
    expect(formatCents(123456789n)).toBe("1234567.89");
    expect(rateFromDecimal("0.03")).toBe(30_000n);
    expect(() => centsOf("1.234")).toThrow();
  });
  it("reads money digit by digit exactly as the regular expression does (results and errors)", () => {
    const outcome = (f: (s: string) => bigint, s: string): string => {
      try {
        return String(f(s));
      } catch {
        return "error";
      }
    };
    const alphabet = "0123456789.- \t+e\u00a0";
    let x = 12345;
    const next = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      return x % n;
    };
    const cases = [
      "",
      "-",
      ".5",
      "5.",
      "+5",
      "1e5",
      "1.2x",
      " 7.5 ",
      "\u00a03.10",
      "-0.5",
      "00012.30",
      "9999999999999.99",
      "99999999999999.99",
      "-12345678901234567890.12",
    ];
    for (let i = 0; i < 20_000; i++) {
      const len = next(16);
      let t = "";
      for (let j = 0; j < len; j++) t += alphabet[next(alphabet.length)];
      cases.push(t, `${next(2) ? "-" : ""}${next(1_000_000)}.${String(next(100)).padStart(2, "0")}`);
    }
    for (const c of cases) expect(outcome(centsOf, c), JSON.stringify(c)).toBe(outcome(centsOfText, c));
    expect(centsOf("99999999999999.99")).toBe(9999999999999999n);
  });
  it("rounds half away from zero", () => {
    expect(divRoundHalfAway(15n, 10n)).toBe(2n);
    expect(divRoundHalfAway(-15n, 10n)).toBe(-2n);
    expect(divRoundHalfAway(14n, 10n)).toBe(1n);
    expect(divRoundHalfAway(-14n, 10n)).toBe(-1n);
  });
  it("does not drift over a million lines (no floats)", () => {
    let total = 0n;
    for (let i = 0; i < 1_000_000; i++)
      total += lineCommissionMicroCents(lineRevenueCents(1, "0.10"), rateFromDecimal("0.03"));
    expect(formatCents(divRoundHalfAway(total, 1_000_000n))).toBe("3000.00");
  });
});

describe("tiers", () => {
  it("names the next tier to reach", () => {
    expect(nextTier(DEFAULT_PLAN, 50_00n, 100_00n)).toEqual({
      minAttainment: 1_000_000n,
      multiplier: 1_250_000n,
    });
    expect(nextTier(DEFAULT_PLAN, 110_00n, 100_00n)).toEqual({
      minAttainment: 1_200_000n,
      multiplier: 1_500_000n,
    });
    expect(nextTier(DEFAULT_PLAN, 130_00n, 100_00n)).toBeUndefined();
    expect(nextTier(DEFAULT_PLAN, 130_00n, undefined)).toBeUndefined();
  });
  it("validates plans loaded as data", () => {
    expect(() =>
      toPlan({
        id: "x",
        version: 1,
        validFrom: "2024-1",
        baseRate: 0.03,
        highMarginThreshold: "0.5",
        highMarginBonus: "0.02",
        tiers: [],
      }),
    ).toThrow(/validFrom.*baseRate|baseRate.*validFrom/s);
    const p = toPlan({
      id: "promo",
      version: 2,
      validFrom: "2025-01",
      baseRate: "0.04",
      highMarginThreshold: "0.4",
      highMarginBonus: "0.01",
      tiers: [
        { minAttainment: "0", multiplier: "1" },
        { minAttainment: "1", multiplier: "2" },
      ],
    });
    expect(multiplierFor(p, 100n, 100n)).toBe(2_000_000n);
    expect(p.noCommissionRoles).toEqual(["gerente"]);
  });
});

describe("periods (cost / list price at a date)", () => {
  const periods = [
    { start: "2024-01-01", end: null, value: "10.00", seq: 1 },
    { start: "2024-03-01", end: "2024-03-31", value: "8.00", seq: 2 },
    { start: "2024-03-01", end: "2024-03-15", value: "7.50", seq: 3 },
  ];
  it("applies start ≤ date ≤ end with open ends; the latest start wins; equal starts: the later row", () => {
    expect(valueAt(periods, "2023-12-31")).toBeUndefined();
    expect(valueAt(periods, "2024-02-10")).toBe("10.00");
    expect(valueAt(periods, "2024-03-10")).toBe("7.50");
    expect(valueAt(periods, "2024-03-20")).toBe("8.00");
    expect(valueAt(periods, "2024-04-01")).toBe("10.00");
  });
});

describe("co-purchase", () => {
  it("counts each unordered pair of distinct products once per basket, whatever the order", () => {
    expect(basketPairs(["500010", "500002", "500010", "500001"])).toEqual([
      ["500001", "500002"],
      ["500001", "500010"],
      ["500002", "500010"],
    ]);
    const basket = new Set(["500010", "500002"]);
    expect(pairsAddedBy(basket, "500002")).toEqual([]);
    expect(pairsAddedBy(basket, "500001")).toEqual([
      ["500001", "500010"],
      ["500001", "500002"],
    ]);
  });
  it("ranks complements by count, ties by lower cod_prod (numerically)", () => {
    const counts = new Map([
      ["9|500001", 3],
      ["500001|500002", 3],
      ["500001|500003", 5],
      ["500002|500003", 9],
    ]);
    expect(complementsOf("500001", counts, 3)).toEqual([
      { codProd: "500003", timesBoughtTogether: 5 },
      { codProd: "9", timesBoughtTogether: 3 },
      { codProd: "500002", timesBoughtTogether: 3 },
    ]);
  });
});
