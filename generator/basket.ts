/**
 * What one shopper buys: how many distinct products (1–6 lines, 42/27/15/8/5/3 %), which ones
 * (`ProductShelf.nextItem`: popularity, season, cross-sell partner or complement, in stock) and
 * how many units of each (1: 80 %, 2: 14 %, 3: 5 %, 4–6: 1 %). Shared by the history simulation
 * (`sales-simulator.ts`) and the live point-of-sale simulator (`live-pos.ts`).
 */
import type { ProductShelf } from "./product-shelf.ts";
import type { Rng } from "./prng.ts";
import type { StockLedger } from "./stock-ledger.ts";

const BASKET_SIZE_CDF = [0.42, 0.69, 0.84, 0.92, 0.97, 1];

/** Expected number of lines of a basket (before stock-outs cut one short). */
export const MEAN_BASKET_LINES = BASKET_SIZE_CDF.reduce(
  (acc, c, i) => acc + (c - (BASKET_SIZE_CDF[i - 1] ?? 0)) * (i + 1),
  0,
);

/** Number of lines of a basket from a uniform draw `u` in [0, 1). */
export function basketSize(u: number): number {
  let size = 1;
  while (size < 6 && (BASKET_SIZE_CDF[size - 1] as number) <= u) size++;
  return size;
}

/**
 * Draws the products and quantities of one basket of a store, taking the units from its stock,
 * and hands each line to `line` (product index, units ≥ 1) as soon as it is drawn — `line` may
 * draw from the same `rng` (the history's seller discount does), the order of draws is part of
 * the seed's output.
 *
 * @param size wanted number of lines (`basketSize`); fewer when no more product can be found
 * @returns the number of lines drawn
 */
export function fillBasket(
  rng: Rng,
  shelf: ProductShelf,
  stock: StockLedger,
  store: number,
  size: number,
  line: (prod: number, qty: number) => void,
): number {
  shelf.startBasket();
  let prev = -1;
  let n = 0;
  for (; n < size; n++) {
    const p = shelf.nextItem(rng, prev, stock, store);
    if (p < 0) break;
    const uq = rng.next();
    line(p, stock.take(store, p, uq < 0.8 ? 1 : uq < 0.94 ? 2 : uq < 0.99 ? 3 : rng.range(4, 6)));
    prev = p;
  }
  return n;
}
