/**
 * Writes the transaction files, one per year (`transactions_YYYY.csv`) or by name (the live
 * simulator's small files), line by line on the hot path, and mixes in dirty rows at the
 * configured rate. Dirty rows come from their own random stream per file and are extra lines, so
 * the clean lines are identical whatever the rate.
 */
import { DIRTY_TXN_BASE, DirtyDeck, dirtyTransaction } from "./dirty-rows.ts";
import { CsvFileWriter } from "./csv-file-writer.ts";
import { createRng, type Rng } from "./prng.ts";
import type { DatasetSink } from "./sink.ts";
import { TRANSACTION_DIRTY_CLASSES, type FileSummary, type TransactionDirtyClass } from "./summary.ts";

/** Header of the transaction files. */
export const TRANSACTION_HEADER = "data,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco";

const RECENT = 32;

/** Writes transaction files (`transactions_YYYY.csv`, …) in sequence. */
export class TransactionWriter {
  private current: CsvFileWriter | undefined;
  private readonly done: FileSummary[] = [];
  private dirtyRng: Rng | undefined;
  private deck: DirtyDeck<TransactionDirtyClass> | undefined;
  private readonly recent: string[] = [];
  private recentNext = 0;
  private dirtyTxn = DIRTY_TXN_BASE;
  /** Clean lines written over all files. */
  cleanLines = 0;

  constructor(
    private readonly sink: DatasetSink,
    private readonly seed: number,
    private readonly dirtyRate: number,
  ) {}

  /** Closes the current file (if any) and starts the one of `year`. */
  async startYear(year: number): Promise<void> {
    await this.startFile(`transactions_${year}.csv`);
  }

  /** Closes the current file (if any) and starts one by name (its dirty rows get their own stream). */
  async startFile(name: string): Promise<void> {
    await this.closeCurrent();
    this.current = new CsvFileWriter(this.sink, name, ",", TRANSACTION_HEADER);
    this.dirtyRng = createRng(this.seed, `dirty:${name}`);
    this.deck = new DirtyDeck(this.dirtyRng, TRANSACTION_DIRTY_CLASSES);
    this.recent.length = 0;
    this.recentNext = 0;
    this.dirtyTxn = DIRTY_TXN_BASE;
  }

  /** Writes one clean line (fields already formatted), maybe followed by a dirty line. */
  line(
    data: string,
    seller: string,
    store: string,
    txn: string,
    qty: string,
    prod: string,
    price: string,
  ): void {
    const w = this.current as CsvFileWriter;
    const text = `${data},${seller},${store},${txn},${qty},${prod},${price}\n`;
    w.clean(text);
    this.cleanLines++;
    if (this.dirtyRate <= 0) return;
    if (this.recent.length < RECENT) this.recent.push(text);
    else this.recent[this.recentNext] = text;
    this.recentNext = (this.recentNext + 1) % RECENT;
    const rng = this.dirtyRng as Rng;
    if (rng.next() >= this.dirtyRate) return;
    const cls = (this.deck as DirtyDeck<TransactionDirtyClass>).next();
    this.dirtyTxn++;
    w.dirty(
      dirtyTransaction(
        rng,
        cls,
        { data, seller, store, qty, prod, price },
        String(this.dirtyTxn),
        this.recent,
      ),
      cls,
    );
  }

  /** Lets the current file flush when its buffer is large. */
  async maybeFlush(): Promise<void> {
    await this.current?.maybeFlush();
  }

  /** Closes the last file and returns the summaries of all files written. */
  async close(): Promise<FileSummary[]> {
    await this.closeCurrent();
    return [...this.done];
  }

  /** Abandons the current file after a failure. */
  async abort(): Promise<void> {
    await this.current?.abort();
    this.current = undefined;
  }

  private async closeCurrent(): Promise<void> {
    if (!this.current) return;
    const w = this.current;
    this.current = undefined;
    this.done.push(await w.close());
  }
}
