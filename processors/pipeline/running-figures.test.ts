import { describe, expect, it } from "vitest";
import { DEFAULT_PLAN } from "../domain/commission-plan.ts";
import { runningFigures, type LineContribution } from "./running-figures.ts";

const l = (revenueCents: bigint, newBasket = true, sellerId = "10001"): LineContribution => ({
  sellerId,
  month: "2024-05",
  revenueCents,
  // 3% base rate, micro-cents
  commissionMicro: revenueCents * 30_000n,
  newBasket,
});

describe("runningFigures (seller's month after each line)", () => {
  it("subtracts the batch's later lines from the gold total and prices the tier jump", () => {
    // Earlier batches: R$ 900,00 revenue, commission 3% of it, 4 lines, 3 baskets; target R$ 1.000,00.
    const before = { rev: 90_000n, lines: 4n, baskets: 3n };
    const lines = [l(5_000n), l(6_000n, false), l(1_000n)];
    const total = lines.reduce((a, x) => a + x.revenueCents, before.rev);
    const totals = new Map([
      ["10001|2024-05", { revenueCents: total, commissionMicro: total * 30_000n, lines: 7n, baskets: 5n }],
    ]);
    const f = runningFigures(DEFAULT_PLAN, lines, totals, () => ({
      targetCents: 100_000n,
      role: "vendedor",
    }));
    expect(f.map((x) => x.monthRevenueCents)).toEqual([95_000n, 101_000n, 102_000n]);
    expect(f.map((x) => x.lines)).toEqual([5n, 6n, 7n]);
    expect(f.map((x) => x.baskets)).toEqual([4n, 4n, 5n]);
    // 95% → ×1.00; 101% → ×1.25 (crossing): commission after − before includes the jump.
    expect(f.map((x) => x.multiplierMillionths)).toEqual([1_000_000n, 1_250_000n, 1_250_000n]);
    expect(f.map((x) => x.crossedTier)).toEqual([false, true, false]);
    // before line 2: 950.00 × 3% × 1.00 = 28.50; after: 1010.00 × 3% × 1.25 = 37.875 → 37.88
    expect(f[1]!.monthCommissionCents).toBe(3788n);
    expect(f[1]!.earnedCents).toBe(3788n - 2850n);
    expect(f[0]!.earnedCents).toBe(150n);
    expect(f[0]!.attainmentMillionths).toBe(950_000n);
    // next tier from 101%: 120% of R$ 1.000,00 → R$ 190,00 missing
    expect(f[1]!.nextTier?.minAttainment).toBe(1_200_000n);
    expect(f[1]!.revenueToNextTierCents).toBe(19_000n);
  });

  it("gives a gerente no commission and keeps sellers apart", () => {
    const lines = [l(10_000n, true, "1"), l(20_000n, true, "2")];
    const totals = new Map([
      ["1|2024-05", { revenueCents: 10_000n, commissionMicro: 10_000n * 30_000n, lines: 1n, baskets: 1n }],
      ["2|2024-05", { revenueCents: 20_000n, commissionMicro: 20_000n * 30_000n, lines: 1n, baskets: 1n }],
    ]);
    const f = runningFigures(DEFAULT_PLAN, lines, totals, (s) => ({
      targetCents: undefined,
      role: s === "1" ? "gerente" : "vendedor",
    }));
    expect(f.map((x) => x.monthCommissionCents)).toEqual([0n, 600n]);
    expect(f.map((x) => x.earnedCents)).toEqual([0n, 600n]);
    expect(f[1]!.attainmentMillionths).toBeUndefined();
    expect(f[1]!.nextTier).toBeUndefined();
  });
});
