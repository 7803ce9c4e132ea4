import { describe, expect, it } from "vitest";
import {
  addPairs,
  addToMinutes,
  applySaleToTeam,
  centsOf,
  minuteSeries,
  moneyOfCents,
  topPairs,
  type SaleMessage,
  type SellerRow,
} from "./live-state.js";

const row = (sellerId: string, revenue: string, name: string | null = null): SellerRow => ({
  sellerId,
  storeId: "7",
  month: "2026-12",
  revenue,
  target: "1000.00",
  attainment: null,
  multiplier: "1.00",
  commission: "0.00",
  lines: 1,
  baskets: 1,
  name,
  role: "vendedor",
  nextTier: null,
});

const sale = (over: Partial<SaleMessage> = {}): SaleMessage => ({
  sellerId: "2",
  storeId: "7",
  productId: "10",
  productName: "Batom",
  quantidade: 1,
  revenue: "50.00",
  saleTime: "2026-12-02T12:00:30.000Z",
  month: "2026-12",
  monthRevenue: "1100.00",
  monthTarget: "1000.00",
  attainment: "1.1000",
  multiplier: "1.25",
  monthCommission: "41.25",
  nextTierAttainment: "1.20",
  nextTierMultiplier: "1.50",
  revenueToNextTier: "100.00",
  lines: "12",
  baskets: "9",
  ...over,
});

describe("money in cents", () => {
  it("round-trips decimal text through BigInt cents", () => {
    expect(centsOf("1234.56")).toBe(123456n);
    expect(centsOf("-0.5")).toBe(-50n);
    expect(moneyOfCents(123456n)).toBe("1234.56");
    expect(moneyOfCents(-5n)).toBe("-0.05");
  });
});

describe("applySaleToTeam", () => {
  const team = [row("1", "900.00", "Ana"), row("2", "800.00", "Bia"), row("3", "100.00")];
  it("updates the seller's row from the message and re-ranks by revenue", () => {
    const next = applySaleToTeam(team, sale(), "7", "2026-12");
    expect(next.map((r) => r.sellerId)).toEqual(["2", "1", "3"]);
    const bia = next[0] as SellerRow;
    expect(bia).toMatchObject({
      name: "Bia",
      revenue: "1100.00",
      attainment: "1.1000",
      multiplier: "1.25",
      commission: "41.25",
      lines: 12,
      baskets: 9,
      nextTier: { attainment: "1.20", multiplier: "1.50", revenueNeeded: "100.00" },
    });
    expect(team[1]?.revenue).toBe("800.00"); // not mutated
  });
  it("adds a seller it did not know", () => {
    const next = applySaleToTeam(team, sale({ sellerId: "9", monthRevenue: "150.00" }), "7", "2026-12");
    expect(next.map((r) => r.sellerId)).toEqual(["1", "2", "9", "3"]);
  });
  it("compares money exactly, not as floats or text", () => {
    const rows = [row("1", "99.99"), row("2", "100.00"), row("3", "1000.00")];
    const next = applySaleToTeam(rows, sale({ sellerId: "4", monthRevenue: "999.99" }), "7", "2026-12");
    expect(next.map((r) => r.sellerId)).toEqual(["3", "4", "2", "1"]);
  });
  it("ignores sales of another store or month", () => {
    expect(applySaleToTeam(team, sale({ storeId: "8" }), "7", "2026-12")).toBe(team);
    expect(applySaleToTeam(team, sale({ month: "2026-11" }), "7", "2026-12")).toBe(team);
  });
  it("has no next tier at the top or without a target", () => {
    const next = applySaleToTeam(
      [],
      sale({ nextTierAttainment: null, nextTierMultiplier: null, revenueToNextTier: null }),
      "7",
      "2026-12",
    );
    expect(next[0]?.nextTier).toBeNull();
  });
});

describe("cross-sell pairs", () => {
  it("keys unordered pairs and keeps the latest running count", () => {
    let pairs = addPairs(new Map(), "10", "Batom", [
      { productId: "20", productName: "Gloss", timesBoughtTogether: 5 },
      { productId: "3", productName: "Base", timesBoughtTogether: 9 },
    ]);
    pairs = addPairs(pairs, "20", "Gloss", [
      { productId: "10", productName: "Batom", timesBoughtTogether: 6 },
    ]);
    expect(topPairs(pairs, 5)).toEqual([
      { a: "3", b: "10", aName: "Base", bName: "Batom", times: 9 },
      { a: "10", b: "20", aName: "Batom", bName: "Gloss", times: 6 },
    ]);
  });
  it("accepts the REST complements shape and skips self pairs", () => {
    const pairs = addPairs(new Map(), "10", null, [
      { codProd: "11", name: "Rímel", timesBoughtTogether: 2 },
      { codProd: "10", name: "x", timesBoughtTogether: 99 },
    ]);
    expect(topPairs(pairs, 5)).toEqual([{ a: "10", b: "11", aName: null, bName: "Rímel", times: 2 }]);
  });
});

describe("revenue per minute", () => {
  it("sums exact cents per minute over a sliding window", () => {
    const now = Date.parse("2026-12-02T12:00:59.000Z");
    let m = addToMinutes(new Map(), { saleTime: "2026-12-02T12:00:10.000Z", revenue: "0.10" }, now, 3);
    m = addToMinutes(m, { saleTime: "2026-12-02T12:00:20.000Z", revenue: "0.20" }, now, 3);
    m = addToMinutes(m, { saleTime: "2026-12-02T11:58:00.000Z", revenue: "-5.00" }, now, 3);
    m = addToMinutes(m, { saleTime: "2026-12-02T11:50:00.000Z", revenue: "1.00" }, now, 3); // too old
    const series = minuteSeries(m, now, 3);
    expect(series.map((p) => p.cents)).toEqual([-500n, 0n, 30n]);
    const later = addToMinutes(
      m,
      { saleTime: "2026-12-02T12:03:00.000Z", revenue: "1.00" },
      now + 180_000,
      3,
    );
    expect([...later.keys()].length).toBe(1);
  });
});
