/**
 * The historical backfill (DESIGN §10): Spark computes the silver rows of a month range from the
 * bucket with the stream's rules into a STAGING database migrated with the same migrations (so
 * its materialized views compute the staging gold exactly as the stream's would), then every
 * month is swapped whole into the live database with `ALTER TABLE … REPLACE PARTITION … FROM`
 * for sales_lines and every table fed from it, and the staging database is dropped.
 *
 * Safe to re-run: a month is replaced, never added to. Refuses a month the stream is writing
 * (silver rows with `_topic != 'backfill'`) or the current business month, unless `force`.
 *
 * @example
 *   const s = await backfill(config, { from: "2022-01", to: "2023-12", prefix: "incoming/", plan: DEFAULT_PLAN });
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { DateTime } from "luxon";
import {
  createClickHouse,
  exec,
  queryRows,
  type ClickHouseClient,
} from "../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../lib/clickhouse/migrate.ts";
import { ident, sql } from "../lib/clickhouse/sql.ts";
import type { Config } from "../lib/config/config.ts";
import { VT_ERR_BACKFILL_FAILED, VT_ERR_BACKFILL_REFUSED } from "../lib/errors/codes.ts";
import { VitrineError } from "../lib/errors/vitrine-error.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import type { CommissionPlan } from "../processors/domain/commission-plan.ts";
import { monthsBetween } from "./months.ts";
import { runSparkJob, type JobEvent, type JobSummary } from "./run-job.ts";
import { ensureSpark } from "./spark-env.ts";
import { salesDerivedTables } from "./derived-tables.ts";

export interface BackfillOptions {
  readonly from: string;
  readonly to: string;
  /** Bucket prefix of the partner files (S3 prefix semantics). */
  readonly prefix: string;
  readonly plan: CommissionPlan;
  /** Spark master URL; `local[*]` by default. */
  readonly master?: string;
  /** Replace months the stream has written, and the current month. */
  readonly force?: boolean;
  /** Database to write (default: the configured one). */
  readonly database?: string;
  /** s3a:// folder for the dead letters as JSON lines (default: `backfill/dead-letters/<from>_<to>/` in the bucket). */
  readonly deadLetterPath?: string;
  /** The clock ("more than one day in the future", current month); default now. */
  readonly nowMs?: number;
  readonly shufflePartitions?: number;
  readonly driverMemory?: string;
  readonly onProgress?: (line: string) => void;
}

export interface BackfillSummary extends JobSummary {
  readonly database: string;
  readonly monthsReplaced: readonly string[];
  readonly tables: readonly string[];
  readonly deadLetterPath: string;
  readonly totalMs: number;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The months of the range the stream has written to (silver rows not from a backfill). */
export async function streamedMonths(ch: ClickHouseClient, months: readonly string[]): Promise<string[]> {
  const rows = await queryRows<{ month: string }>(
    ch,
    sql`SELECT DISTINCT month FROM sales_lines WHERE has(${months}, month) AND _topic != 'backfill' ORDER BY month`,
  );
  return rows.map((r) => r.month);
}

export async function backfill(config: Config, opts: BackfillOptions): Promise<BackfillSummary> {
  const t0 = Date.now();
  const say = opts.onProgress ?? (() => {});
  if (!MONTH.test(opts.from) || !MONTH.test(opts.to) || opts.from > opts.to)
    throw new VitrineError(VT_ERR_BACKFILL_REFUSED, `--from and --to must be months YYYY-MM, from ≤ to`);
  const months = monthsBetween(opts.from, opts.to);
  const database = opts.database ?? config.clickhouse.database;
  const nowMs = opts.nowMs ?? Date.now();
  const migrations = resolve(REPO_ROOT, "sql/migrations");
  await migrate({ config: { ...config.clickhouse, database }, dir: migrations });
  const live = createClickHouse({ ...config.clickhouse, database });
  const staging = `${database}_backfill_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const server = createClickHouse(config.clickhouse, { database: null });
  try {
    if (!opts.force) {
      const current = DateTime.fromMillis(nowMs, { zone: config.tzBusiness }).toFormat("yyyy-MM");
      if (months.includes(current))
        throw new VitrineError(
          VT_ERR_BACKFILL_REFUSED,
          `${current} is the current business month: the stream is writing it (use --force to replace it anyway)`,
        );
      const streamed = await streamedMonths(live, months);
      if (streamed.length > 0)
        throw new VitrineError(
          VT_ERR_BACKFILL_REFUSED,
          `the stream has written ${streamed.join(", ")} (silver rows not from a backfill); use --force to replace them`,
        );
    }
    say(`staging database ${staging}`);
    await migrate({ config: { ...config.clickhouse, database: staging }, dir: migrations });
    const stagingCh = createClickHouse({ ...config.clickhouse, database: staging });
    let tables: string[];
    try {
      tables = await salesDerivedTables(stagingCh);
    } finally {
      await stagingCh.close();
    }
    const runtime = await ensureSpark(say);
    const deadLetterPath =
      opts.deadLetterPath ?? `s3a://${config.s3.bucket}/backfill/dead-letters/${opts.from}_${opts.to}/`;
    say(`spark: ${opts.master ?? "local[*]"}, prefix ${opts.prefix}, months ${opts.from}..${opts.to}`);
    let job: JobSummary;
    try {
      job = await runSparkJob(
        runtime,
        {
          master: opts.master,
          driverMemory: opts.driverMemory ?? "1g",
          shufflePartitions: opts.shufflePartitions ?? 4,
          ivyDir: runtime.ivyDir,
          zone: config.tzBusiness,
          nowMs,
          pseudonymSecret: config.pseudonymSecret,
          prefix: opts.prefix,
          fromMonth: opts.from,
          toMonth: opts.to,
          deadLetterPath,
          plan: {
            version: opts.plan.version,
            baseRate: Number(opts.plan.baseRate),
            highMarginThreshold: Number(opts.plan.highMarginThreshold),
            highMarginBonus: Number(opts.plan.highMarginBonus),
          },
          s3: {
            endpoint: config.s3.endpoint,
            region: config.s3.region,
            bucket: config.s3.bucket,
            accessKeyId: config.s3.accessKeyId,
            secretAccessKey: config.s3.secretAccessKey,
          },
          clickhouse: {
            url: config.clickhouse.url,
            user: config.clickhouse.user,
            password: config.clickhouse.password,
            database: staging,
          },
        },
        (e) => say(describe(e)),
      );
    } catch (err) {
      throw new VitrineError(VT_ERR_BACKFILL_FAILED, (err as Error).message, { cause: err });
    }
    say(`swapping ${months.length} month(s) × ${tables.length} tables into ${database}`);
    for (const month of months) {
      for (const t of tables)
        await exec(
          live,
          sql`ALTER TABLE ${ident(`${database}.${t}`)} REPLACE PARTITION ${month} FROM ${ident(`${staging}.${t}`)}`,
        );
    }
    return { ...job, database, monthsReplaced: months, tables, deadLetterPath, totalMs: Date.now() - t0 };
  } finally {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(staging)}`).catch(() => {});
    await server.close();
    await live.close();
  }
}

function describe(e: JobEvent): string {
  const { event, ...rest } = e;
  return `${event}: ${Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ")}`;
}
