import { describe, expect, it } from "vitest";
import { backoffDelay } from "./live-socket.js";

describe("backoffDelay", () => {
  it("doubles from 1 s up to a 30 s cap", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });
  it("jitters by ±20 % so reconnecting clients spread out", () => {
    expect(backoffDelay(2, () => 0)).toBe(3200);
    expect(backoffDelay(2, () => 0.999999)).toBe(4800);
  });
});
