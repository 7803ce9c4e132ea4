/**
 * Monthly sales targets, set from the simulated sales so that attainment spreads realistically:
 * each vendedor-month target is the month's net revenue divided by an attainment drawn from a
 * triangular distribution on [0.60, 1.40] (mode 1.00: half the sellers reach 100 %, about one in
 * eight reaches 120 %); each store-month target likewise with [0.75, 1.25]. Targets are rounded to
 * R$ 10 (sellers) and R$ 100 (stores) from R$ 1 000 and R$ 10 000 up, smaller ones to the cent. A
 * vendedor employed in a month without any sale gets a target pro rata of the days employed
 * (attainment 0).
 */
import { daysInMonth, firstDayOfMonthIndex, partnerMonth } from "./civil-date.ts";
import type { Network } from "./network.ts";
import type { Rng } from "./prng.ts";
import type { AttainmentStats } from "./summary.ts";

/** Targets as CSV rows plus the attainment each implies. */
export interface Targets {
  /** `id_employee,sales_target,month` rows. */
  readonly sellerRows: string[][];
  /** `month,store_id,sales_target` rows. */
  readonly storeRows: string[][];
  readonly sellerAttainment: AttainmentStats;
  readonly storeAttainment: AttainmentStats;
}

const triangular = (rng: Rng, lo: number, hi: number): number =>
  lo + ((hi - lo) * (rng.next() + rng.next())) / 2;

const money = (cents: number): string => {
  const c = Math.round(cents);
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
};

/** Rounds a target in cents to `unit` cents when it is at least 100 units (to the cent below). */
const roundTarget = (cents: number, unit: number): number =>
  Math.max(1, cents >= 100 * unit ? Math.round(cents / unit) * unit : Math.round(cents));

/** Summary statistics of a list of ratios. */
export function attainmentStats(values: number[]): AttainmentStats {
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number): number =>
    v.length === 0 ? 0 : (v[Math.min(v.length - 1, Math.floor(p * v.length))] ?? 0);
  const share = (t: number): number => (v.length === 0 ? 0 : v.filter((x) => x >= t).length / v.length);
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    count: v.length,
    min: r(v[0] ?? 0),
    p10: r(q(0.1)),
    p50: r(q(0.5)),
    p90: r(q(0.9)),
    max: r(v.at(-1) ?? 0),
    atOrAbove100: r(share(1)),
    atOrAbove120: r(share(1.2)),
  };
}

/**
 * Builds both target files' rows.
 *
 * @param sellerMonthCents net revenue per `employee × months + month`
 * @param storeMonthCents net revenue per `store × months + month`
 * @param firstMonth month index of the first month
 * @param lastDay last day of the dataset (the last month may be partial)
 */
export function buildTargets(
  rng: Rng,
  network: Network,
  sellerMonthCents: Float64Array,
  storeMonthCents: Float64Array,
  firstMonth: number,
  months: number,
  lastDay: number,
): Targets {
  const sellerRows: string[][] = [];
  const storeRows: string[][] = [];
  const sellerRatios: number[] = [];
  const storeRatios: number[] = [];
  for (let m = 0; m < months; m++) {
    const monthIdx = firstMonth + m;
    const first = firstDayOfMonthIndex(monthIdx);
    const last = Math.min(lastDay, first + daysInMonth(Math.floor(monthIdx / 12), (monthIdx % 12) + 1) - 1);
    const month = partnerMonth(monthIdx);
    const monthRows: string[][] = [];
    const pending: { id: string; days: number; storeIndex: number }[] = [];
    const perStore = new Map<number, number[]>();
    for (const e of network.employees) {
      if (e.role !== "vendedor") continue;
      const store = network.stores[e.storeIndex];
      const from = Math.max(first, e.start, store?.inauguration ?? first);
      const to = Math.min(last, e.end ?? last);
      if (from > to) continue;
      const revenue = sellerMonthCents[e.index * months + m] ?? 0;
      if (revenue > 0) {
        const attainment = triangular(rng, 0.6, 1.4);
        const target = roundTarget(revenue / attainment, 1000);
        monthRows.push([e.id, money(target), month]);
        sellerRatios.push(revenue / target);
        const list = perStore.get(e.storeIndex) ?? [];
        list.push((target * (last - first + 1)) / (to - from + 1));
        perStore.set(e.storeIndex, list);
      } else pending.push({ id: e.id, days: to - from + 1, storeIndex: e.storeIndex });
    }
    for (const p of pending) {
      const peers = perStore.get(p.storeIndex) ?? [];
      const full = peers.length > 0 ? peers.reduce((a, b) => a + b, 0) / peers.length : 500_000;
      const target = roundTarget((full * p.days) / (last - first + 1), 1000);
      monthRows.push([p.id, money(target), month]);
    }
    monthRows.sort((a, b) => Number(a[0]) - Number(b[0]));
    sellerRows.push(...monthRows);
    for (const s of network.stores) {
      if (s.inauguration > last) continue;
      const revenue = storeMonthCents[s.index * months + m] ?? 0;
      if (revenue <= 0) continue;
      const target = roundTarget(revenue / triangular(rng, 0.75, 1.25), 10_000);
      storeRows.push([month, s.code, money(target)]);
      storeRatios.push(revenue / target);
    }
  }
  return {
    sellerRows,
    storeRows,
    sellerAttainment: attainmentStats(sellerRatios),
    storeAttainment: attainmentStats(storeRatios),
  };
}
