/**
 * The retail calendar of the chain: opening hours, weekday and hour-of-day peaks, and the
 * Brazilian selling seasons (Dia das Mães, Dia dos Namorados, Black Friday, Natal), expressed as
 * one `DayProfile` per date. Stores are in shopping malls: Monday–Saturday 10:00–22:00, Sunday
 * 14:00–20:00, 24 and 31 December 10:00–18:00, closed on 25 December and 1 January.
 */
import { civil, epochDay, weekday } from "./civil-date.ts";

/** Demand and opening hours of one date (shared by every store). */
export interface DayProfile {
  readonly day: number;
  readonly weekday: number;
  /** No sales at all (25 December, 1 January). */
  readonly closed: boolean;
  /** Relative expected number of baskets (1 ≈ an ordinary Wednesday in March). */
  readonly demand: number;
  /** Cumulative, normalized hour weights (24 entries); hours outside opening weigh 0. */
  readonly hourCdf: Float64Array;
  /** Multiplier of gift categories (perfumes, make-up, body care) around gift dates. */
  readonly giftBoost: number;
  /** Multiplier of sun protection (summer high, winter low). */
  readonly sunBoost: number;
  /** Multiplier of moisturizers and oils (winter high). */
  readonly coldBoost: number;
}

/** Second Sunday of May (Dia das Mães). */
export function mothersDay(year: number): number {
  const first = epochDay(year, 5, 1);
  return first + ((7 - weekday(first)) % 7) + 7;
}

/** Last Friday of November (Black Friday), as the partner's calendar has it. */
export function blackFriday(year: number): number {
  const last = epochDay(year, 11, 30);
  return last - ((weekday(last) - 5 + 7) % 7);
}

const cdf = (open: number, weights: readonly number[]): Float64Array => {
  const out = new Float64Array(24);
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let h = 0; h < 24; h++) {
    const w = h >= open && h < open + weights.length ? (weights[h - open] ?? 0) : 0;
    acc += w / total;
    out[h] = acc;
  }
  out[23] = 1;
  return out;
};

// Lunch (12–13 h) and after-work (18–20 h) peaks on weekdays; a long afternoon on Saturdays.
const WEEKDAY_HOURS = cdf(10, [0.45, 0.7, 1.25, 1.3, 0.85, 0.8, 0.9, 1.1, 1.5, 1.6, 1.25, 0.6]);
const SATURDAY_HOURS = cdf(10, [0.6, 0.9, 1.2, 1.3, 1.35, 1.4, 1.45, 1.45, 1.4, 1.3, 1.0, 0.55]);
const SUNDAY_HOURS = cdf(14, [0.9, 1.1, 1.2, 1.2, 1.1, 0.8]);
const SHORT_DAY_HOURS = cdf(10, [0.8, 1.1, 1.3, 1.3, 1.3, 1.2, 1.0, 0.7]);

const WEEKDAY_DEMAND = [0.55, 0.8, 0.85, 0.9, 0.95, 1.15, 1.5];
const MONTH_DEMAND = [0.85, 0.85, 0.95, 0.95, 1.05, 1.0, 0.95, 0.95, 0.95, 1.0, 1.05, 1.1];
const SUN_BY_MONTH = [2.2, 2.0, 1.3, 0.9, 0.6, 0.45, 0.45, 0.6, 0.9, 1.2, 1.6, 2.2];
const COLD_BY_MONTH = [0.8, 0.8, 0.9, 1.0, 1.2, 1.4, 1.4, 1.3, 1.0, 0.9, 0.85, 0.85];

const cache = new Map<number, DayProfile>();

/**
 * The profile of a date.
 *
 * @param day epoch day
 * @param baseYear first year of the dataset (demand grows 5 % a year after it)
 */
export function dayProfile(day: number, baseYear: number): DayProfile {
  const key = day * 4096 + (baseYear - 1900);
  const hit = cache.get(key);
  if (hit) return hit;
  const profile = computeProfile(day, baseYear);
  if (cache.size > 20_000) cache.clear();
  cache.set(key, profile);
  return profile;
}

function computeProfile(day: number, baseYear: number): DayProfile {
  const { year, month, day: dom } = civil(day);
  const wd = weekday(day);
  let demand = (WEEKDAY_DEMAND[wd] ?? 1) * (MONTH_DEMAND[month - 1] ?? 1);
  if (dom <= 7) demand *= 1.06; // payday
  demand *= 1 + 0.05 * (year - baseYear);
  let gift = 0; // 0..1 intensity of a gift season
  let hours = wd === 0 ? SUNDAY_HOURS : wd === 6 ? SATURDAY_HOURS : WEEKDAY_HOURS;
  let closed = false;

  const md = mothersDay(year);
  if (day >= md - 14 && day < md) {
    const x = 1 - (md - 1 - day) / 14; // 1/14 … 1 on the eve
    demand *= 1 + 1.3 * x ** 1.5;
    gift = Math.max(gift, x);
  } else if (day === md) {
    demand *= 1.6;
    gift = Math.max(gift, 0.8);
  }
  const valentine = epochDay(year, 6, 12);
  if (day >= valentine - 7 && day <= valentine) {
    const x = 1 - (valentine - day) / 8;
    demand *= 1 + 0.9 * x;
    gift = Math.max(gift, 0.8 * x);
  }
  const bf = blackFriday(year);
  const bfFactor: Record<number, number> = { 0: 2.6, 1: 2.0, 2: 1.6, 3: 1.3 };
  if (day >= bf && day <= bf + 3) demand *= bfFactor[day - bf] ?? 1;
  else if (day >= bf - 7 && day < bf) demand *= 1.15;
  if (month === 12) {
    if (dom <= 23) {
      const x = (dom - 1) / 22;
      demand *= 1 + 1.6 * x ** 1.6;
      gift = Math.max(gift, x);
    } else if (dom === 24) {
      demand *= 1.8;
      gift = 1;
      hours = SHORT_DAY_HOURS;
    } else if (dom === 25) closed = true;
    else if (dom === 31) {
      demand *= 0.7;
      hours = SHORT_DAY_HOURS;
    } else demand *= 0.9;
  }
  if (month === 1 && dom === 1) closed = true;
  return {
    day,
    weekday: wd,
    closed,
    demand: closed ? 0 : demand,
    hourCdf: hours,
    giftBoost: 1 + 1.2 * gift,
    sunBoost: SUN_BY_MONTH[month - 1] ?? 1,
    coldBoost: COLD_BY_MONTH[month - 1] ?? 1,
  };
}

/** Draws a second of the day from the profile's hour weights (uniform within the hour). */
export function drawSecond(profile: DayProfile, u1: number, u2: number): number {
  const cdfs = profile.hourCdf;
  let h = 0;
  while (h < 23 && (cdfs[h] ?? 1) <= u1) h++;
  return h * 3600 + Math.floor(u2 * 3600);
}
