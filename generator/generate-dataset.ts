/**
 * The dataset generator's programmatic API: `generateDataset(options, sink)` writes every partner
 * file of DESIGN §4 for a fictional chain — reference files first, then the transactions (one
 * file per year) with the daily stock, then the targets (set from the simulated sales) — and
 * returns a summary with, per file, the data lines and the dirty lines by class.
 *
 * @example
 *   const summary = await generateDataset({ seed: 7, lines: 50_000 }, createDirectorySink("/tmp/ds"));
 *   summary.files.find((f) => f.name === "transactions_2024.csv")?.dirtyByClass;
 */
import { isoDate } from "./civil-date.ts";
import { writeCsvTable, type CsvSpec } from "./csv-table.ts";
import { referenceDirtyRows } from "./dirty-rows.ts";
import { resolveOptions, type GeneratorOptions } from "./options.ts";
import { createRng } from "./prng.ts";
import { buildReferenceModel } from "./reference-model.ts";
import {
  COST_SPEC,
  EMPLOYEE_SPEC,
  PRICE_SPEC,
  PRODUCT_SPEC,
  SELLER_TARGET_SPEC,
  STATUS_SPEC,
  STORE_SPEC,
  STORE_TARGET_SPEC,
  employeeRows,
  periodRows,
  productRows,
  statusRows,
  storeRows,
} from "./reference-rows.ts";
import { simulateSales } from "./sales-simulator.ts";
import type { DatasetSink } from "./sink.ts";
import type { DatasetSummary, FileSummary } from "./summary.ts";
import { buildTargets } from "./targets.ts";

/** Progress of a generation. */
export interface GenerationProgress {
  /** Clean transaction lines written so far. */
  readonly lines: number;
  /** Expected total (the `lines` option). */
  readonly expectedLines: number;
  /** Day being written, `YYYY-MM-DD`. */
  readonly day: string;
}

/**
 * Generates the dataset into a sink.
 *
 * @param options overrides of `DEFAULT_OPTIONS`
 * @param sink where the files go (`createDirectorySink`, `createS3Sink`)
 * @param onProgress called once per simulated day
 * @throws Error on invalid options or a storage failure
 */
export async function generateDataset(
  options: Partial<GeneratorOptions>,
  sink: DatasetSink,
  onProgress?: (p: GenerationProgress) => void,
): Promise<DatasetSummary> {
  const started = performance.now();
  const o = resolveOptions(options);
  const { catalog, network, prices, costs } = buildReferenceModel(o);

  const files: FileSummary[] = [];
  const table = async (spec: CsvSpec, rows: readonly (readonly string[])[]): Promise<void> => {
    const dirty = referenceDirtyRows(createRng(o.seed, `dirty:${spec.name}`), spec.name, rows, o.dirtyRate);
    files.push(await writeCsvTable(sink, spec, rows, dirty));
  };
  await table(STORE_SPEC, storeRows(network));
  await table(EMPLOYEE_SPEC, employeeRows(network));
  await table(PRODUCT_SPEC, productRows(catalog));
  await table(STATUS_SPEC, statusRows(catalog));
  await table(PRICE_SPEC, periodRows(catalog, prices));
  await table(COST_SPEC, periodRows(catalog, costs));

  const sales = await simulateSales(
    {
      seed: o.seed,
      lines: o.lines,
      dirtyRate: o.dirtyRate,
      timeZone: o.timeZone,
      stockProducts: o.stockProducts,
      window: o.window,
      catalog,
      network,
      prices,
    },
    sink,
    (lines, day) => onProgress?.({ lines, expectedLines: o.lines, day: isoDate(day) }),
  );
  files.push(...sales.files);

  const targets = buildTargets(
    createRng(o.seed, "targets"),
    network,
    sales.sellerMonthCents,
    sales.storeMonthCents,
    sales.firstMonth,
    sales.months,
    o.window.lastDay,
  );
  await table(SELLER_TARGET_SPEC, targets.sellerRows);
  await table(STORE_TARGET_SPEC, targets.storeRows);

  return {
    location: sink.location,
    seed: o.seed,
    firstDay: isoDate(o.window.firstDay),
    lastDay: isoDate(o.window.lastDay),
    files,
    stores: network.stores.length,
    employees: network.employees.length,
    products: catalog.products.length,
    baskets: sales.baskets,
    saleLines: sales.saleLines,
    returnLines: sales.returnLines,
    revenueCents: sales.revenueCents,
    sellerAttainment: targets.sellerAttainment,
    storeAttainment: targets.storeAttainment,
    durationMs: Math.round(performance.now() - started),
  };
}
