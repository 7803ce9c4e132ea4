/**
 * `npm run backfill -- --from YYYY-MM --to YYYY-MM [--master URL] [--prefix incoming/] [--force]
 * [--plan FILE] [--dead-letters s3a://…/]`
 *
 * Backfills whole months from the partner files in the bucket with the Spark job (provisioned on
 * first use), printing progress lines and a summary: months, lines accepted, dead letters by
 * reason, lines/s. Safe to re-run. Refuses months the stream is writing unless `--force`.
 */
import { Command } from "commander";
import { loadConfig } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { DEFAULT_PLAN, loadPlan } from "../processors/domain/commission-plan.ts";
import { backfill, type BackfillSummary } from "./backfill.ts";

export function printBackfillSummary(s: BackfillSummary): void {
  const months = Object.entries(s.months).sort(([a], [b]) => (a < b ? -1 : 1));
  const accepted = months.reduce((n, [, m]) => n + m.accepted, 0);
  console.log(
    `\nmonths replaced in ${s.database}: ${s.monthsReplaced.length} (${s.tables.length} tables each)`,
  );
  for (const m of s.monthsReplaced) {
    const c = s.months[m];
    console.log(`  ${m}  lines ${c?.accepted ?? 0}${c?.duplicate ? `  duplicates ${c.duplicate}` : ""}`);
  }
  const dead = Object.entries(s.deadLetters).sort((a, b) => b[1] - a[1]);
  const deadTotal = dead.reduce((n, [, v]) => n + v, 0);
  const dups = months.reduce((n, [, m]) => n + m.duplicate, 0);
  console.log(`files read: ${s.files}  rows read: ${s.rowsRead} (transactions ${s.transactionRows})`);
  console.log(`lines accepted (in range): ${accepted}  duplicates (in range): ${dups}`);
  console.log(`dead letters (all files read): ${deadTotal}  → ${s.deadLetterPath}`);
  for (const [reason, n] of dead) console.log(`  ${reason.padEnd(24)} ${n}`);
  const seconds = s.totalMs / 1000;
  console.log(
    `time: ${seconds.toFixed(1)} s (Spark job ${(s.ms / 1000).toFixed(1)} s)  ${Math.round(s.transactionRows / seconds)} transaction lines/s end to end`,
  );
}

async function main(): Promise<void> {
  const opts = new Command("backfill")
    .description("backfill whole months of silver and gold from the bucket with Spark")
    .requiredOption("--from <YYYY-MM>", "first month")
    .requiredOption("--to <YYYY-MM>", "last month")
    .option("--prefix <prefix>", "bucket prefix of the partner files", "incoming/")
    .option("--master <url>", "Spark master URL", "local[*]")
    .option("--force", "also replace months the stream has written, and the current month")
    .option("--plan <file>", "commission plan (JSON); default: the built-in plan")
    .option("--dead-letters <s3a-url>", "where to write the dead letters (JSON lines)")
    .parse()
    .opts<{
      from: string;
      to: string;
      prefix: string;
      master: string;
      force?: boolean;
      plan?: string;
      deadLetters?: string;
    }>();
  const config = loadConfig(process.env);
  const summary = await backfill(config, {
    from: opts.from,
    to: opts.to,
    prefix: opts.prefix,
    master: opts.master,
    force: opts.force,
    plan: opts.plan ? loadPlan(opts.plan) : DEFAULT_PLAN,
    deadLetterPath: opts.deadLetters,
    onProgress: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  printBackfillSummary(summary);
}

runMain(main);
