/**
 * Picks the value of a dated period that applies at a date (DESIGN §6): `data_inicio ≤ date ≤
 * data_fim` (open end allowed); where periods overlap, the latest `data_inicio` wins, and among
 * equal starts the later row (file order, then line). Used for cost and list price at a sale date.
 */

export interface Period<V> {
  readonly start: string; // YYYY-MM-DD
  readonly end: string | null; // YYYY-MM-DD, null = open
  readonly value: V;
  /** Order of arrival: later rows override earlier ones with the same start. */
  readonly seq: number;
}

/**
 * @param periods the product's periods, any order
 * @param date `YYYY-MM-DD`
 */
export function valueAt<V>(periods: readonly Period<V>[], date: string): V | undefined {
  let best: Period<V> | undefined;
  for (const p of periods) {
    if (p.start > date || (p.end !== null && p.end < date)) continue;
    if (!best || p.start > best.start || (p.start === best.start && p.seq > best.seq)) best = p;
  }
  return best?.value;
}
