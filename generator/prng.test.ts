import { describe, expect, it } from "vitest";
import { createRng, deriveSeed, Rng } from "./prng.ts";

describe("prng", () => {
  it("repeats the same sequence for the same seed and label", () => {
    const a = createRng(42, "sales");
    const b = createRng(42, "sales");
    const xs = Array.from({ length: 1000 }, () => a.u32());
    expect(Array.from({ length: 1000 }, () => b.u32())).toEqual(xs);
  });

  it("gives different streams for different seeds or labels", () => {
    expect(deriveSeed(42, "sales")).not.toBe(deriveSeed(43, "sales"));
    expect(deriveSeed(42, "sales")).not.toBe(deriveSeed(42, "prices"));
    expect(deriveSeed(2 ** 40, "x")).not.toBe(deriveSeed(0, "x"));
    expect(createRng(1, "a").u32()).not.toBe(createRng(1, "b").u32());
  });

  it("draws uniform numbers in range", () => {
    const rng = new Rng(7);
    let sum = 0;
    let min = 1;
    let max = 0;
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
      const k = rng.int(6);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 60_000).toBeCloseTo(0.5, 2);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    const drawn = new Set(Array.from({ length: 1000 }, () => rng.range(3, 5)));
    expect([...drawn].sort()).toEqual([3, 4, 5]);
  });

  it("rounds stochastically around the expectation", () => {
    const rng = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += rng.roundStochastic(2.3);
    expect(sum / 20_000).toBeCloseTo(2.3, 1);
  });
});
