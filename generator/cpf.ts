/**
 * Brazilian CPF numbers: check digits, formatting (`123.456.789-09`) and random valid numbers
 * for fictional employees.
 */
import type { Rng } from "./prng.ts";

/** The two check digits of the first nine digits of a CPF. */
export function cpfCheckDigits(nine: readonly number[]): [number, number] {
  const digit = (len: number, digits: readonly number[]): number => {
    let sum = 0;
    for (let i = 0; i < len; i++) sum += (digits[i] ?? 0) * (len + 1 - i);
    const r = (sum * 10) % 11;
    return r === 10 ? 0 : r;
  };
  const d1 = digit(9, nine);
  const d2 = digit(10, [...nine.slice(0, 9), d1]);
  return [d1, d2];
}

/** Formats 11 digits as `123.456.789-09`. */
export function formatCpf(digits: string): string {
  return `${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6, 9)}-${digits.slice(9, 11)}`;
}

/** True when a CPF (formatted or not) has 11 digits, not all equal, and right check digits. */
export function isValidCpf(value: string): boolean {
  const digits = value.replace(/[.-]/g, "");
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits)) return false;
  const nums = [...digits].map(Number);
  const [d1, d2] = cpfCheckDigits(nums.slice(0, 9));
  return d1 === nums[9] && d2 === nums[10];
}

/** A random valid CPF, formatted. */
export function randomCpf(rng: Rng): string {
  let nine: number[];
  do nine = Array.from({ length: 9 }, () => rng.int(10));
  while (nine.every((d) => d === nine[0]));
  return formatCpf([...nine, ...cpfCheckDigits(nine)].join(""));
}

/** The same CPF with a wrong last check digit (for dirty rows). */
export function corruptCpf(cpf: string): string {
  const last = Number(cpf.at(-1));
  return `${cpf.slice(0, -1)}${(last + 1) % 10}`;
}
