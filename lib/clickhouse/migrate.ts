/**
 * Migration runner for `sql/migrations`: applies `NNNN_name.sql` files in order, once each,
 * recording them in `<database>.schema_migrations`. Applying twice is a no-op; an applied file
 * whose content changed is refused (`VT_ERR_CH_MIGRATION_CHANGED`).
 *
 * Conventions for migration files (they keep a half-applied migration safe to re-run):
 * - statements are separated by a `;` at the end of a line;
 * - every statement is idempotent (`CREATE TABLE IF NOT EXISTS`, `CREATE … VIEW IF NOT EXISTS`,
 *   `DROP … IF EXISTS`; `ALTER TABLE t ADD COLUMN c` is skipped by the runner when `c` exists);
 * - table names are unqualified: the runner executes them in the configured database;
 * - SQL must run on ClickHouse 18.16 and on current ClickHouse.
 *
 * @example
 *   await migrate({ config: config.clickhouse, dir: "sql/migrations", log });
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import { VT_ERR_CH_MIGRATION_CHANGED, VT_ERR_CH_MIGRATION_FAILED } from "../errors/codes.ts";
import { VitrineError } from "../errors/vitrine-error.ts";
import type { Logger } from "../log/logger.ts";
import { createClickHouse, exec, queryRows } from "./clickhouse-client.ts";
import { ident, raw, sql } from "./sql.ts";

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly statements: readonly string[];
}

export interface MigrateResult {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * Splits a migration into statements at `;` that end a line, dropping `--` comment lines.
 *
 * @param text the file content
 */
export function splitStatements(text: string): string[] {
  const body = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n");
  return body
    .split(/;[ \t]*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Reads and orders the migration files of a folder.
 *
 * @param dir folder of `NNNN_name.sql` files
 */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".sql")).sort();
  const files: MigrationFile[] = [];
  const seen = new Set<number>();
  for (const file of names) {
    const m = FILE.exec(file);
    if (!m)
      throw new VitrineError(
        VT_ERR_CH_MIGRATION_FAILED,
        `migration file name must be NNNN_name.sql: ${file}`,
      );
    const version = Number(m[1]);
    if (seen.has(version))
      throw new VitrineError(VT_ERR_CH_MIGRATION_FAILED, `two migrations numbered ${m[1]}`);
    seen.add(version);
    const text = await readFile(join(dir, file), "utf8");
    files.push({
      version,
      name: m[2] ?? file,
      checksum: createHash("sha256").update(text).digest("hex"),
      statements: splitStatements(text),
    });
  }
  return files;
}

const ADD_COLUMN = /^ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)\s/i;

/**
 * Whether a statement is `ALTER TABLE t ADD COLUMN c …` for a column that already exists:
 * 18.16 has no `ADD COLUMN IF NOT EXISTS`, so the runner makes that statement idempotent.
 */
async function columnExists(ch: ReturnType<typeof createClickHouse>, statement: string): Promise<boolean> {
  const m = ADD_COLUMN.exec(statement);
  if (!m) return false;
  const rows = await queryRows<{ n: string }>(
    ch,
    sql`SELECT count() AS n FROM system.columns WHERE database = currentDatabase() AND table = ${m[1]!} AND name = ${m[2]!}`,
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * Creates the database if needed and applies every pending migration in order.
 *
 * @param opts.config ClickHouse connection (its `database` is created and migrated)
 * @param opts.dir migrations folder
 */
export async function migrate(opts: {
  config: Config["clickhouse"];
  dir: string;
  log?: Logger;
}): Promise<MigrateResult> {
  const { config, dir, log } = opts;
  const files = await readMigrations(dir);
  const server = createClickHouse(config, { database: null });
  try {
    await exec(server, sql`CREATE DATABASE IF NOT EXISTS ${ident(config.database)}`);
  } finally {
    await server.close();
  }
  const ch = createClickHouse(config);
  try {
    await exec(
      ch,
      raw(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version UInt32,
        name String,
        checksum String,
        applied_at DateTime
      ) ENGINE = MergeTree ORDER BY version`),
    );
    const done = await queryRows<{ version: number; checksum: string }>(
      ch,
      raw("SELECT version, checksum FROM schema_migrations ORDER BY version"),
    );
    const applied = new Map(done.map((r) => [Number(r.version), r.checksum]));
    const result: string[] = [];
    for (const file of files) {
      const label = `${String(file.version).padStart(4, "0")}_${file.name}`;
      const previous = applied.get(file.version);
      if (previous !== undefined) {
        if (previous !== file.checksum) {
          throw new VitrineError(
            VT_ERR_CH_MIGRATION_CHANGED,
            `migration ${label} was edited after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      for (const [i, statement] of file.statements.entries()) {
        try {
          if (await columnExists(ch, statement)) continue;
          await exec(ch, raw(statement));
        } catch (err) {
          throw new VitrineError(
            VT_ERR_CH_MIGRATION_FAILED,
            `migration ${label}, statement ${i + 1}: ${(err as Error).message}`,
            { cause: err },
          );
        }
      }
      await exec(
        ch,
        sql`INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (${file.version}, ${file.name}, ${file.checksum}, now())`,
      );
      log?.info({ migration: label, statements: file.statements.length }, "migration.applied");
      result.push(label);
    }
    return { applied: result, alreadyApplied: files.length - result.length };
  } finally {
    await ch.close();
  }
}
