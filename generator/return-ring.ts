/**
 * Recent sales per store (the last 512 lines), from which returns are drawn: a return is an
 * earlier day's sale of the same store, brought back to the same seller, at the price paid.
 */
import type { Rng } from "./prng.ts";

const RING = 512;
const ATTEMPTS = 4;

/** A return to write. */
export interface DrawnReturn {
  readonly seller: number;
  readonly prod: number;
  /** Units returned (positive). */
  readonly units: number;
  readonly price: number;
}

/** Ring buffers of recent sale lines, one per store. */
export class ReturnRing {
  private readonly day: Int32Array;
  private readonly seller: Int32Array;
  private readonly prod: Int32Array;
  private readonly qty: Int16Array;
  private readonly price: Int32Array;
  private readonly next: Int32Array;

  constructor(stores: number) {
    this.day = new Int32Array(stores * RING).fill(-1);
    this.seller = new Int32Array(stores * RING);
    this.prod = new Int32Array(stores * RING);
    this.qty = new Int16Array(stores * RING);
    this.price = new Int32Array(stores * RING);
    this.next = new Int32Array(stores);
  }

  /** Remembers a sale line. */
  record(store: number, day: number, seller: number, prod: number, qty: number, price: number): void {
    const pos = this.next[store] as number;
    this.next[store] = (pos + 1) % RING;
    const slot = store * RING + pos;
    this.day[slot] = day;
    this.seller[slot] = seller;
    this.prod[slot] = prod;
    this.qty[slot] = qty;
    this.price[slot] = price;
  }

  /**
   * Draws a sale of an earlier day to return (one unit, or all of them half the time), or null.
   *
   * @param canServe whether the seller (employee index) still works for the store today
   */
  draw(rng: Rng, store: number, day: number, canServe: (seller: number) => boolean): DrawnReturn | null {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const slot = store * RING + rng.int(RING);
      const d = this.day[slot] as number;
      const q = this.qty[slot] as number;
      const seller = this.seller[slot] as number;
      if (d < 0 || d >= day || q <= 0 || !canServe(seller)) continue;
      const units = q > 1 && rng.chance(0.5) ? q : 1;
      this.qty[slot] = q - units;
      return { seller, prod: this.prod[slot] as number, units, price: this.price[slot] as number };
    }
    return null;
  }
}
