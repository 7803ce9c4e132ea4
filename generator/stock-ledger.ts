/**
 * Stock on hand per store × product. Sales take units (never more than there are), returns give
 * them back, and a weekly delivery per store brings each active product back to an order-up-to
 * level: the units expected over the next 10 days, plus 30 % and two units of safety. Deliveries
 * are missed now and then and seasonal peaks outrun the plan, so products do run low.
 */

/** Days of demand a delivery covers. */
export const COVER_DAYS = 10;

/** Stock of every store × product, in units. */
export class StockLedger {
  /** Units on hand, index `store × productCount + product`. */
  readonly onHand: Int32Array;

  constructor(
    readonly storeCount: number,
    readonly productCount: number,
  ) {
    this.onHand = new Int32Array(storeCount * productCount);
  }

  /**
   * A delivery to a store: active products go back up to their level, inactive ones are sent back.
   *
   * @param expectedUnits units the store is expected to sell over the cover period
   * @param weights today's demand weight of each product (0 = not sellable)
   * @param totalWeight Σ weights
   */
  deliver(store: number, expectedUnits: number, weights: Float64Array, totalWeight: number): void {
    const base = store * this.productCount;
    const k = totalWeight > 0 ? (1.3 * expectedUnits) / totalWeight : 0;
    for (let p = 0; p < this.productCount; p++) {
      const w = weights[p] ?? 0;
      if (w <= 0) {
        this.onHand[base + p] = 0;
        continue;
      }
      const level = Math.ceil(k * w) + 2;
      if ((this.onHand[base + p] ?? 0) < level) this.onHand[base + p] = level;
    }
  }

  /** Takes up to `units` of a product; returns how many were taken. */
  take(store: number, product: number, units: number): number {
    const i = store * this.productCount + product;
    const have = this.onHand[i] ?? 0;
    const n = have < units ? have : units;
    this.onHand[i] = have - n;
    return n;
  }

  /** Units on hand. */
  get(store: number, product: number): number {
    return this.onHand[store * this.productCount + product] ?? 0;
  }

  /** Puts returned units back. */
  give(store: number, product: number, units: number): void {
    this.onHand[store * this.productCount + product] = this.get(store, product) + units;
  }
}
