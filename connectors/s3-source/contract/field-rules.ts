/**
 * Field-level rules of the partner's CSV contract (DESIGN §4, §5): ids, exact decimals, dates,
 * months, CPF. Pure functions; each either returns the normalized value or rejects the row.
 */
import { DateTime } from "luxon";
import { reject } from "./reasons.ts";

const DIGITS = /^\d+$/;
const DECIMAL = /^-?\d+(?:\.\d{1,2})?$/;
const INTEGER = /^-?\d+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A required field: trimmed, non-empty. */
export function required(value: string | undefined, field: string): string {
  const v = (value ?? "").trim();
  if (v === "") reject("missing_field", `${field} is empty`);
  return v;
}

/** An optional field: trimmed, empty → null. */
export const optional = (value: string | undefined): string | null => {
  const v = (value ?? "").trim();
  return v === "" ? null : v;
};

/** A numeric identifier (digits only), kept as text so leading zeros survive. */
export function id(value: string | undefined, field: string): string {
  const v = required(value, field);
  if (!DIGITS.test(v)) reject("not_numeric", `${field} must be digits only, got ${JSON.stringify(v)}`);
  return v;
}

/** An integer. */
export function integer(value: string | undefined, field: string): number {
  const v = required(value, field);
  if (!INTEGER.test(v) || v.replace("-", "").length > 9)
    reject("not_numeric", `${field} must be a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}

const CANONICAL_MONEY = /^(?:0|[1-9]\d{0,11})\.\d\d$/;

/**
 * An exact decimal with '.' and at most two places, returned as canonical text ("59.9" → "59.90").
 * Never goes through a float.
 */
export function money(value: string | undefined, field: string): string {
  // Fast path: already canonical ("59.90", "0.05") — the partner's usual form.
  if (value !== undefined && CANONICAL_MONEY.test(value)) return value;
  const v = required(value, field);
  if (!DECIMAL.test(v) || v.replace("-", "").split(".")[0]!.length > 12)
    reject("not_numeric", `${field} must be a decimal like 59.90, got ${JSON.stringify(v)}`);
  const negative = v.startsWith("-");
  const [int = "0", frac = ""] = v.replace("-", "").split(".");
  const cents = `${int.replace(/^0+(?=\d)/, "")}.${frac.padEnd(2, "0")}`;
  return negative && cents !== "0.00" ? `-${cents}` : cents;
}

/**
 * Integer cents of a canonical money string, exactly (at most 14 digits, far below 2^53, so a
 * JS number holds it without rounding; the decimal point is removed as text, never by float maths).
 */
export const moneyCents = (canonical: string): number => Number(canonical.replace(".", ""));

const validCalendarDate = (y: number, m: number, d: number): boolean => {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
};

/** A calendar date `YYYY-MM-DD`. */
export function date(value: string | undefined, field: string): string {
  const v = required(value, field);
  const m = DATE.exec(v);
  if (!m || !validCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])))
    reject("bad_date", `${field} must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
  return v;
}

/** An optional calendar date (empty = open period). */
export const optionalDate = (value: string | undefined, field: string): string | null =>
  optional(value) === null ? null : date(value, field);

/** A period whose end, when present, is not before its start. */
export function period(start: string, end: string | null, field: string): void {
  if (end !== null && end < start) reject("bad_period", `${field} ends (${end}) before it starts (${start})`);
}

/** A month `MM/YYYY` (the partner's format), normalized to `YYYY-MM`. */
export function month(value: string | undefined, field: string): string {
  const v = required(value, field);
  const m = /^(\d{2})\/(\d{4})$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 12)
    reject("bad_month", `${field} must be a month MM/YYYY, got ${JSON.stringify(v)}`);
  return `${m![2]}-${m![1]}`;
}

/** The 11 digits of a CPF (with or without punctuation) when its check digits are right. */
export function cpfDigits(value: string | undefined, field: string): string {
  const v = required(value, field);
  const digits = v.replace(/[.\-\s]/g, "");
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits) || !cpfCheckDigitsOk(digits))
    reject("bad_cpf", `${field} is not a valid CPF`);
  return digits;
}

function cpfCheckDigitsOk(d: string): boolean {
  const nums = [...d].map(Number);
  const check = (len: number): number => {
    let sum = 0;
    for (let i = 0; i < len; i++) sum += nums[i]! * (len + 1 - i);
    const r = (sum * 10) % 11;
    return r === 10 ? 0 : r;
  };
  return check(9) === nums[9] && check(10) === nums[10];
}

// === Transaction timestamps

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Converts wall-clock times in one zone to instants, caching the zone offset per local hour
 * (offsets only change on the hour), so the hot path does no time-zone maths.
 */
export class LocalTimeConverter {
  private readonly offsets = new Map<number, number>();
  /** 2000-01-01 00:00 local: the earliest accepted sale. */
  readonly earliestMs: number;
  constructor(readonly zone: string) {
    this.earliestMs = this.toEpochMs(2000, 1, 1, 0, 0, 0);
  }

  /** Epoch milliseconds of a local wall-clock time, or NaN when the time does not exist. */
  toEpochMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
    const key = ((y * 100 + mo) * 100 + d) * 100 + h;
    let offset = this.offsets.get(key);
    if (offset === undefined) {
      const dt = DateTime.fromObject({ year: y, month: mo, day: d, hour: h }, { zone: this.zone });
      if (!dt.isValid) return Number.NaN;
      offset = dt.offset;
      if (this.offsets.size > 50_000) this.offsets.clear();
      this.offsets.set(key, offset);
    }
    return Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000;
  }
}

/**
 * A sale timestamp: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (local time in the business zone) or
 * ISO 8601 with an offset. Rejected when unparsable, before 2000-01-01 local, or more than one
 * day after `nowMs`.
 *
 * @returns the epoch milliseconds of the instant
 */
export function saleInstant(
  value: string | undefined,
  field: string,
  tz: LocalTimeConverter,
  nowMs: number,
): number {
  const v = required(value, field);
  let ms = Number.NaN;
  const local = LOCAL.exec(v);
  const m = local ?? WITH_OFFSET.exec(v);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const h = Number(m[4] ?? 0);
    const mi = Number(m[5] ?? 0);
    const s = Number(m[6] ?? 0);
    if (validCalendarDate(y, mo, d) && h < 24 && mi < 60 && s < 60)
      ms = local ? tz.toEpochMs(y, mo, d, h, mi, s) : Date.parse(v);
  }
  if (Number.isNaN(ms)) reject("bad_date", `${field} is not a date/time we understand: ${JSON.stringify(v)}`);
  if (ms < tz.earliestMs) reject("date_out_of_range", `${field} ${v} is before 2000-01-01`);
  if (ms > nowMs + 86_400_000)
    reject("date_out_of_range", `${field} ${v} is more than one day in the future`);
  return ms;
}
