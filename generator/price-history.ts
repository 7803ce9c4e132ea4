/**
 * Price and cost histories of each product, as contiguous periods (`sku_price`, `sku_cost`):
 * a raise of 5–10 % each January, promotions of 12–35 % off for one to four weeks (often around
 * Dia das Mães, Dia dos Namorados, Black Friday and Natal) after which the regular price returns,
 * and yearly cost changes that keep each product near its target margin. The last period of each
 * history is open.
 */
import { blackFriday, mothersDay } from "./calendar.ts";
import { civil, epochDay } from "./civil-date.ts";
import type { DatasetWindow, Product } from "./catalog.ts";
import type { Rng } from "./prng.ts";

/** A period of a price or cost, in epoch days; `end` null = open. */
export interface ValuePeriod {
  readonly start: number;
  readonly end: number | null;
  readonly cents: number;
}

/** The largest price with the product's ending that is ≤ cents. */
export function retailDown(cents: number, ending: number): number {
  let r = Math.floor(cents / 100) * 100 + ending;
  if (r > cents) r -= 100;
  return Math.max(r, 90);
}

/** The price with the product's ending nearest to cents. */
export function retailNear(cents: number, ending: number): number {
  const down = retailDown(cents, ending);
  return cents - down > 50 ? down + 100 : down;
}

interface Change {
  readonly day: number;
  readonly cents: number;
}

const toPeriods = (changes: Change[]): ValuePeriod[] => {
  changes.sort((a, b) => a.day - b.day);
  const merged: Change[] = [];
  for (const c of changes) {
    const last = merged.at(-1);
    if (last && last.day === c.day) merged[merged.length - 1] = c;
    else if (!last || last.cents !== c.cents) merged.push(c);
  }
  return merged.map((c, i) => {
    const next = merged[i + 1];
    return { start: c.day, end: next ? next.day - 1 : null, cents: c.cents };
  });
};

/** First day the product has a price (its first activation, not before the history start). */
export const historyStartOf = (p: Product, w: DatasetWindow): number =>
  Math.max(w.historyStart, p.active[0]?.start ?? w.historyStart);

/** Regular (non-promotional) price of each year from the history's first year on. */
export function regularPrices(rng: Rng, p: Product, w: DatasetWindow): Map<number, number> {
  const first = civil(w.historyStart).year;
  const last = civil(w.lastDay).year;
  const out = new Map<number, number>([[first, p.basePriceCents]]);
  for (let y = first + 1; y <= last; y++) {
    const prev = out.get(y - 1) ?? p.basePriceCents;
    out.set(y, Math.max(prev + 100, retailNear(prev * rng.uniform(1.05, 1.1), p.priceEnding)));
  }
  return out;
}

/**
 * The list-price history of a product.
 *
 * @param regular regular price per year (from `regularPrices`)
 */
export function buildPriceHistory(
  rng: Rng,
  p: Product,
  w: DatasetWindow,
  regular: Map<number, number>,
): ValuePeriod[] {
  const start = historyStartOf(p, w);
  const firstYear = civil(start).year;
  const changes: Change[] = [{ day: start, cents: regular.get(firstYear) ?? p.basePriceCents }];
  for (let y = firstYear; y <= civil(w.lastDay).year; y++) {
    const price = regular.get(y) ?? p.basePriceCents;
    const raise = epochDay(y, 1, rng.range(2, 20));
    if (y > firstYear && raise <= w.lastDay) changes.push({ day: raise, cents: price });
    const windows: [number, number][] = [];
    const anchors = [mothersDay(y) - 14, epochDay(y, 6, 1), blackFriday(y) - 3, epochDay(y, 12, 1)];
    const wanted = rng.pick([0, 1, 1, 2, 2, 3]);
    for (let tries = 0; windows.length < wanted && tries < 12; tries++) {
      const len = rng.range(7, 28);
      const s = rng.chance(0.6)
        ? rng.pick(anchors) + rng.range(-3, 3)
        : rng.range(epochDay(y, 2, 1), epochDay(y, 11, 30));
      const e = Math.min(s + len - 1, epochDay(y, 12, 20));
      if (s < epochDay(y, 2, 1) || s <= start + 14 || s > w.lastDay || e < s) continue;
      if (windows.some(([a, b]) => s <= b + 7 && e >= a - 7)) continue;
      windows.push([s, e]);
      const depth = rng.uniform(0.12, Math.max(0.13, Math.min(0.35, p.margin - 0.05)));
      const promo = retailDown(price * (1 - depth), p.priceEnding);
      changes.push({ day: s, cents: promo }, { day: e + 1, cents: price });
    }
  }
  return toPeriods(changes.filter((c) => c.day <= w.lastDay));
}

/** The cost history of a product: near (1 − margin) × regular price, changing once or twice a year. */
export function buildCostHistory(
  rng: Rng,
  p: Product,
  w: DatasetWindow,
  regular: Map<number, number>,
): ValuePeriod[] {
  const start = historyStartOf(p, w);
  const firstYear = civil(start).year;
  const cost = (y: number): number =>
    Math.max(50, Math.round((regular.get(y) ?? p.basePriceCents) * (1 - p.margin) * rng.uniform(0.97, 1.03)));
  const changes: Change[] = [{ day: start, cents: cost(firstYear) }];
  for (let y = firstYear + 1; y <= civil(w.lastDay).year; y++) {
    const c = cost(y);
    changes.push({ day: epochDay(y, rng.range(1, 3), rng.range(1, 28)), cents: c });
    if (rng.chance(0.15))
      changes.push({
        day: epochDay(y, rng.range(6, 9), rng.range(1, 28)),
        cents: Math.round(c * rng.uniform(0.97, 1.04)),
      });
  }
  return toPeriods(changes.filter((c) => c.day <= w.lastDay && c.day >= start));
}
