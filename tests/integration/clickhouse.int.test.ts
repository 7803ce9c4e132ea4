/** The migration runner and the client against the real ClickHouse server. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

describe("ClickHouse", () => {
  const base = testConfig().clickhouse;
  const database = uniqueName("test_db");
  const config = { ...base, database };
  const server = createClickHouse(base, { database: null });

  afterAll(async () => {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await server.close();
  });

  it("answers a query", async () => {
    const rows = await queryRows<{ answer: number; v: string }>(
      server,
      sql`SELECT 41 + 1 AS answer, version() AS v`,
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.answer)).toBe(42);
    expect(rows[0]?.v).toMatch(/^\d+\.\d+/);
  });

  it("applies the project migrations once; a second run is a no-op", async () => {
    const dir = resolve(REPO_ROOT, "sql/migrations");
    const first = await migrate({ config, dir });
    expect(first.applied.length).toBeGreaterThan(0);
    expect(first.alreadyApplied).toBe(0);
    const second = await migrate({ config, dir });
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
    const ch = createClickHouse(config);
    const recorded = await queryRows<{ n: string }>(ch, sql`SELECT count() AS n FROM schema_migrations`);
    expect(Number(recorded[0]?.n)).toBe(first.applied.length);
    const tables = await queryRows<{ name: string }>(
      ch,
      sql`SELECT name FROM system.tables WHERE database = ${database}`,
    );
    expect(tables.map((t) => t.name)).toContain("audit_log");
    await ch.close();
  });

  it("refuses an applied migration that was edited, and keeps a failed one pending", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vitrine-mig-"));
    const db = uniqueName("test_db_mig");
    const cfg = { ...base, database: db };
    try {
      writeFileSync(join(dir, "0001_t.sql"), "CREATE TABLE IF NOT EXISTS t (x UInt8) ENGINE = Memory;\n");
      expect((await migrate({ config: cfg, dir })).applied).toEqual(["0001_t"]);
      writeFileSync(join(dir, "0001_t.sql"), "CREATE TABLE IF NOT EXISTS t (x UInt16) ENGINE = Memory;\n");
      await expect(migrate({ config: cfg, dir })).rejects.toMatchObject({
        code: "VT_ERR_CH_MIGRATION_CHANGED",
      });

      writeFileSync(join(dir, "0001_t.sql"), "CREATE TABLE IF NOT EXISTS t (x UInt8) ENGINE = Memory;\n");
      writeFileSync(
        join(dir, "0002_bad.sql"),
        "CREATE TABLE IF NOT EXISTS u (x NoSuchType) ENGINE = Memory;\n",
      );
      await expect(migrate({ config: cfg, dir })).rejects.toMatchObject({
        code: "VT_ERR_CH_MIGRATION_FAILED",
      });
      writeFileSync(join(dir, "0002_bad.sql"), "CREATE TABLE IF NOT EXISTS u (x UInt8) ENGINE = Memory;\n");
      expect((await migrate({ config: cfg, dir })).applied).toEqual(["0002_bad"]);
    } finally {
      await exec(server, sql`DROP DATABASE IF EXISTS ${ident(db)}`);
    }
  });

  it("stores and returns quoted values exactly", async () => {
    const ch = createClickHouse(config);
    await exec(ch, sql`CREATE TABLE IF NOT EXISTS quoting (s String) ENGINE = Memory`);
    const nasty = "O'Brien \\ ; DROP TABLE x -- São Paulo";
    await exec(ch, sql`INSERT INTO quoting VALUES (${nasty})`);
    const rows = await queryRows<{ s: string }>(ch, sql`SELECT s FROM quoting WHERE s = ${nasty}`);
    expect(rows).toEqual([{ s: nasty }]);
    await ch.close();
  });
});
