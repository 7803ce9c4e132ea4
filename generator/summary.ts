/**
 * What `generateDataset` reports: per file the data lines written (header excluded) and the dirty
 * lines by class, plus figures of the simulation (baskets, returns, target attainment). Connector
 * tests compare their dead-letter counts with `dirtyByClass`.
 */

/** Dirty classes of transaction rows (DESIGN §5), named as the connector's reject reasons. */
export const TRANSACTION_DIRTY_CLASSES = [
  "column_count",
  "bad_quoting",
  "missing_field",
  "not_numeric",
  "quantity_out_of_range",
  "price_out_of_range",
  "bad_date",
  "date_out_of_range",
  "duplicate",
] as const;

/** A dirty class of transaction rows. */
export type TransactionDirtyClass = (typeof TRANSACTION_DIRTY_CLASSES)[number];

/** Dirty classes of reference rows: bad CPF, bad status/role, bad month, non-numeric money. */
export const REFERENCE_DIRTY_CLASSES = ["bad_cpf", "bad_value", "bad_month", "not_numeric"] as const;

/** A dirty class of reference rows. */
export type ReferenceDirtyClass = (typeof REFERENCE_DIRTY_CLASSES)[number];

/** Any dirty class. */
export type DirtyClass = TransactionDirtyClass | ReferenceDirtyClass;

/** One written file. */
export interface FileSummary {
  /** Base name, e.g. `transactions_2024.csv`. */
  readonly name: string;
  readonly delimiter: "," | ";";
  /** Lines after the header (clean + dirty). */
  readonly dataLines: number;
  readonly cleanLines: number;
  readonly dirtyLines: number;
  /** Dirty lines per class (classes with none are absent). */
  readonly dirtyByClass: Partial<Record<DirtyClass, number>>;
  /** Size in bytes (UTF-8). */
  readonly bytes: number;
}

/** Distribution of monthly attainment (revenue / target). */
export interface AttainmentStats {
  readonly count: number;
  readonly min: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly max: number;
  /** Share of months at or above 100 % (multiplier 1.25 or more). */
  readonly atOrAbove100: number;
  /** Share of months at or above 120 % (multiplier 1.50). */
  readonly atOrAbove120: number;
}

/** The result of a generation. */
export interface DatasetSummary {
  /** Where the files are (folder or `s3://bucket/prefix/`). */
  readonly location: string;
  readonly seed: number;
  /** First and last day of the sales, `YYYY-MM-DD`. */
  readonly firstDay: string;
  readonly lastDay: string;
  /** In the order they were completed. */
  readonly files: readonly FileSummary[];
  readonly stores: number;
  readonly employees: number;
  readonly products: number;
  /** Distinct (cod_loja, cod_transacao) of clean lines, returns included. */
  readonly baskets: number;
  /** Clean transaction lines with quantidade > 0 and < 0. */
  readonly saleLines: number;
  readonly returnLines: number;
  /** Net clean revenue, Σ quantidade × preco, in cents. */
  readonly revenueCents: number;
  /** Seller-month attainment over vendedor months with sales. */
  readonly sellerAttainment: AttainmentStats;
  /** Store-month attainment. */
  readonly storeAttainment: AttainmentStats;
  readonly durationMs: number;
}
