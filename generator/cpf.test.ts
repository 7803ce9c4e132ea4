import { describe, expect, it } from "vitest";
import { corruptCpf, formatCpf, isValidCpf, randomCpf } from "./cpf.ts";
import { Rng } from "./prng.ts";

describe("cpf", () => {
  it("accepts known valid numbers and rejects wrong check digits", () => {
    expect(isValidCpf("529.982.247-25")).toBe(true);
    expect(isValidCpf("52998224725")).toBe(true);
    expect(isValidCpf("529.982.247-26")).toBe(false);
    expect(isValidCpf("111.111.111-11")).toBe(false);
    expect(isValidCpf("123.456.789")).toBe(false);
  });

  it("formats 11 digits", () => {
    expect(formatCpf("52998224725")).toBe("529.982.247-25");
  });

  it("generates valid formatted numbers, and corrupts them into invalid ones", () => {
    const rng = new Rng(3);
    for (let i = 0; i < 2000; i++) {
      const cpf = randomCpf(rng);
      expect(cpf).toMatch(/^\d{3}\.\d{3}\.\d{3}-\d{2}$/);
      expect(isValidCpf(cpf)).toBe(true);
      expect(isValidCpf(corruptCpf(cpf))).toBe(false);
    }
  });
});
