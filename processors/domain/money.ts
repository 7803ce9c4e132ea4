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

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Integer cents of a canonical money string such as "59.90" or "-3.5" (surrounding spaces
 * allowed). Amounts up to 13 integer digits are read digit by digit in exact float arithmetic
 * (below 2^53); longer ones, and anything malformed, go through `centsOfText`, which gives the
 * same result or the same error — called for every sale line's price and cost.
 */
export function centsOf(decimal: string): bigint {
  const s =
    decimal.length > 0 && decimal.charCodeAt(0) > 32 && decimal.charCodeAt(decimal.length - 1) > 32
      ? decimal
      : decimal.trim();
  const neg = s.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  let whole = 0;
  const start = i;
  while (i < s.length && isDigit(s.charCodeAt(i))) whole = whole * 10 + (s.charCodeAt(i++) - 48);
  const digits = i - start;
  if (digits === 0 || digits > 13) return centsOfText(decimal);
  let frac = 0;
  if (i < s.length) {
    if (s.charCodeAt(i) !== 46 || !isDigit(s.charCodeAt(i + 1))) return centsOfText(decimal);
    frac = (s.charCodeAt(i + 1) - 48) * 10;
    i += 2;
    if (i < s.length) {
      if (!isDigit(s.charCodeAt(i))) return centsOfText(decimal);
      frac += s.charCodeAt(i++) - 48;
    }
    if (i !== s.length) return centsOfText(decimal);
  }
  const cents = BigInt(whole * 100 + frac);
  return neg ? -cents : cents;
}

/** `centsOf` by regular expression and BigInt: any length; throws on anything but a money amount. */
export function centsOfText(decimal: string): bigint {
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
