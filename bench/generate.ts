/**
 * `npm run bench:generate [-- <lines>]` — how fast the dataset generator writes transaction lines.
 *
 * Writes a one-year dataset of 10 000 000 clean transaction lines (50 stores × 6 sellers, 500
 * products, daily stock of the 50 most popular) into a temporary folder, then prints the elapsed
 * time, clean transaction lines per second, bytes written and the peak resident memory (RSS), and
 * deletes the files. A first argument overrides the number of lines.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDataset } from "../generator/generate-dataset.ts";
import { createDirectorySink } from "../generator/sink.ts";

const lines = Number(process.argv[2] ?? 10_000_000);
const dir = mkdtempSync(join(tmpdir(), "vitrine-bench-generate-"));

async function main(): Promise<void> {
  console.log(`generator bench: ${lines.toLocaleString("en-US")} transaction lines into ${dir}`);
  let peakRss = 0;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 250);
  const t0 = performance.now();
  try {
    const summary = await generateDataset(
      {
        seed: 1,
        from: "2024-01",
        to: "2024-12",
        stores: 50,
        sellersPerStore: 6,
        products: 500,
        lines,
        stockProducts: 50,
      },
      createDirectorySink(dir),
    );
    const seconds = (performance.now() - t0) / 1000;
    const tx = summary.files.filter((f) => f.name.startsWith("transactions_"));
    const txLines = tx.reduce((a, f) => a + f.dataLines, 0);
    const bytes = summary.files.reduce((a, f) => a + f.bytes, 0);
    peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
    console.log(`transaction lines   ${txLines.toLocaleString("en-US")}`);
    console.log(
      `all files           ${(bytes / 1e6).toFixed(0)} MB (daily_stock ${summary.files.find((f) => f.name === "daily_stock.csv")?.dataLines.toLocaleString("en-US")} rows)`,
    );
    console.log(`elapsed             ${seconds.toFixed(1)} s`);
    console.log(
      `throughput          ${Math.round(txLines / seconds).toLocaleString("en-US")} transaction lines/s`,
    );
    console.log(`peak RSS            ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    clearInterval(sample);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
