/**
 * pt-BR display of exact figures: money, percentages and multipliers are formatted from their
 * decimal text (Intl.NumberFormat formats a decimal string exactly), never through a float sum.
 *
 * @example
 *   brl("1234.5");    // "R$ 1.234,50" (with the non-breaking space Intl puts after R$)
 *   pct("1.0234");    // "102,3%"
 *   times("1.25");    // "1,25×"
 */
import { DateTime } from "luxon";
import { centsOf, formatCents } from "../processors/domain/money.ts";

const money = new Intl.NumberFormat("pt-BR", { style: "currency", currency: "BRL" });
const percent = new Intl.NumberFormat("pt-BR", { style: "percent", maximumFractionDigits: 1 });
const decimal2 = new Intl.NumberFormat("pt-BR", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const decimal1 = new Intl.NumberFormat("pt-BR", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

// Intl accepts exact decimal strings (ECMA-402 NumberFormat v3); the types still say number.
type DecimalText = Parameters<Intl.NumberFormat["format"]>[0];
const asDecimal = (text: string): DecimalText => text as unknown as DecimalText;

/** "R$ 1.234,56" from a money string such as "1234.56" (canonicalized through integer cents). */
export const brl = (amount: string): string => money.format(asDecimal(formatCents(centsOf(amount))));

/** R$ of integer cents. */
export const brlCents = (cents: bigint): string => money.format(asDecimal(formatCents(cents)));

/** Exact sum of money strings, in cents. */
export const sumCents = (amounts: readonly string[]): bigint => amounts.reduce((s, a) => s + centsOf(a), 0n);

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** "102,3%" from a ratio such as "1.0234". */
export function pct(ratio: string): string {
  if (!DECIMAL.test(ratio)) throw new Error(`not a decimal ratio: ${JSON.stringify(ratio)}`);
  return percent.format(asDecimal(ratio));
}

/** "1,25×" from "1.25". */
export function times(multiplier: string): string {
  if (!DECIMAL.test(multiplier)) throw new Error(`not a decimal: ${JSON.stringify(multiplier)}`);
  return `${decimal2.format(asDecimal(multiplier))}×`;
}

/** "2,3" from "2.3456" (one place). */
export function oneDecimal(value: string): string {
  if (!DECIMAL.test(value)) throw new Error(`not a decimal: ${JSON.stringify(value)}`);
  return decimal1.format(asDecimal(value));
}

/** "12/2026" from "2026-12". */
export const monthLabel = (month: string): string => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

/** "01/12" from "2026-12-01". */
export const dayLabel = (date: string): string => `${date.slice(8, 10)}/${date.slice(5, 7)}`;

/** The business month `YYYY-MM` of an instant. */
export const businessMonth = (at: Date, tz: string): string =>
  DateTime.fromJSDate(at, { zone: tz }).toFormat("yyyy-MM");

/** The business date `YYYY-MM-DD` of an instant. */
export const businessDate = (at: Date, tz: string): string =>
  DateTime.fromJSDate(at, { zone: tz }).toFormat("yyyy-MM-dd");
