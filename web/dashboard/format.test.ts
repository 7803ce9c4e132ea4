import { describe, expect, it } from "vitest";
import {
  barWidth,
  formatCount,
  formatDecimal,
  formatMoney,
  formatMonth,
  formatMultiplier,
  formatPercent,
  sellerLabel,
  shiftPoint,
  tierClass,
} from "./format.js";

const NB = "\u00a0";

describe("formatMoney", () => {
  it("formats decimal text as reais with thousands dots and a decimal comma", () => {
    expect(formatMoney("1234.56")).toBe(`R$${NB}1.234,56`);
    expect(formatMoney("0.00")).toBe(`R$${NB}0,00`);
    expect(formatMoney("1234567890123.45")).toBe(`R$${NB}1.234.567.890.123,45`);
    expect(formatMoney("999.99")).toBe(`R$${NB}999,99`);
    expect(formatMoney("1000")).toBe(`R$${NB}1.000,00`);
    expect(formatMoney("12.3")).toBe(`R$${NB}12,30`);
  });
  it("keeps the sign of returns and never shows minus zero", () => {
    expect(formatMoney("-12.30")).toBe(`-R$${NB}12,30`);
    expect(formatMoney("-0.001")).toBe(`R$${NB}0,00`);
  });
  it("is exact beyond float precision (no float on the way)", () => {
    // 2^53 + 1 cents cannot be represented as a double.
    expect(formatMoney("90071992547409.93")).toBe(`R$${NB}90.071.992.547.409,93`);
    expect(formatMoney("0.105")).toBe(`R$${NB}0,11`);
  });
  it("matches Intl's pt-BR currency text for ordinary amounts", () => {
    const intl = new Intl.NumberFormat("pt-BR", { style: "currency", currency: "BRL" });
    for (const v of ["1234.56", "0.99", "100000.00", "-45.10"])
      expect(formatMoney(v)).toBe(intl.format(Number(v)));
  });
  it("shows a dash for missing or malformed values", () => {
    expect(formatMoney(null)).toBe("—");
    expect(formatMoney(undefined)).toBe("—");
    expect(formatMoney("abc")).toBe("—");
    expect(formatMoney("1e5")).toBe("—");
  });
});

describe("percentages, multipliers, counts", () => {
  it("turns a four-place ratio into a percentage", () => {
    expect(formatPercent("1.0234")).toBe("102,3%");
    expect(formatPercent("0.0500")).toBe("5,0%");
    expect(formatPercent("1.2000", 0)).toBe("120%");
    expect(formatPercent("0.99996")).toBe("100,0%");
    expect(formatPercent("12.3456")).toBe("1.234,6%");
    expect(formatPercent(null)).toBe("sem meta");
  });
  it("shifts the decimal point on the digits", () => {
    expect(shiftPoint("1.0234", 2)).toBe("102.34");
    expect(shiftPoint("0.5", 2)).toBe("50");
    expect(shiftPoint("-0.015", 2)).toBe("-1.5");
  });
  it("formats multipliers and tiers", () => {
    expect(formatMultiplier("1.25")).toBe("1,25×");
    expect(formatMultiplier("1.5")).toBe("1,50×");
    expect(tierClass("1.00")).toBe("tier-100");
    expect(tierClass("1.50")).toBe("tier-150");
  });
  it("formats counts and plain decimals", () => {
    expect(formatCount(1234567)).toBe("1.234.567");
    expect(formatCount(0)).toBe("0");
    expect(formatCount(undefined)).toBe("—");
    expect(formatDecimal("2.35")).toBe("2,35");
    expect(formatDecimal("1234.5", 1)).toBe("1.234,5");
  });
  it("sizes bars on a 0–150 % scale, clamped", () => {
    expect(barWidth("1.5")).toBe(100);
    expect(barWidth("0.75")).toBe(50);
    expect(barWidth("3")).toBe(100);
    expect(barWidth(null)).toBe(0);
  });
  it("names months and sellers in Portuguese", () => {
    expect(formatMonth("2026-12")).toBe("dezembro de 2026");
    expect(sellerLabel(null, "42")).toBe("Vendedor 42");
    expect(sellerLabel("Ana Souza", "42")).toBe("Ana Souza");
  });
});
