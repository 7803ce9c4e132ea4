/**
 * SQL portability: every migration applies on ClickHouse 18.16 (the local server) and on current
 * ClickHouse (chdb-core 26.x, embedded), and a materialized-view-fed gold query gives the same
 * figures on both for the same silver rows. Tables and views have the same columns and types on both,
 * and applying every statement twice changes nothing (a half-applied migration re-runs safely).
 */
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate, readMigrations } from "../../lib/clickhouse/migrate.ts";
import { ident, raw, sql } from "../../lib/clickhouse/sql.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { runOnChdb } from "../../sql/portability/chdb.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

const config = testConfig();
const database = uniqueName("test_port");
const server = createClickHouse(config.clickhouse, { database: null });

const GOLD_DDL = [
  "CREATE TABLE silver (_topic String, _partition UInt32, _offset UInt64, seller String, month String, revenue_cents Int64) ENGINE = MergeTree ORDER BY (_topic, _partition, _offset)",
  "CREATE TABLE gold (seller String, month String, revenue_cents Int64, lines UInt64) ENGINE = SummingMergeTree ORDER BY (seller, month)",
  "CREATE MATERIALIZED VIEW gold_mv TO gold AS SELECT seller, month, revenue_cents, toUInt64(1) AS lines FROM silver",
];
const ROWS = Array.from({ length: 500 }, (_, i) => ({
  _topic: "t",
  _partition: i % 2,
  _offset: i,
  seller: String(10001 + (i % 7)),
  month: i % 3 === 0 ? "2024-05" : "2024-06",
  revenue_cents: ((i * 7919) % 20_000) - 1_000,
}));
const COLUMNS =
  "SELECT table, name, type FROM system.columns WHERE database = currentDatabase() AND table != 'schema_migrations' ORDER BY table, name";
const GOLD_QUERY =
  "SELECT seller, month, toString(sum(revenue_cents)) AS revenue_cents, toString(sum(lines)) AS lines FROM gold GROUP BY seller, month ORDER BY seller, month";

describe("SQL portability (18.16 and current ClickHouse)", () => {
  afterAll(async () => {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await server.close();
  });

  it("applies every migration on both engines", { timeout: 180_000 }, async () => {
    const files = await readMigrations(resolve(REPO_ROOT, "sql/migrations"));
    const applied = await migrate({
      config: { ...config.clickhouse, database },
      dir: resolve(REPO_ROOT, "sql/migrations"),
    });
    expect(applied.applied.length).toBe(files.length);
    // Every statement twice: a half-applied migration re-runs safely (idempotent statements;
    // an existing ADD COLUMN is skipped by the runner, as 18.16 has no IF NOT EXISTS for it).
    const all = files.flatMap((f) => f.statements);
    const again = all.filter((s) => !/^ALTER\s+TABLE\s+\w+\s+ADD\s+COLUMN\s/i.test(s));
    const current = await runOnChdb({
      database,
      statements: [...all, ...again],
      queries: {
        tables: "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name",
        columns: COLUMNS,
      },
    });
    expect(current.version).toMatch(/^26\./);
    const ch = createClickHouse({ ...config.clickhouse, database });
    const old = await queryRows<{ name: string }>(
      ch,
      raw(
        "SELECT name FROM system.tables WHERE database = currentDatabase() AND name != 'schema_migrations' ORDER BY name",
      ),
    );
    const oldColumns = await queryRows<Record<string, string>>(ch, raw(COLUMNS));
    await ch.close();
    expect(current.results.tables?.map((t) => t.name)).toEqual(old.map((t) => t.name));
    // Same columns with the same types, views included (what analysts and the figures read).
    expect(oldColumns.length).toBeGreaterThan(100);
    expect(current.results.columns).toEqual(oldColumns);
  });

  it("gives the same gold figures from the same silver rows", { timeout: 180_000 }, async () => {
    const ch = createClickHouse({ ...config.clickhouse, database });
    for (const ddl of GOLD_DDL) await exec(ch, raw(ddl));
    await ch.insert({ table: "silver", format: "JSONEachRow", values: ROWS });
    const old = await queryRows<Record<string, string>>(ch, raw(GOLD_QUERY));
    await ch.close();
    const insert = `INSERT INTO silver FORMAT JSONEachRow ${ROWS.map((r) => JSON.stringify(r)).join(" ")}`;
    const current = await runOnChdb({
      database: `${database}_gold`,
      statements: [...GOLD_DDL, insert],
      queries: { gold: GOLD_QUERY },
    });
    expect(old.length).toBeGreaterThan(10);
    expect(current.results.gold).toEqual(old);
  });
});
