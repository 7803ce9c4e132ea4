/**
 * ClickHouse client factory over `@clickhouse/client` (HTTP), set up to work with both the
 * local 18.16 server and current ClickHouse: no request compression, no settings that 18.16
 * does not know.
 *
 * @example
 *   const ch = createClickHouse(config.clickhouse);
 *   const rows = await queryRows<{ n: string }>(ch, sql`SELECT count() AS n FROM t`);
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import type { Config } from "../config/config.ts";
import type { SqlFragment } from "./sql.ts";

export type { ClickHouseClient } from "@clickhouse/client";

/**
 * Creates a client.
 *
 * @param cfg connection settings
 * @param opts.database override the database (`null` for none, e.g. to create it)
 */
export function createClickHouse(
  cfg: Config["clickhouse"],
  opts: { database?: string | null; requestTimeoutMs?: number } = {},
): ClickHouseClient {
  const database = opts.database === undefined ? cfg.database : (opts.database ?? undefined);
  return createClient({
    url: cfg.url,
    username: cfg.user,
    password: cfg.password,
    ...(database ? { database } : {}),
    request_timeout: opts.requestTimeoutMs ?? 30_000,
    compression: { request: false, response: false },
    application: "vitrine",
    // Failures are thrown to the caller, which logs them with context; the client's own console
    // logger would print them a second time, unstructured.
    log: { level: ClickHouseLogLevel.OFF },
    // 18.16 parses only plain 'YYYY-MM-DD hh:mm:ss' unless told to accept ISO strings as well.
    clickhouse_settings: { date_time_input_format: "best_effort" },
  });
}

/**
 * Runs a SELECT and returns its rows as objects (JSONEachRow). 64-bit integers arrive as strings.
 *
 * @param ch client
 * @param query built with the `sql` helper
 */
export async function queryRows<T>(ch: ClickHouseClient, query: SqlFragment): Promise<T[]> {
  const rs = await ch.query({ query: query.text, format: "JSONEachRow" });
  return rs.json<T>();
}

/**
 * Runs a statement that returns no rows (DDL, INSERT … SELECT).
 *
 * @param ch client
 * @param statement built with the `sql` helper or `raw` for trusted constant text
 */
export async function exec(ch: ClickHouseClient, statement: SqlFragment): Promise<void> {
  await ch.command({ query: statement.text });
}
