/**
 * The q-quantile (0..1) of sorted values — the nearest-rank value at ⌊q·n⌋, the last one for
 * q = 1; NaN when there are none. Every bench's p50/p95/p99 comes from here.
 */
export const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
