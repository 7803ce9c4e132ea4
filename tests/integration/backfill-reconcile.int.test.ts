/**
 * `npm run reconcile` on the real servers: months streamed through connector, Kafka and the sales
 * processor agree with a backfill of the same files (exit 0); once a seller-day of the live
 * database is off by one line, the CLI prints that seller and day and exits non-zero.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { generateDataset } from "../../generator/generate-dataset.ts";
import { createDirectorySink } from "../../generator/sink.ts";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { uploadDir } from "../../lib/s3/upload-dir.ts";
import { deleteTopicsUnder, isolatedEnv } from "../helpers/isolated-stack.ts";
import { streamPrefix } from "../helpers/stream-prefix.ts";
import { uniqueName } from "../setup/test-config.ts";

describe("reconcile", () => {
  const env = isolatedEnv("reconcile", { clickhouse: true });
  const config = loadConfig(env);
  const log = createLogger({ name: "test", level: "error" });
  const deps = connectorDeps(config, log);
  const ch = createClickHouse(config.clickhouse);
  const server = createClickHouse(config.clickhouse, { database: null });
  const prefix = `test/${uniqueName("reconcile")}/incoming/`;

  afterAll(async () => {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`);
    await server.close();
    await ch.close();
    deps.s3.destroy();
    await deleteTopicsUnder(deps.kafka);
  });

  // Asynchronous on purpose: a synchronous spawn would block the event loop for the whole run,
  // so the ClickHouse client could not retire its idle keep-alive sockets, and the first query
  // after it would hit a socket the server had already closed ("socket hang up").
  const reconcileCli = () =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        "npx",
        ["tsx", "spark/reconcile-cli.ts", "--from", "2024-01", "--to", "2024-02", "--prefix", prefix],
        { cwd: REPO_ROOT, env, encoding: "utf8", timeout: 600_000, maxBuffer: 64 << 20 },
        (err, stdout, stderr) => {
          const code = err && typeof err.code === "number" ? err.code : err ? null : 0;
          done({ status: code, stdout, stderr });
        },
      );
    });

  it("agrees with the stream, then reports a seller-day that differs", { timeout: 900_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "vitrine-reconcile-"));
    await generateDataset(
      {
        seed: 31,
        from: "2024-01",
        to: "2024-02",
        stores: 2,
        sellersPerStore: 2,
        products: 25,
        lines: 1500,
        dirtyRate: 0.02,
        stockProducts: 3,
      },
      createDirectorySink(dir),
    );
    await uploadDir(deps.s3, config.s3.bucket, dir, prefix);
    await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations") });
    await streamPrefix({ config, deps, ch, log }, prefix);

    const agree = await reconcileCli();
    expect(agree.stdout, agree.stderr).toMatch(/seller-days compared .*: stream and backfill agree/);
    expect(agree.status).toBe(0);
    expect(Number(/(\d+) seller-days compared/.exec(agree.stdout)?.[1])).toBeGreaterThan(20);

    // One more accepted line for a seller on a day in the live database only.
    const [victim] = await queryRows<{ seller_id: string; local_date: string; month: string }>(
      ch,
      sql`SELECT seller_id, toString(local_date) AS local_date, month FROM sales_lines WHERE rejection = '' ORDER BY _partition, _offset LIMIT 1`,
    );
    await exec(
      ch,
      sql`INSERT INTO sales_lines (_topic, _partition, _offset, line_id, basket_id, seller_id, store_id, transaction_id, product_id, quantidade, preco_cents, revenue_cents, commission_micro, sale_time, local_date, month)
          VALUES ('tampered', 0, 1, 'x|1|1', 'x|1', ${victim!.seller_id}, 'x', '1', '1', 1, 100, 100, 3000000, ${`${victim!.local_date} 12:00:00`}, ${victim!.local_date}, ${victim!.month})`,
    );
    const differ = await reconcileCli();
    expect(differ.status).toBe(1);
    expect(differ.stdout).toContain(`DIFF ${victim!.local_date} seller ${victim!.seller_id} revenue_cents`);
    expect(differ.stdout).toContain(`DIFF ${victim!.local_date} seller ${victim!.seller_id} lines`);
  });
});
