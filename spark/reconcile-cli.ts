/**
 * `npm run reconcile -- --from YYYY-MM --to YYYY-MM [--prefix incoming/] [--master URL] [--plan FILE] [--keep]`
 *
 * Backfills the range into a scratch database and compares it, per seller and day, with the live
 * database: prints every difference and exits 1 when there is one (0 when stream and backfill agree).
 */
import { Command } from "commander";
import { loadConfig } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { DEFAULT_PLAN, loadPlan } from "../processors/domain/commission-plan.ts";
import { reconcile } from "./reconcile.ts";

async function main(): Promise<void> {
  const opts = new Command("reconcile")
    .description("compare backfill-derived and stream-derived figures per seller and day")
    .requiredOption("--from <YYYY-MM>", "first month")
    .requiredOption("--to <YYYY-MM>", "last month")
    .option("--prefix <prefix>", "bucket prefix of the partner files", "incoming/")
    .option("--master <url>", "Spark master URL", "local[*]")
    .option("--plan <file>", "commission plan (JSON); default: the built-in plan")
    .option("--keep", "keep the scratch database")
    .parse()
    .opts<{ from: string; to: string; prefix: string; master: string; plan?: string; keep?: boolean }>();
  const config = loadConfig(process.env);
  const r = await reconcile(config, {
    from: opts.from,
    to: opts.to,
    prefix: opts.prefix,
    master: opts.master,
    keep: opts.keep,
    plan: opts.plan ? loadPlan(opts.plan) : DEFAULT_PLAN,
    onProgress: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  for (const d of r.differences)
    console.log(`DIFF ${d.day} seller ${d.sellerId} ${d.figure}: stream ${d.live} ≠ backfill ${d.backfill}`);
  console.log(
    `\n${r.rows} seller-days compared (${config.clickhouse.database} vs ${r.scratch}${opts.keep ? ", kept" : ""}): ${
      r.differences.length === 0 ? "stream and backfill agree" : `${r.differences.length} difference(s)`
    }`,
  );
  if (r.differences.length > 0) process.exit(1);
}

runMain(main);
