/**
 * Calendar arithmetic on civil dates as "epoch days" (days since 1970-01-01), with no time zone
 * involved: the generator thinks in local business dates and only needs a zone to print ISO
 * offsets. Strings are built by hand because they sit on the hot path.
 */

const MS_PER_DAY = 86_400_000;

/** Epoch day of a civil date (month 1–12). */
export function epochDay(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** Year, month (1–12) and day of an epoch day. */
export function civil(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Weekday of an epoch day: 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD` of an epoch day. */
export function isoDate(day: number): string {
  const c = civil(day);
  return `${c.year}-${pad2(c.month)}-${pad2(c.day)}`;
}

/** Number of days of a month. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Month index (year × 12 + month − 1) of an epoch day, for dense per-month arrays. */
export function monthIndex(day: number): number {
  const c = civil(day);
  return c.year * 12 + c.month - 1;
}

/** `MM/YYYY` (the partner's month format) of a month index. */
export function partnerMonth(index: number): string {
  return `${pad2((index % 12) + 1)}/${Math.floor(index / 12)}`;
}

/** First epoch day of a month index. */
export function firstDayOfMonthIndex(index: number): number {
  return epochDay(Math.floor(index / 12), (index % 12) + 1, 1);
}

/** Parses `YYYY-MM` into a month index, or throws with a readable message. */
export function parseYearMonth(value: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12)
    throw new Error(`expected a month YYYY-MM, got ${JSON.stringify(value)}`);
  return Number(m[1]) * 12 + month - 1;
}

/** `HH:MM:SS` of a second of the day, from a table built once. */
export function clockTime(second: number): string {
  return CLOCK[second] ?? "00:00:00";
}

const CLOCK: string[] = Array.from({ length: 86_400 }, (_, s) => {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${pad2(h)}:${pad2(m)}:${pad2(s % 60)}`;
});

/** Money in cents as text with two decimals and '.', e.g. 5990 → `59.90`, -1250 → `-12.50`. */
export function formatCents(cents: number): string {
  const neg = cents < 0;
  const abs = neg ? -cents : cents;
  const frac = abs % 100;
  return `${neg ? "-" : ""}${(abs - frac) / 100}.${frac < 10 ? "0" : ""}${frac}`;
}
