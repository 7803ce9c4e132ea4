/**
 * One day of baskets and their lines in growable typed arrays, reused day after day, so that the
 * hot path allocates no object per basket or line.
 */

const grow = <T extends Int32Array | Int16Array | Uint8Array>(a: T): T => {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
};

/** Baskets (time, store, seller, timestamp format, lines) and lines (product, quantity, price). */
export class DayBuffer {
  /** Number of baskets. */
  nb = 0;
  /** Number of lines. */
  nl = 0;
  /** Second of the day. */
  time = new Int32Array(1024);
  store = new Int32Array(1024);
  /** Employee index. */
  seller = new Int32Array(1024);
  /** 0 local `YYYY-MM-DD HH:MM:SS`, 1 date only, 2 ISO 8601 with offset. */
  format = new Uint8Array(1024);
  lineStart = new Int32Array(1024);
  lineCount = new Uint8Array(1024);
  /** Product index. */
  prod = new Int32Array(4096);
  qty = new Int16Array(4096);
  /** Unit price in cents. */
  price = new Int32Array(4096);

  /** Empties the buffer (keeps the memory). */
  reset(): void {
    this.nb = 0;
    this.nl = 0;
  }

  /** Opens a basket; its lines must follow before the next basket opens. */
  basket(time: number, store: number, seller: number, format: number): number {
    if (this.nb === this.time.length) {
      this.time = grow(this.time);
      this.store = grow(this.store);
      this.seller = grow(this.seller);
      this.format = grow(this.format);
      this.lineStart = grow(this.lineStart);
      this.lineCount = grow(this.lineCount);
    }
    const b = this.nb++;
    this.time[b] = time;
    this.store[b] = store;
    this.seller[b] = seller;
    this.format[b] = format;
    this.lineStart[b] = this.nl;
    this.lineCount[b] = 0;
    return b;
  }

  /** Drops the last basket when it got no line. */
  dropEmptyLast(): void {
    if (this.nb > 0 && this.lineCount[this.nb - 1] === 0) this.nb--;
  }

  /** Adds a line to the last basket `b`. */
  line(b: number, prod: number, qty: number, price: number): void {
    if (this.nl === this.prod.length) {
      this.prod = grow(this.prod);
      this.qty = grow(this.qty);
      this.price = grow(this.price);
    }
    const l = this.nl++;
    this.prod[l] = prod;
    this.qty[l] = qty;
    this.price[l] = price;
    this.lineCount[b] = (this.lineCount[b] ?? 0) + 1;
  }

  /** Basket indices sorted by time (then by creation order). */
  byTime(): Int32Array {
    const SHIFT = 2 ** 24;
    const keys = new Float64Array(this.nb);
    for (let b = 0; b < this.nb; b++) keys[b] = (this.time[b] as number) * SHIFT + b;
    keys.sort();
    const order = new Int32Array(this.nb);
    for (let k = 0; k < this.nb; k++) {
      const key = keys[k] as number;
      order[k] = key - Math.floor(key / SHIFT) * SHIFT;
    }
    return order;
  }
}
