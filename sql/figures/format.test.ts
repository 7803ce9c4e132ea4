/** Exact decimal text of the figures: places, signs, half-away rounding, numeric id order. */
import { describe, expect, it } from "vitest";
import { ceilDiv, compareIds, fixed, millionths4, ratio, toMillionths } from "./format.ts";

describe("figures formatting", () => {
  it("writes scaled integers with their places and sign", () => {
    expect(fixed(123456n, 2)).toBe("1234.56");
    expect(fixed(-5n, 2)).toBe("-0.05");
    expect(fixed(7n, 0)).toBe("7");
    expect(fixed(12345n, 4)).toBe("1.2345");
  });

  it("rounds ratios half away from zero", () => {
    expect(ratio(9999n, 10000n, 4)).toBe("0.9999");
    expect(ratio(1n, 3n, 4)).toBe("0.3333");
    expect(ratio(2n, 3n, 4)).toBe("0.6667");
    expect(ratio(1n, 8n, 2)).toBe("0.13");
    expect(ratio(-1n, 8n, 2)).toBe("-0.13");
    expect(millionths4(1_250_000n)).toBe("1.2500");
    expect(millionths4(999_950n)).toBe("1.0000");
  });

  it("divides up and orders ids numerically", () => {
    expect(ceilDiv(5n, 2n)).toBe(3n);
    expect(ceilDiv(4n, 2n)).toBe(2n);
    expect(ceilDiv(0n, 2n)).toBe(0n);
    expect(["10", "9", "100", "a"].sort(compareIds)).toEqual(["9", "10", "100", "a"]);
  });

  it("takes decimal numbers as exact millionths", () => {
    expect(toMillionths(2.5)).toBe(2_500_000n);
    expect(toMillionths(0.000001)).toBe(1n);
    expect(toMillionths(-1)).toBeUndefined();
    expect(toMillionths(Number.NaN)).toBeUndefined();
    expect(toMillionths(0.0000001)).toBeUndefined();
  });
});
