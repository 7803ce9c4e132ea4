/**
 * Exact decimal text for the figures (sql/figures/contract.ts conventions): money with two
 * places, ratios with four, from integers only (bigint; nothing goes through a float). Rounding is
 * half away from zero, as everywhere in the domain rules.
 *
 * @example
 *   ratio(12345n, 10000n, 4); // "1.2345"
 *   fixed(-5n, 2);            // "-0.05"
 */
import { divRoundHalfAway } from "../../processors/domain/money.ts";

const TEN = 10n;

/**
 * An integer scaled by 10^places as decimal text.
 *
 * @param scaled the value × 10^places
 * @param places digits after the point (0 gives an integer)
 */
export function fixed(scaled: bigint, places: number): string {
  const neg = scaled < 0n;
  const abs = neg ? -scaled : scaled;
  if (places === 0) return `${neg ? "-" : ""}${abs}`;
  const unit = TEN ** BigInt(places);
  return `${neg ? "-" : ""}${abs / unit}.${String(abs % unit).padStart(places, "0")}`;
}

/**
 * num / den rounded to `places` decimals, as text.
 *
 * @param num numerator
 * @param den positive denominator
 * @param places digits after the point
 */
export const ratio = (num: bigint, den: bigint, places: number): string =>
  fixed(divRoundHalfAway(num * TEN ** BigInt(places), den), places);

/** Millionths (rates, multipliers, attainment floors) as text with four places. */
export const millionths4 = (m: bigint): string => fixed(divRoundHalfAway(m, 100n), 4);

/** ceil(n / d) for d > 0. */
export function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n > 0n ? q + 1n : q;
}

/**
 * Orders ids the way people read them: numerically when both are unsigned integers
 * ("9" < "10"), else as text.
 */
export function compareIds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) {
    const x = BigInt(a);
    const y = BigInt(b);
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A non-negative decimal number (e.g. 2.5 baskets per seller-hour) as exact millionths.
 * Rejects what is not finite, negative, or finer than a millionth.
 */
export function toMillionths(x: number): bigint | undefined {
  if (!Number.isFinite(x) || x < 0) return undefined;
  const m = Math.round(x * 1_000_000);
  if (Math.abs(m - x * 1_000_000) > 1e-6 * Math.max(1, Math.abs(m))) return undefined;
  return BigInt(m);
}
