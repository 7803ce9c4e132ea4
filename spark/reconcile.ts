/**
 * Reconciliation (DESIGN §1, data engineer: "trust that stream and backfill agree"): backfills the
 * month range into a SCRATCH database with the Spark job, then compares, per seller and local day,
 * the figures of the scratch database with the live one — revenue, lines, baskets, commission
 * (micro-cents) and high-margin revenue of accepted lines — and lists every difference.
 *
 * @example
 *   const r = await reconcile(config, { from: "2024-01", to: "2024-03", prefix: "incoming/", plan });
 *   r.differences.length === 0
 */
import { randomBytes } from "node:crypto";
import {
  createClickHouse,
  exec,
  queryRows,
  type ClickHouseClient,
} from "../lib/clickhouse/clickhouse-client.ts";
import { ident, sql } from "../lib/clickhouse/sql.ts";
import type { Config } from "../lib/config/config.ts";
import type { CommissionPlan } from "../processors/domain/commission-plan.ts";
import { backfill, type BackfillSummary } from "./backfill.ts";

export interface ReconcileOptions {
  readonly from: string;
  readonly to: string;
  readonly prefix: string;
  readonly plan: CommissionPlan;
  readonly master?: string;
  /** Keep the scratch database (for inspection). */
  readonly keep?: boolean;
  readonly onProgress?: (line: string) => void;
}

export const FIGURES = [
  "revenue_cents",
  "lines",
  "baskets",
  "commission_micro",
  "high_margin_revenue_cents",
] as const;
export type Figure = (typeof FIGURES)[number];

export interface Difference {
  readonly day: string;
  readonly sellerId: string;
  readonly figure: Figure;
  /** Derived from the stream (the live database). */
  readonly live: string;
  /** Derived from the files by the backfill. */
  readonly backfill: string;
}

export interface ReconcileResult {
  readonly scratch: string;
  readonly rows: number;
  readonly differences: readonly Difference[];
  readonly backfill: BackfillSummary;
}

type DayRow = Record<Figure, string> & { day: string; seller_id: string };

/** Per seller and local day figures of accepted silver lines in the month range. */
export async function sellerDays(
  ch: ClickHouseClient,
  from: string,
  to: string,
): Promise<Map<string, DayRow>> {
  // (Aliases differ from the columns: an alias equal to a column would shadow it in the other sums.)
  const rows = await queryRows<Record<string, string>>(
    ch,
    sql`SELECT toString(local_date) AS day, seller_id,
          toString(sum(revenue_cents)) AS f_revenue, toString(count()) AS f_lines,
          toString(uniqExact(basket_id)) AS f_baskets, toString(sum(commission_micro)) AS f_commission,
          toString(sumIf(revenue_cents, high_margin = 1)) AS f_high_margin
        FROM sales_lines
        WHERE rejection = '' AND month >= ${from} AND month <= ${to}
        GROUP BY local_date, seller_id`,
  );
  return new Map(
    rows.map((r) => [
      `${r.day}|${r.seller_id}`,
      {
        day: r.day!,
        seller_id: r.seller_id!,
        revenue_cents: r.f_revenue!,
        lines: r.f_lines!,
        baskets: r.f_baskets!,
        commission_micro: r.f_commission!,
        high_margin_revenue_cents: r.f_high_margin!,
      },
    ]),
  );
}

/** Every difference between two sets of seller-day figures (a missing row counts as zeros). */
export function compareSellerDays(live: Map<string, DayRow>, backfilled: Map<string, DayRow>): Difference[] {
  const out: Difference[] = [];
  const keys = [...new Set([...live.keys(), ...backfilled.keys()])].sort();
  for (const key of keys) {
    const [day = "", sellerId = ""] = key.split("|");
    for (const figure of FIGURES) {
      const a = live.get(key)?.[figure] ?? "0";
      const b = backfilled.get(key)?.[figure] ?? "0";
      if (a !== b) out.push({ day, sellerId, figure, live: a, backfill: b });
    }
  }
  return out;
}

export async function reconcile(config: Config, opts: ReconcileOptions): Promise<ReconcileResult> {
  const scratch = `${config.clickhouse.database}_reconcile_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const server = createClickHouse(config.clickhouse, { database: null });
  const live = createClickHouse(config.clickhouse);
  const scratchCh = createClickHouse({ ...config.clickhouse, database: scratch });
  try {
    const summary = await backfill(config, {
      from: opts.from,
      to: opts.to,
      prefix: opts.prefix,
      plan: opts.plan,
      master: opts.master,
      database: scratch,
      force: true,
      deadLetterPath: `s3a://${config.s3.bucket}/backfill/reconcile/${opts.from}_${opts.to}/dead-letters/`,
      onProgress: opts.onProgress,
    });
    const [a, b] = [
      await sellerDays(live, opts.from, opts.to),
      await sellerDays(scratchCh, opts.from, opts.to),
    ];
    return {
      scratch,
      rows: Math.max(a.size, b.size),
      differences: compareSellerDays(a, b),
      backfill: summary,
    };
  } finally {
    await scratchCh.close();
    await live.close();
    if (!opts.keep) await exec(server, sql`DROP DATABASE IF EXISTS ${ident(scratch)}`).catch(() => {});
    await server.close();
  }
}
