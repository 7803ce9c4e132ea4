/**
 * Options of the dataset generator, their defaults and validation (zod). Months are `YYYY-MM`;
 * the dataset covers the first day of `from` to the last day of `to`.
 */
import { z } from "zod";
import { daysInMonth, epochDay, parseYearMonth } from "./civil-date.ts";
import type { DatasetWindow } from "./catalog.ts";

/** What can be asked of the generator. */
export interface GeneratorOptions {
  /** Seed of every random stream (same seed → byte-identical files). */
  readonly seed: number;
  /** First month, `YYYY-MM` (2001-01 or later). */
  readonly from: string;
  /** Last month, `YYYY-MM`. */
  readonly to: string;
  readonly stores: number;
  /** Vendedor positions per store (plus one gerente). */
  readonly sellersPerStore: number;
  readonly products: number;
  /** Approximate number of clean transaction lines in total. */
  readonly lines: number;
  /** Dirty transaction rows per clean row (0–1), plus a few bad reference rows when > 0. */
  readonly dirtyRate: number;
  /** Most popular products whose daily stock is written (0 = none; ≥ products = all). */
  readonly stockProducts: number;
  /** Business time zone (ISO-8601 offsets of `data`). */
  readonly timeZone: string;
}

/** Defaults: one year (2024), 10 stores × 6 sellers, 200 products, 100 000 lines, clean. */
export const DEFAULT_OPTIONS: GeneratorOptions = {
  seed: 42,
  from: "2024-01",
  to: "2024-12",
  stores: 10,
  sellersPerStore: 6,
  products: 200,
  lines: 100_000,
  dirtyRate: 0,
  stockProducts: 50,
  timeZone: "America/Sao_Paulo",
};

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const month = z.string().regex(MONTH, "must be a month YYYY-MM");

const schema = z
  .object({
    seed: z.number().int("must be a whole number").min(0).max(Number.MAX_SAFE_INTEGER),
    from: month,
    to: month,
    stores: z.number().int().min(1, "must be at least 1").max(5000),
    sellersPerStore: z.number().int().min(1, "must be at least 1").max(60),
    products: z.number().int().min(1, "must be at least 1").max(499_999),
    lines: z.number().int().min(0).max(2_000_000_000),
    dirtyRate: z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1"),
    stockProducts: z.number().int().min(0),
    timeZone: z.string().min(1),
  })
  .superRefine((o, ctx) => {
    if (!MONTH.test(o.from) || !MONTH.test(o.to)) return; // reported above
    if (o.from < "2001-01")
      ctx.addIssue({
        code: "custom",
        path: ["from"],
        message: "must be 2001-01 or later (histories start a year before)",
      });
    if (o.from > o.to) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
    else if (parseYearMonth(o.to) - parseYearMonth(o.from) >= 360)
      ctx.addIssue({ code: "custom", path: ["to"], message: "must be at most 30 years after from" });
  });

/** Options after validation, with the dataset's time window. */
export interface ResolvedOptions extends GeneratorOptions {
  readonly window: DatasetWindow;
}

/**
 * Merges options over the defaults and validates them.
 *
 * @throws Error listing every invalid option
 */
export function resolveOptions(partial: Partial<GeneratorOptions> = {}): ResolvedOptions {
  const merged = { ...DEFAULT_OPTIONS, ...partial };
  const parsed = schema.safeParse(merged);
  if (!parsed.success)
    throw new Error(
      `Invalid generator options:\n  - ${parsed.error.issues.map((i) => `${i.path.join(".") || "options"} ${i.message}`).join("\n  - ")}`,
    );
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: merged.timeZone });
  } catch {
    throw new Error(
      `Invalid generator options:\n  - timeZone must be an IANA time zone, got ${merged.timeZone}`,
    );
  }
  const from = parseYearMonth(merged.from);
  const to = parseYearMonth(merged.to);
  const toYear = Math.floor(to / 12);
  const toMonth = (to % 12) + 1;
  const firstDay = epochDay(Math.floor(from / 12), (from % 12) + 1, 1);
  return {
    ...merged,
    window: {
      historyStart: epochDay(Math.floor(from / 12) - 1, 1, 1),
      firstDay,
      lastDay: epochDay(toYear, toMonth, daysInMonth(toYear, toMonth)),
    },
  };
}
