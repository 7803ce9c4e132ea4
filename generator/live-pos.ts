/**
 * The live point-of-sale simulator: keeps writing the sales of "now" into the bucket as small
 * transaction files, for the demo and the latency benchmarks. Every `batchMs` it writes one object
 * `transactions_live_<YYYYMMDDTHHMMSS>_<seq>.csv` (the partner's transaction header) holding the
 * baskets sold during that interval, at `rate` sale lines per second on average (Poisson
 * arrivals).
 *
 * The chain is the history generator's: `buildReferenceModel` with the same seed, window
 * (`from`/`to`), stores, sellers and products gives the same store codes, seller ids (with their
 * store), products, list prices, active periods and cross-sell partners as `generateDataset`, and
 * baskets are drawn by the same code (`basket.ts`, `ProductShelf`, `StaffRoster`). Only the
 * clock differs: sales happen on the business day of the wall clock, with the reference data as
 * the files describe it on that day — when the window ends before today, the open periods the
 * files end with (employees without `end_date`, the last `sku_price` and status periods) simply
 * continue, which is what the pipeline reads from the same files.
 *
 * `cod_transacao` of live baskets is derived from time: max(previous + 1, sale epoch ms × 100) —
 * 15 digits today, far above the history's per-store counters and the dirty range (9 000 000 001
 * up), increasing, and unique across runs that do not overlap in time.
 *
 * @example
 *   const ac = new AbortController();
 *   const sink = createS3Sink(s3, config.s3.bucket, "incoming/live/");
 *   const summary = await runLivePos({ seed: 42, rate: 5, signal: ac.signal }, { sink });
 */
import { setTimeout as delay } from "node:timers/promises";
import { DateTime } from "luxon";
import { z } from "zod";
import { basketSize, fillBasket, MEAN_BASKET_LINES } from "./basket.ts";
import { dayProfile } from "./calendar.ts";
import { civil, clockTime, isoDate, monthIndex, weekday } from "./civil-date.ts";
import type { TransactionTemplate } from "./dirty-rows.ts";
import { resolveOptions, type GeneratorOptions, type ResolvedOptions } from "./options.ts";
import { ProductShelf } from "./product-shelf.ts";
import { createRng, type Rng } from "./prng.ts";
import { buildReferenceModel, type ReferenceModel } from "./reference-model.ts";
import type { DatasetSink } from "./sink.ts";
import type { FileSummary } from "./summary.ts";
import { StaffRoster } from "./staff-roster.ts";
import { StockLedger } from "./stock-ledger.ts";
import { TransactionWriter } from "./transaction-writer.ts";

/** Options of the model the live sales come from (those of `generateDataset` that shape it). */
export type LiveModelOptions = Partial<
  Pick<
    GeneratorOptions,
    "seed" | "from" | "to" | "stores" | "sellersPerStore" | "products" | "dirtyRate" | "timeZone"
  >
>;

/** Options of `runLivePos`. */
export interface LivePosOptions extends LiveModelOptions {
  /** Sale lines per second, on average (default 5). */
  readonly rate?: number;
  /** One file per interval of this many milliseconds (default 1000). */
  readonly batchMs?: number;
  /** Stop after this many intervals (default: no limit). */
  readonly maxIntervals?: number;
  /** Stop once this much time is covered: ⌈durationMs / batchMs⌉ intervals (default: no limit). */
  readonly durationMs?: number;
  /** Stop when aborted (the interval in progress is not written). */
  readonly signal?: AbortSignal;
}

/** What `runLivePos` needs from outside. */
export interface LivePosDeps {
  /** Where the files go, e.g. `createS3Sink(s3, bucket, "incoming/live/")`. */
  readonly sink: DatasetSink;
  /** Wall clock in epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Waits `ms` or until the signal aborts (default: a timer). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called after each file is stored. */
  readonly onFile?: (file: LiveFileReport) => void;
}

/** One file written. */
export interface LiveFileReport {
  /** Base name, e.g. `transactions_live_20261129T143000_000001.csv`. */
  readonly name: string;
  /** 1, 2, … in this run (files written, not intervals). */
  readonly seq: number;
  /** Clean sale lines. */
  readonly lines: number;
  /** Dirty lines (with `dirtyRate`). */
  readonly dirtyLines: number;
  readonly baskets: number;
  /** Interval covered, epoch ms: [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
}

/** What a run wrote. */
export interface LivePosSummary {
  /** Sink location, e.g. `s3://vitrine/incoming/live/`. */
  readonly location: string;
  /** Intervals covered (each ≥ 1 file or, without a sale, none). */
  readonly intervals: number;
  readonly files: number;
  /** Clean sale lines (what the connector accepts). */
  readonly lines: number;
  readonly dirtyLines: number;
  readonly baskets: number;
  /** Epoch ms of the first interval's start and the last one's end. */
  readonly fromMs: number;
  readonly toMs: number;
}

/** One sale line, its fields as written. */
export interface LiveLine extends TransactionTemplate {
  readonly txn: string;
}

/** The baskets of one interval. */
export interface LiveBatch {
  /** In time order, a basket's lines together. */
  readonly lines: readonly LiveLine[];
  readonly baskets: number;
}

/** `cod_transacao` = max(previous + 1, epoch ms × this). */
export const LIVE_TXN_PER_MS = 100;

/** Upper bound of `rate` (keeps `cod_transacao` close to the clock, see `LIVE_TXN_PER_MS`). */
export const MAX_LIVE_RATE = 100_000;

const DEFAULT_RATE = 5;
const DEFAULT_BATCH_MS = 1000;
const MS_PER_DAY = 86_400_000;
/** Zone offsets only change on a quarter hour (UTC), so one lookup per quarter hour is exact. */
const QUARTER_HOUR_MS = 900_000;
/** Units a daily delivery plans for: the live shelves never run empty. */
const UNLIMITED_UNITS = 1e9;

const liveSchema = z.object({
  rate: z.number().min(0).max(MAX_LIVE_RATE, `must be at most ${MAX_LIVE_RATE}`),
  batchMs: z.number().int("must be a whole number").min(10).max(3_600_000),
  maxIntervals: z.number().int().min(0).optional(),
  durationMs: z.number().min(0).optional(),
});

/**
 * The live sales of a reference model on the wall clock's business day: a store drawn by size,
 * a seller of that store working today, a basket by the history's rules, list prices of today.
 * The baskets of an interval depend on the seed, the options and the interval alone, their
 * `cod_transacao` also on the last one of the previous interval.
 */
export class LiveSales {
  readonly options: ResolvedOptions;
  readonly model: ReferenceModel;
  private shelf: ProductShelf;
  private readonly roster: StaffRoster;
  private readonly stock: StockLedger;
  private readonly firstMonth: number;
  private readonly months: number;
  private readonly baseYear: number;
  private readonly offsets = new Map<number, number>();
  private day = Number.NaN;
  private weekday = 0;
  private month = 0;
  private dayText = "";
  /** Stores that can sell today and their cumulative sizes. */
  private openStores: number[] = [];
  private openCum: number[] = [];
  private lastTxn = 0;
  private readonly prodCode: readonly string[];
  private readonly storeCode: readonly string[];
  private readonly sellerCode: readonly string[];

  /** @throws Error on invalid options */
  constructor(options: LiveModelOptions = {}) {
    this.options = resolveOptions(options);
    this.model = buildReferenceModel(this.options);
    const w = this.options.window;
    this.firstMonth = monthIndex(w.firstDay);
    this.months = monthIndex(w.lastDay) - this.firstMonth + 1;
    this.baseYear = civil(w.firstDay).year;
    this.shelf = new ProductShelf(this.model.catalog, this.model.prices);
    // Same stream and layout as the history, so a seller's monthly form is the same.
    this.roster = new StaffRoster(
      this.model.network,
      createRng(this.options.seed, "performance"),
      this.months,
    );
    this.stock = new StockLedger(this.model.network.stores.length, this.model.catalog.products.length);
    this.prodCode = this.model.catalog.products.map((p) => p.code);
    this.storeCode = this.model.network.stores.map((s) => s.code);
    this.sellerCode = this.model.network.employees.map((e) => e.id);
  }

  /** Business day (epoch day) and second of the day of an instant, in the business zone. */
  localTime(ms: number): { day: number; second: number } {
    const block = Math.floor(ms / QUARTER_HOUR_MS);
    let offset = this.offsets.get(block);
    if (offset === undefined) {
      offset = DateTime.fromMillis(block * QUARTER_HOUR_MS, { zone: this.options.timeZone }).offset;
      if (this.offsets.size > 10_000) this.offsets.clear();
      this.offsets.set(block, offset);
    }
    const local = ms + offset * 60_000;
    const day = Math.floor(local / MS_PER_DAY);
    return { day, second: Math.floor((local - day * MS_PER_DAY) / 1000) };
  }

  /**
   * Checks that the model can sell at an instant: its business day must not be before the
   * window's first day (the people and prices of earlier days are not modelled).
   *
   * @throws Error naming the day and the window
   */
  assertCovers(ms: number): void {
    const { day } = this.localTime(ms);
    if (day < this.options.window.firstDay)
      throw new Error(
        `live day ${isoDate(day)} is before the model's first month ${this.options.from}: pass --from/--to that include it (or end before it)`,
      );
  }

  /**
   * The baskets sold in [fromMs, toMs) at `rate` lines per second (Poisson arrivals of baskets at
   * rate / mean basket size), in time order, stamped `YYYY-MM-DD HH:MM:SS` in the business zone.
   * Deterministic: the draws come from the stream `live:<fromMs>` of the seed.
   *
   * @throws Error when the interval starts before the model's window
   */
  batch(fromMs: number, toMs: number, rate: number): LiveBatch {
    this.assertCovers(fromMs);
    const rng = createRng(this.options.seed, `live:${fromMs}`);
    const basketsPerMs = rate / MEAN_BASKET_LINES / 1000;
    const lines: LiveLine[] = [];
    let baskets = 0;
    if (!(basketsPerMs > 0)) return { lines, baskets };
    if (!Number.isNaN(this.day)) this.restock(); // what earlier intervals sold does not count
    let basket = { data: "", seller: "", store: "", txn: "" };
    const addLine = (p: number, q: number): void => {
      const price = this.shelf.priceText(p, this.shelf.price(p));
      lines.push({ ...basket, qty: String(q), prod: this.prodCode[p] as string, price });
    };
    for (let t = fromMs + gap(rng, basketsPerMs); t < toMs; t += gap(rng, basketsPerMs)) {
      const ms = Math.floor(t);
      const { day, second } = this.localTime(ms);
      this.moveTo(day);
      if (this.openStores.length === 0 || this.shelf.total <= 0) continue;
      const store = this.pickStore(rng);
      this.roster.open(store, day, this.weekday, this.month);
      const seller = this.roster.pick(rng);
      const txn = Math.max(this.lastTxn + 1, ms * LIVE_TXN_PER_MS);
      basket = {
        data: `${this.dayText} ${clockTime(second)}`,
        seller: this.sellerCode[seller] as string,
        store: this.storeCode[store] as string,
        txn: String(txn),
      };
      if (fillBasket(rng, this.shelf, this.stock, store, basketSize(rng.next()), addLine) === 0) continue;
      this.lastTxn = txn;
      baskets++;
    }
    return { lines, baskets };
  }

  /** Moves the shelf, stock and roster to a business day (back in time rebuilds the shelf). */
  private moveTo(day: number): void {
    if (day === this.day) return;
    if (day < this.day) this.shelf = new ProductShelf(this.model.catalog, this.model.prices);
    this.day = day;
    this.dayText = isoDate(day);
    this.weekday = weekday(day);
    // Beyond the window, sellers keep the form of its last month.
    this.month = Math.max(0, Math.min(this.months - 1, monthIndex(day) - this.firstMonth));
    this.shelf.update(day, dayProfile(day, this.baseYear));
    this.openStores = [];
    this.openCum = [];
    let total = 0;
    this.restock();
    for (const s of this.model.network.stores) {
      if (s.inauguration > day || !this.roster.open(s.index, day, this.weekday, this.month)) continue;
      total += s.size;
      this.openStores.push(s.index);
      this.openCum.push(total);
    }
  }

  /** Fills every shelf (today's sellable products only). */
  private restock(): void {
    for (const s of this.model.network.stores)
      this.stock.deliver(s.index, UNLIMITED_UNITS, this.shelf.weights, this.shelf.total);
  }

  /** A store that can sell today, by size. */
  private pickStore(rng: Rng): number {
    const x = rng.next() * (this.openCum.at(-1) as number);
    let j = 0;
    while (j < this.openStores.length - 1 && (this.openCum[j] as number) <= x) j++;
    return this.openStores[j] as number;
  }
}

/** An exponential gap between arrivals, in ms. */
const gap = (rng: Rng, perMs: number): number => -Math.log(1 - rng.next()) / perMs;

/** `transactions_live_<YYYYMMDDTHHMMSS>_<seq>.csv` of an interval starting at a local time. */
export function liveFileName(local: { day: number; second: number }, seq: number): string {
  const stamp = `${isoDate(local.day).replaceAll("-", "")}T${clockTime(local.second).replaceAll(":", "")}`;
  return `transactions_live_${stamp}_${String(seq).padStart(6, "0")}.csv`;
}

const sleepUnlessAborted = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Writes live transaction files until `signal` aborts, `maxIntervals` intervals have passed or
 * `durationMs` is covered. Interval k is [start + (k − 1)·batchMs, start + k·batchMs); its file is
 * written once the clock has passed its end (immediately when writing fell behind). An interval
 * without a sale writes no file: a header-only object a second would only make the connector
 * list, read and checkpoint nothing.
 *
 * @throws Error on invalid options, a wall clock before the model's window, or a storage failure
 */
export async function runLivePos(options: LivePosOptions, deps: LivePosDeps): Promise<LivePosSummary> {
  const parsed = liveSchema.safeParse({
    rate: options.rate ?? DEFAULT_RATE,
    batchMs: options.batchMs ?? DEFAULT_BATCH_MS,
    maxIntervals: options.maxIntervals,
    durationMs: options.durationMs,
  });
  if (!parsed.success)
    throw new Error(
      `Invalid live options:\n  - ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("\n  - ")}`,
    );
  const { rate, batchMs, maxIntervals, durationMs } = parsed.data;
  const sales = new LiveSales(options);
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? sleepUnlessAborted;
  const { signal } = options;
  const start = now();
  sales.assertCovers(start);

  let intervals = 0;
  let files = 0;
  let lines = 0;
  let dirtyLines = 0;
  let baskets = 0;
  for (;;) {
    const fromMs = start + intervals * batchMs;
    const toMs = fromMs + batchMs;
    if (signal?.aborted || (maxIntervals !== undefined && intervals >= maxIntervals)) break;
    if (durationMs !== undefined && fromMs >= start + durationMs) break;
    const wait = toMs - now();
    if (wait > 0) await sleep(wait, signal);
    if (signal?.aborted) break;

    const batch = sales.batch(fromMs, toMs, rate);
    intervals++;
    if (batch.lines.length === 0) continue;
    const seq = files + 1;
    const name = liveFileName(sales.localTime(fromMs), seq);
    const writer = new TransactionWriter(deps.sink, sales.options.seed, sales.options.dirtyRate);
    let written: FileSummary | undefined;
    try {
      await writer.startFile(name);
      for (const l of batch.lines) writer.line(l.data, l.seller, l.store, l.txn, l.qty, l.prod, l.price);
      [written] = await writer.close();
    } catch (err) {
      await writer.abort();
      throw err;
    }
    files = seq;
    lines += written?.cleanLines ?? 0;
    dirtyLines += written?.dirtyLines ?? 0;
    baskets += batch.baskets;
    deps.onFile?.({
      name,
      seq,
      lines: written?.cleanLines ?? 0,
      dirtyLines: written?.dirtyLines ?? 0,
      baskets: batch.baskets,
      fromMs,
      toMs,
    });
  }
  return {
    location: deps.sink.location,
    intervals,
    files,
    lines,
    dirtyLines,
    baskets,
    fromMs: start,
    toMs: start + intervals * batchMs,
  };
}
