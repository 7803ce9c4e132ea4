/**
 * `npm run generate -- [options]` — writes a deterministic dataset of the partner's files for a
 * fictional chain into a folder (`--out`) or straight into the configured bucket
 * (`--bucket-prefix`), with a progress bar and a final summary. See generator/README.md.
 */
import { Command, Option } from "commander";
import { SingleBar } from "cli-progress";
import { loadConfig } from "../lib/config/config.ts";
import { createS3, ensureBucket } from "../lib/s3/s3-client.ts";
import { addModelOptions, fraction, integer, type ModelCliOptions } from "./cli-options.ts";
import { generateDataset } from "./generate-dataset.ts";
import { DEFAULT_OPTIONS, type GeneratorOptions } from "./options.ts";
import { createS3Sink } from "./s3-sink.ts";
import { createDirectorySink, type DatasetSink } from "./sink.ts";
import type { DatasetSummary } from "./summary.ts";

/** Renders the summary as a plain-text table. */
export function formatSummary(s: DatasetSummary): string {
  const rows = s.files.map((f) => {
    const dirty = Object.entries(f.dirtyByClass)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    return `  ${f.name.padEnd(32)} ${String(f.dataLines).padStart(11)} ${String(f.dirtyLines).padStart(8)}  ${dirty}`;
  });
  const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
  const a = s.sellerAttainment;
  return [
    `dataset in ${s.location}  (seed ${s.seed}, ${s.firstDay} … ${s.lastDay})`,
    `  ${"file".padEnd(32)} ${"data lines".padStart(11)} ${"dirty".padStart(8)}  dirty by class`,
    ...rows,
    `stores ${s.stores}, employees ${s.employees}, products ${s.products}; baskets ${s.baskets}, sale lines ${s.saleLines}, returns ${s.returnLines}, revenue R$ ${(s.revenueCents / 100).toFixed(2)}`,
    `seller attainment over ${a.count} months: p10 ${pct(a.p10)}, median ${pct(a.p50)}, p90 ${pct(a.p90)} (min ${pct(a.min)}, max ${pct(a.max)}); ≥100% ${pct(a.atOrAbove100)}, ≥120% ${pct(a.atOrAbove120)}`,
    `done in ${(s.durationMs / 1000).toFixed(1)} s`,
  ].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const program = addModelOptions(
    new Command()
      .name("generate")
      .description(
        "Generate the partner's CSV files for a fictional cosmetics chain (deterministic by seed).",
      ),
    { from: "first month", to: "last month" },
  )
    .option(
      "--lines <n>",
      "approximate number of clean transaction lines in total",
      integer("--lines"),
      DEFAULT_OPTIONS.lines,
    )
    .option(
      "--dirty-rate <r>",
      "dirty transaction rows per clean row, 0..1 (and a few bad reference rows)",
      fraction,
      DEFAULT_OPTIONS.dirtyRate,
    )
    .option(
      "--stock-products <n>",
      "most popular products written to daily_stock.csv",
      integer("--stock-products"),
      DEFAULT_OPTIONS.stockProducts,
    )
    .addOption(new Option("--out <dir>", "write the files into this folder").conflicts("bucketPrefix"))
    .option(
      "--bucket-prefix <prefix>",
      "stream the files into the configured S3 bucket under this prefix, e.g. incoming/2024/",
    )
    .option("--json", "print the summary as JSON instead of a table")
    .option("--no-progress", "no progress bar");
  program.parse(argv);
  const o = program.opts<
    ModelCliOptions & {
      lines: number;
      dirtyRate: number;
      stockProducts: number;
      out?: string;
      bucketPrefix?: string;
      json?: boolean;
      progress: boolean;
    }
  >();
  if (o.out === undefined && o.bucketPrefix === undefined)
    program.error("error: give --out <dir> or --bucket-prefix <prefix>");
  const config = loadConfig(process.env);
  let sink: DatasetSink;
  if (o.bucketPrefix !== undefined) {
    const s3 = createS3(config.s3);
    await ensureBucket(s3, config.s3.bucket);
    sink = createS3Sink(s3, config.s3.bucket, o.bucketPrefix);
  } else sink = createDirectorySink(o.out as string);

  const options: GeneratorOptions = {
    seed: o.seed,
    from: o.from,
    to: o.to,
    stores: o.stores,
    sellersPerStore: o.sellersPerStore,
    products: o.products,
    lines: o.lines,
    dirtyRate: o.dirtyRate,
    stockProducts: o.stockProducts,
    timeZone: config.tzBusiness,
  };
  const bar = new SingleBar({
    format: "{bar} {percentage}% | {value}/{total} lines | {speed} lines/s | {day}",
    stream: process.stderr,
    hideCursor: true,
  });
  const started = performance.now();
  let barStarted = false;
  let lastLines = 0;
  const summary = await generateDataset(options, sink, (p) => {
    lastLines = p.lines;
    if (!o.progress) return;
    const speed = Math.round(p.lines / Math.max(0.001, (performance.now() - started) / 1000));
    if (!barStarted) {
      bar.start(Math.max(p.expectedLines, 1), 0, { speed: 0, day: p.day });
      barStarted = true;
    }
    bar.update(Math.min(p.lines, Math.max(p.expectedLines, p.lines)), { speed, day: p.day });
  }).finally(() => {
    if (!barStarted) return;
    bar.setTotal(Math.max(1, lastLines));
    bar.update(lastLines);
    bar.stop();
  });
  console.log(o.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
}

main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
