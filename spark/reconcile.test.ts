import { describe, expect, it } from "vitest";
import { monthsBetween } from "./months.ts";
import { compareSellerDays } from "./reconcile.ts";

const row = (day: string, seller: string, revenue: string, lines = "1") => ({
  day,
  seller_id: seller,
  revenue_cents: revenue,
  lines,
  baskets: "1",
  commission_micro: "30000",
  high_margin_revenue_cents: "0",
});

describe("reconcile", () => {
  it("lists every figure that differs, and rows present on one side only", () => {
    const live = new Map([
      ["2024-01-02|10001", row("2024-01-02", "10001", "5990")],
      ["2024-01-03|10002", row("2024-01-03", "10002", "100")],
    ]);
    const backfilled = new Map([
      ["2024-01-02|10001", row("2024-01-02", "10001", "5991", "2")],
      ["2024-01-04|10003", row("2024-01-04", "10003", "1")],
    ]);
    const diffs = compareSellerDays(live, backfilled);
    expect(diffs.filter((d) => d.day === "2024-01-02")).toEqual([
      { day: "2024-01-02", sellerId: "10001", figure: "revenue_cents", live: "5990", backfill: "5991" },
      { day: "2024-01-02", sellerId: "10001", figure: "lines", live: "1", backfill: "2" },
    ]);
    expect(diffs.filter((d) => d.day === "2024-01-03").map((d) => [d.figure, d.backfill])).toContainEqual([
      "revenue_cents",
      "0",
    ]);
    expect(diffs.filter((d) => d.day === "2024-01-04").map((d) => [d.figure, d.live])).toContainEqual([
      "revenue_cents",
      "0",
    ]);
    expect(compareSellerDays(live, new Map(live))).toEqual([]);
  });

  it("walks calendar months across years", () => {
    expect(monthsBetween("2022-11", "2023-02")).toEqual(["2022-11", "2022-12", "2023-01", "2023-02"]);
    expect(monthsBetween("2023-05", "2023-05")).toEqual(["2023-05"]);
  });
});
