/**
 * The day-by-day sales simulation, streamed: for each day it draws every store's baskets
 * (seasonal and weekday demand × store size × noise), their times (opening hours, lunch and
 * evening peaks), sellers (`StaffRoster`), products (`ProductShelf`: popularity, season,
 * cross-sell, stock), quantities and prices (list price of the day, a small discount now and
 * then), and returns of earlier sales (`ReturnRing`); then writes the day's lines in time order
 * and the day's closing stock. Memory holds one day of baskets, never the history.
 */
import { DateTime } from "luxon";
import { basketSize, fillBasket, MEAN_BASKET_LINES } from "./basket.ts";
import { dayProfile, drawSecond } from "./calendar.ts";
import type { Catalog, DatasetWindow } from "./catalog.ts";
import { civil, clockTime, isoDate, monthIndex } from "./civil-date.ts";
import { CsvFileWriter } from "./csv-file-writer.ts";
import { DayBuffer } from "./day-buffer.ts";
import { isEmployedOn, type Network } from "./network.ts";
import type { ValuePeriod } from "./price-history.ts";
import { ProductShelf } from "./product-shelf.ts";
import { createRng } from "./prng.ts";
import { ReturnRing } from "./return-ring.ts";
import type { DatasetSink } from "./sink.ts";
import { StaffRoster } from "./staff-roster.ts";
import { COVER_DAYS, StockLedger } from "./stock-ledger.ts";
import type { FileSummary } from "./summary.ts";
import { TransactionWriter } from "./transaction-writer.ts";

/** What the simulation needs. */
export interface SalesInput {
  readonly seed: number;
  /** Approximate number of clean transaction lines over the whole window. */
  readonly lines: number;
  readonly dirtyRate: number;
  /** Zone of the ISO-8601 offsets (the business zone). */
  readonly timeZone: string;
  /** Products (most popular first) whose stock goes to `daily_stock.csv`. */
  readonly stockProducts: number;
  readonly window: DatasetWindow;
  readonly catalog: Catalog;
  readonly network: Network;
  /** List-price periods per product index. */
  readonly prices: readonly (readonly ValuePeriod[])[];
}

/** What the simulation produced. */
export interface SalesResult {
  readonly files: FileSummary[];
  /** Month index of the first month. */
  readonly firstMonth: number;
  readonly months: number;
  /** Net revenue in cents per `employee × months + month`. */
  readonly sellerMonthCents: Float64Array;
  /** Net revenue in cents per `store × months + month`. */
  readonly storeMonthCents: Float64Array;
  readonly baskets: number;
  readonly saleLines: number;
  readonly returnLines: number;
  readonly revenueCents: number;
}

/** Header of `daily_stock.csv`. */
export const STOCK_HEADER = "data,cod_loja,cod_prod,quantidade";

const MEAN_QTY = 1.27;
const RETURN_SHARE = 0.01;
const DISCOUNT_SHARE = 0.06;
const DATE_ONLY_SHARE = 0.02;
const ISO_SHARE = 0.02;
const MISSED_DELIVERY = 0.07;

/**
 * Runs the simulation, writing `transactions_YYYY.csv` and `daily_stock.csv` into the sink.
 *
 * @param onDay called after each day with the clean transaction lines written so far
 */
export async function simulateSales(
  input: SalesInput,
  sink: DatasetSink,
  onDay?: (cleanLines: number, day: number) => void,
): Promise<SalesResult> {
  const { catalog, network, window } = input;
  const products = catalog.products;
  const rng = createRng(input.seed, "sales");
  const baseYear = civil(window.firstDay).year;
  const firstMonth = monthIndex(window.firstDay);
  const months = monthIndex(window.lastDay) - firstMonth + 1;

  const shelf = new ProductShelf(catalog, input.prices);
  const roster = new StaffRoster(network, createRng(input.seed, "performance"), months);
  const stock = new StockLedger(network.stores.length, products.length);
  const ring = new ReturnRing(network.stores.length);
  const buf = new DayBuffer();
  const prodCode = products.map((p) => p.code);
  const storeCode = network.stores.map((s) => s.code);
  const sellerCode = network.employees.map((e) => e.id);
  const txnCounter = Float64Array.from(network.stores, () => rng.range(1000, 99_999));
  const sellerMonthCents = new Float64Array(network.employees.length * months);
  const storeMonthCents = new Float64Array(network.stores.length * months);
  const tracked = [...products]
    .sort((a, b) => b.popularity - a.popularity || a.index - b.index)
    .slice(0, Math.max(0, Math.min(products.length, input.stockProducts)))
    .map((p) => p.index)
    .sort((a, b) => a - b);

  // Calibration: expected baskets of a store on a day = scale × size × demand.
  const demandOf = (day: number): number => dayProfile(day, baseYear).demand;
  let totalDemand = 0;
  for (let d = window.firstDay; d <= window.lastDay; d++)
    for (const s of network.stores) if (d >= s.inauguration) totalDemand += s.size * demandOf(d);
  const scale = totalDemand > 0 ? (input.lines * (1 - RETURN_SHARE)) / MEAN_BASKET_LINES / totalDemand : 0;
  // Feedback on the volume: stock-outs and short baskets lose a little; the next days make up for it.
  let expectedSoFar = 0;
  let producedSoFar = 0;

  const writer = new TransactionWriter(sink, input.seed, input.dirtyRate);
  const stockFile = new CsvFileWriter(sink, "daily_stock.csv", ",", STOCK_HEADER);
  const offsets = new Array<string | undefined>(24);
  let baskets = 0;
  let saleLines = 0;
  let returnLines = 0;
  let revenueCents = 0;
  let year = -1;
  // The basket being filled, for `addLine` (one closure for the whole run, none per basket).
  let lineDay = 0;
  let lineStore = 0;
  let lineSeller = 0;
  let lineBasket = 0;
  const addLine = (p: number, q: number): void => {
    let price = shelf.price(p);
    if (rng.next() < DISCOUNT_SHARE) price = Math.round(price * (1 - 0.05 * rng.range(1, 3)));
    buf.line(lineBasket, p, q, price);
    ring.record(lineStore, lineDay, lineSeller, p, q, price);
  };

  try {
    for (let day = window.firstDay; day <= window.lastDay; day++) {
      const profile = dayProfile(day, baseYear);
      const date = civil(day);
      if (date.year !== year) {
        year = date.year;
        await writer.startYear(year);
      }
      const month = monthIndex(day) - firstMonth;
      shelf.update(day, profile);
      buf.reset();
      const correction = producedSoFar > 0 ? Math.min(1.25, Math.max(0.8, expectedSoFar / producedSoFar)) : 1;

      for (const s of network.stores) {
        const si = s.index;
        if (day < s.inauguration) continue;
        const first = day === s.inauguration || day === window.firstDay;
        if (first || (profile.weekday === s.deliveryWeekday && !rng.chance(MISSED_DELIVERY))) {
          let upcoming = 0;
          for (let k = 0; k < COVER_DAYS; k++) upcoming += demandOf(day + k);
          const units = upcoming * scale * s.size * MEAN_BASKET_LINES * MEAN_QTY;
          stock.deliver(si, units, shelf.weights, shelf.total);
        }
        if (profile.closed || shelf.total <= 0 || !roster.open(si, day, profile.weekday, month)) continue;

        const planned = scale * s.size * profile.demand;
        expectedSoFar += (planned * MEAN_BASKET_LINES) / (1 - RETURN_SHARE);
        const n = rng.roundStochastic(planned * correction * Math.exp(0.15 * rng.normal() - 0.01125));
        const linesBefore = buf.nl;
        for (let k = 0; k < n; k++) {
          const second = drawSecond(profile, rng.next(), rng.next());
          const seller = roster.pick(rng);
          const f = rng.next();
          const format = f < DATE_ONLY_SHARE ? 1 : f < DATE_ONLY_SHARE + ISO_SHARE ? 2 : 0;
          const size = basketSize(rng.next());
          lineBasket = buf.basket(second, si, seller, format);
          lineDay = day;
          lineStore = si;
          lineSeller = seller;
          fillBasket(rng, shelf, stock, si, size, addLine);
          buf.dropEmptyLast();
        }

        // Returns of earlier sales, by the same seller, with a new transaction.
        const returns = rng.roundStochastic(((buf.nl - linesBefore) * RETURN_SHARE) / (1 - RETURN_SHARE));
        for (let k = 0; k < returns; k++) {
          const r = ring.draw(rng, si, day, (e) => {
            const employee = network.employees[e];
            return employee !== undefined && isEmployedOn(employee, day);
          });
          if (!r) continue;
          const b = buf.basket(drawSecond(profile, rng.next(), rng.next()), si, r.seller, 0);
          buf.line(b, r.prod, -r.units, r.price);
          stock.give(si, r.prod, r.units);
        }
      }
      producedSoFar += buf.nl;

      // The day's baskets in time order; transaction numbers follow that order in each store.
      const dateStr = isoDate(day);
      offsets.fill(undefined);
      const order = buf.byTime();
      for (let k = 0; k < order.length; k++) {
        const b = order[k] as number;
        const second = buf.time[b] as number;
        const si = buf.store[b] as number;
        const seller = buf.seller[b] as number;
        const txn = (txnCounter[si] as number) + 1;
        txnCounter[si] = txn;
        let data: string;
        if (buf.format[b] === 0) data = `${dateStr} ${clockTime(second)}`;
        else if (buf.format[b] === 1) data = dateStr;
        else {
          const hour = Math.floor(second / 3600);
          const off =
            offsets[hour] ??
            (offsets[hour] = DateTime.fromObject(
              { year: date.year, month: date.month, day: date.day, hour },
              { zone: input.timeZone },
            ).toFormat("ZZ"));
          data = `${dateStr}T${clockTime(second)}${off}`;
        }
        const sCode = storeCode[si] as string;
        const eCode = sellerCode[seller] as string;
        const txnStr = String(txn);
        const start = buf.lineStart[b] as number;
        const end = start + (buf.lineCount[b] as number);
        baskets++;
        for (let l = start; l < end; l++) {
          const p = buf.prod[l] as number;
          const q = buf.qty[l] as number;
          const price = buf.price[l] as number;
          writer.line(
            data,
            eCode,
            sCode,
            txnStr,
            String(q),
            prodCode[p] as string,
            shelf.priceText(p, price),
          );
          const cents = q * price;
          revenueCents += cents;
          sellerMonthCents[seller * months + month] =
            (sellerMonthCents[seller * months + month] as number) + cents;
          storeMonthCents[si * months + month] = (storeMonthCents[si * months + month] as number) + cents;
          if (q > 0) saleLines++;
          else returnLines++;
        }
        if ((k & 1023) === 1023) await writer.maybeFlush();
      }
      await writer.maybeFlush();

      // Closing stock of the day.
      let stockText = "";
      let stockRows = 0;
      for (const s of network.stores) {
        if (day < s.inauguration) continue;
        for (const p of tracked) {
          const units = stock.get(s.index, p);
          if (units <= 0 && (shelf.weights[p] as number) <= 0) continue;
          stockText += `${dateStr},${s.code},${prodCode[p]},${units}\n`;
          stockRows++;
        }
      }
      stockFile.clean(stockText, stockRows);
      await stockFile.maybeFlush();
      onDay?.(writer.cleanLines, day);
    }
  } catch (err) {
    await writer.abort();
    await stockFile.abort();
    throw err;
  }
  const files = await writer.close();
  files.push(await stockFile.close());
  return {
    files,
    firstMonth,
    months,
    sellerMonthCents,
    storeMonthCents,
    baskets,
    saleLines,
    returnLines,
    revenueCents,
  };
}
