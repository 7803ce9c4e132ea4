/**
 * Bucket → connector → processor → ClickHouse silver, on the real servers: for a generated chain,
 * every sale line lands once in `sales_lines` with revenue equal to an independent computation from
 * the partner's CSV files written here (not through the pipeline's code).
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector } from "../../connectors/s3-source/source.ts";
import { generateDataset } from "../../generator/generate-dataset.ts";
import { createDirectorySink } from "../../generator/sink.ts";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { uploadDir } from "../../lib/s3/upload-dir.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { startSalesProcessor } from "../../processors/pipeline/sales-processor.ts";
import { uniqueName } from "../setup/test-config.ts";
import { deleteTopicsUnder, isolatedConfig } from "../helpers/isolated-stack.ts";

// === Independent computation from the files (plain parsing; no pipeline code)

const cents = (s: string): bigint => {
  const [i, f = ""] = s.split(".");
  return BigInt(i!) * 100n + BigInt((f + "00").slice(0, 2));
};

function independent(dir: string): Map<string, { revenue: bigint; lines: number }> {
  const out = new Map<string, { revenue: bigint; lines: number }>();
  for (const file of readdirSync(dir).filter((f) => f.startsWith("transactions"))) {
    for (const line of readFileSync(join(dir, file), "utf8").trim().split("\n").slice(1)) {
      const [data, seller, , , qty, , preco] = line.split(",");
      // The generator writes local times, or ISO times with São Paulo's own offset: the first
      // seven characters are the local month either way.
      const key = `${data!.slice(0, 7)}|${seller}`;
      const agg = out.get(key) ?? { revenue: 0n, lines: 0 };
      agg.revenue += BigInt(Number(qty)) * cents(preco!);
      agg.lines++;
      out.set(key, agg);
    }
  }
  return out;
}

describe("sales processor", () => {
  const config = isolatedConfig("proc");
  const log = createLogger({ name: "test", level: "error" });
  const deps = connectorDeps(config, log);
  const database = uniqueName("test_proc");
  const ch = createClickHouse({ ...config.clickhouse, database });
  const server = createClickHouse(config.clickhouse, { database: null });

  afterAll(async () => {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await server.close();
    await ch.close();
    deps.s3.destroy();
    await deleteTopicsUnder(deps.kafka);
  });

  it("turns every generated sale line into one exact silver row", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "vitrine-proc-"));
    const summary = await generateDataset(
      { seed: 11, from: "2024-04", to: "2024-05", stores: 3, sellersPerStore: 3, products: 40, lines: 3000 },
      createDirectorySink(dir),
    );
    const prefix = `test/${uniqueName("proc")}/incoming/`;
    await uploadDir(deps.s3, config.s3.bucket, dir, prefix);
    // Topics of this file's own prefix: the processor reads only this test's sales.
    const groupId = uniqueName("test-processor");
    const source = await S3SourceConnector.create(deps, uniqueName("test-proc-tx"));
    const replay = await source.replay({ prefix });
    await source.close();
    const txLines = summary.files
      .filter((f) => f.name.startsWith("transactions"))
      .reduce((a, f) => a + f.dataLines, 0);
    expect(replay.files.filter((f) => f.kind === "transactions").reduce((a, f) => a + f.accepted, 0)).toBe(
      txLines,
    );

    await migrate({ config: { ...config.clickhouse, database }, dir: resolve(REPO_ROOT, "sql/migrations") });
    const processor = await startSalesProcessor(
      { config, kafka: deps.kafka, serde: deps.serde, ch, plan: DEFAULT_PLAN, log },
      { groupId },
    );
    const mine = sql`substring(source_file, 1, ${prefix.length}) = ${prefix}`;
    try {
      for (let i = 0; i < 600; i++) {
        const [row] = await queryRows<{ n: string }>(
          ch,
          sql`SELECT count() AS n FROM sales_lines WHERE ${mine}`,
        );
        if (Number(row?.n) >= txLines) break;
        await Promise.race([new Promise((r) => setTimeout(r, 200)), processor.failed]);
      }
    } finally {
      await processor.stop();
    }
    const got = await queryRows<{
      month: string;
      seller_id: string;
      revenue: string;
      commission: string;
      lines: string;
      distinct_lines: string;
    }>(
      ch,
      sql`SELECT month, seller_id, toString(sum(revenue_cents)) AS revenue, toString(sum(commission_micro)) AS commission,
            toString(count()) AS lines, toString(uniqExact(line_id)) AS distinct_lines
          FROM sales_lines WHERE ${mine} GROUP BY month, seller_id ORDER BY month, seller_id`,
    );
    const want = independent(dir);
    expect(got.length).toBe(want.size);
    for (const g of got) {
      const w = want.get(`${g.month}|${g.seller_id}`);
      expect(w, `${g.month} ${g.seller_id}`).toBeDefined();
      // Revenue and lines per seller-month, each line once; commission, targets, tiers, pairs and
      // dead letters against an independent computation: processing-e2e.int.test.ts.
      expect({ revenue: g.revenue, lines: Number(g.lines), distinct: Number(g.distinct_lines) }).toEqual({
        revenue: String(w!.revenue),
        lines: w!.lines,
        distinct: w!.lines,
      });
    }
  });
});
