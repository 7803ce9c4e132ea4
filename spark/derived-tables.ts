/**
 * The tables a month swap must replace: `sales_lines` and every table fed from it by a
 * materialized view (transitively). The SQL engineer's `sql/derived-tables.ts`
 * (`SALES_DERIVED_TABLES`, in replace order) is the declared list when it exists; the views that
 * actually hang off `sales_lines` in a migrated database are discovered from `system.tables`
 * either way, and a discovered table missing from the declared list — or a table not partitioned
 * by `month` — stops the backfill rather than leaving gold out of step with silver.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { queryRows, type ClickHouseClient } from "../lib/clickhouse/clickhouse-client.ts";
import { sql } from "../lib/clickhouse/sql.ts";
import { VT_ERR_BACKFILL_FAILED } from "../lib/errors/codes.ts";
import { VitrineError } from "../lib/errors/vitrine-error.ts";
import { REPO_ROOT } from "../lib/paths.ts";

/** Used until sql/derived-tables.ts lands. */
const FALLBACK = ["sales_lines", "seller_month", "store_month", "basket_lines", "co_purchase"];

async function declared(): Promise<readonly string[] | undefined> {
  const file = resolve(REPO_ROOT, "sql/derived-tables.ts");
  if (!existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as { SALES_DERIVED_TABLES?: readonly string[] };
  return mod.SALES_DERIVED_TABLES;
}

const TO_TARGET = /\bTO\s+(?:`?[A-Za-z0-9_]+`?\.)?`?([A-Za-z0-9_]+)`?/i;

/** Tables fed from `sales_lines` in the client's database, found through its views. */
export async function discoverDerived(ch: ClickHouseClient): Promise<string[]> {
  const tables = await queryRows<{ name: string; deps: string[]; query: string; partition_key: string }>(
    ch,
    sql`SELECT name, dependencies_table AS deps, create_table_query AS query, partition_key
        FROM system.tables WHERE database = currentDatabase()`,
  );
  const byName = new Map(tables.map((t) => [t.name, t]));
  const out: string[] = [];
  const visit = (table: string): void => {
    for (const view of byName.get(table)?.deps ?? []) {
      const target = TO_TARGET.exec(byName.get(view)?.query ?? "")?.[1];
      if (target && !out.includes(target)) {
        out.push(target);
        visit(target);
      }
    }
  };
  visit("sales_lines");
  for (const t of ["sales_lines", ...out])
    if ((byName.get(t)?.partition_key ?? "").replace(/`/g, "").trim() !== "month")
      throw new VitrineError(
        VT_ERR_BACKFILL_FAILED,
        `table ${t} is fed from sales_lines but not PARTITION BY month: a month swap cannot replace it`,
      );
  return out;
}

/** sales_lines first, then every derived table, checked against the database. */
export async function salesDerivedTables(staging: ClickHouseClient): Promise<string[]> {
  const found = await discoverDerived(staging);
  const list = [...((await declared()) ?? FALLBACK)];
  const missing = found.filter((t) => !list.includes(t));
  if (!(await declared())) list.push(...missing);
  else if (missing.length > 0)
    throw new VitrineError(
      VT_ERR_BACKFILL_FAILED,
      `tables fed from sales_lines but not in SALES_DERIVED_TABLES: ${missing.join(", ")}`,
    );
  return list;
}
