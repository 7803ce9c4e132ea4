/**
 * Exact money for the domain rules (DESIGN §6): amounts are integer cents (bigint), rates are
 * exact decimals with up to 6 places held as integer millionths, and nothing goes through a
 * float. Rounding to cents happens once, at the end of a month, half away from zero (the usual
 * commercial rounding in Brazil).
 *
 * @example
 *   const revenue = lineRevenueCents(2, "59.90");          // 11980n
 *   const c = applyRate(revenue, rateFromDecimal("0.05")); // exact, in micro-cents
 *   roundMicroCents(c);                                     // 599n cents
 */

/** Millionths in one unit of a rate. */
export const RATE_SCALE = 1_000_000n;

/** Integer cents of a canonical money string such as "59.90" or "-3.5". */
export function centsOf(decimal: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(decimal.trim());
  if (!m) throw new Error(`not a money amount: ${JSON.stringify(decimal)}`);
  const cents = BigInt(m[2]!) * 100n + BigInt((m[3] ?? "").padEnd(2, "0") || "0");
  return m[1] ? -cents : cents;
}

/** "1234.56" from 123456n (two places, no thousands separator: the API's money format). */
export function formatCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

/** A rate such as "0.03" as integer millionths (30000n); at most 6 decimal places. */
export function rateFromDecimal(decimal: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(decimal.trim());
  if (!m) throw new Error(`not a rate with at most 6 decimals: ${JSON.stringify(decimal)}`);
  return BigInt(m[1]!) * RATE_SCALE + BigInt((m[2] ?? "").padEnd(6, "0") || "0");
}

/** Line revenue = quantidade × preco, in cents. */
export const lineRevenueCents = (quantidade: number, preco: string): bigint =>
  BigInt(quantidade) * centsOf(preco);

/** cents × rate, exactly, in micro-cents (cents × 10⁻⁶). */
export const applyRate = (cents: bigint, rateMillionths: bigint): bigint => cents * rateMillionths;

/**
 * Divides and rounds half away from zero.
 *
 * @param n numerator
 * @param d positive denominator
 */
export function divRoundHalfAway(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new Error("denominator must be positive");
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** Micro-cents → cents, rounded half away from zero. */
export const roundMicroCents = (microCents: bigint): bigint => divRoundHalfAway(microCents, RATE_SCALE);
