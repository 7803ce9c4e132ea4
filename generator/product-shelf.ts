/**
 * What a store can sell on a day and how shoppers pick it: each product's list price of the day
 * (from `sku_price`), whether it is active (from `sku_status`), its demand weight (popularity ×
 * seasonal boost of its category), and the choice of a basket's next item — the previous item's
 * partner (40 %), another product of a complementary sub-category (30 %), or any product by
 * popularity — skipping products already in the basket or out of stock.
 */
import type { DayProfile } from "./calendar.ts";
import { isActiveOn, type Catalog, type Product } from "./catalog.ts";
import { formatCents } from "./civil-date.ts";
import type { ValuePeriod } from "./price-history.ts";
import type { Rng } from "./prng.ts";
import type { StockLedger } from "./stock-ledger.ts";

const PARTNER_SHARE = 0.4;
const COMPLEMENT_SHARE = 0.3;
const ATTEMPTS = 4;

/** Daily prices, availability and product choice. */
export class ProductShelf {
  /** Today's demand weight per product (0 = not sellable today). */
  readonly weights: Float64Array;
  /** Σ weights. */
  total = 0;
  private readonly cum: Float64Array;
  private readonly listPrice: Int32Array;
  private readonly listPriceText: string[];
  private readonly pointer: Int32Array;
  private readonly mark: Int32Array;
  private serial = 0;
  private readonly products: readonly Product[];
  private readonly partner: Int32Array;
  private readonly subOf: Int32Array;

  constructor(
    private readonly catalog: Catalog,
    private readonly prices: readonly (readonly ValuePeriod[])[],
  ) {
    this.products = catalog.products;
    const n = this.products.length;
    this.weights = new Float64Array(n);
    this.cum = new Float64Array(n);
    this.listPrice = new Int32Array(n);
    this.listPriceText = new Array<string>(n).fill("0.00");
    this.pointer = new Int32Array(n);
    this.mark = new Int32Array(n).fill(-1);
    this.partner = Int32Array.from(this.products, (p) => p.partner);
    this.subOf = Int32Array.from(this.products, (p) => p.subIndex);
  }

  /** Moves to a day (days must come in increasing order). */
  update(day: number, profile: DayProfile): void {
    let total = 0;
    for (let p = 0; p < this.products.length; p++) {
      const periods = this.prices[p] ?? [];
      let i = this.pointer[p] as number;
      for (;;) {
        const end = periods[i]?.end;
        if (i >= periods.length - 1 || end === null || end === undefined || end >= day) break;
        i++;
      }
      this.pointer[p] = i;
      const period = periods[i];
      const price =
        period && period.start <= day && (period.end === null || day <= period.end) ? period.cents : 0;
      if (price !== this.listPrice[p]) {
        this.listPrice[p] = price;
        this.listPriceText[p] = formatCents(price);
      }
      const product = this.products[p] as Product;
      const w =
        price > 0 && isActiveOn(product, day) ? product.popularity * boost(profile, product.sub.season) : 0;
      this.weights[p] = w;
      total += w;
      this.cum[p] = total;
    }
    this.total = total;
  }

  /** Today's list price in cents (0 = none). */
  price(p: number): number {
    return this.listPrice[p] as number;
  }

  /** A price as text, from a cache when it is today's list price. */
  priceText(p: number, cents: number): string {
    return cents === this.listPrice[p] ? (this.listPriceText[p] as string) : formatCents(cents);
  }

  /** A product drawn by today's weights. */
  pickByWeight(rng: Rng): number {
    const target = rng.next() * this.total;
    const cum = this.cum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cum[mid] as number) <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Starts a new basket (forgets which products the previous one held). */
  startBasket(): void {
    this.serial++;
  }

  /**
   * The basket's next product, or −1 when none could be found.
   *
   * @param prev the basket's previous product, −1 for the first
   */
  nextItem(rng: Rng, prev: number, stock: StockLedger, store: number): number {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const r = prev >= 0 && attempt === 0 ? rng.next() : 1;
      let c: number;
      if (r < PARTNER_SHARE) c = this.partner[prev] as number;
      else if (r < PARTNER_SHARE + COMPLEMENT_SHARE) {
        const list = this.catalog.complementsBySub[this.subOf[prev] as number];
        c = list && list.length > 0 ? (list[rng.int(list.length)] as number) : -1;
      } else c = this.pickByWeight(rng);
      if (
        c >= 0 &&
        (this.weights[c] as number) > 0 &&
        this.mark[c] !== this.serial &&
        stock.get(store, c) > 0
      ) {
        this.mark[c] = this.serial;
        return c;
      }
    }
    return -1;
  }
}

function boost(profile: DayProfile, season: "gift" | "sun" | "cold" | null): number {
  if (season === "gift") return profile.giftBoost;
  if (season === "sun") return profile.sunBoost;
  if (season === "cold") return profile.coldBoost;
  return 1;
}
