/**
 * Streams a bucket prefix the way production does — the S3 connector replays it into Kafka, then
 * the sales processor runs until `sales_lines` holds every accepted transaction line — for tests
 * that need streamed silver rows beside something else (the backfill, reconcile).
 */
import {
  S3SourceConnector,
  type ReplaySummary,
  type S3SourceDeps,
} from "../../connectors/s3-source/source.ts";
import { queryRows, type ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import type { Config } from "../../lib/config/config.ts";
import { sql } from "../../lib/clickhouse/sql.ts";
import type { Logger } from "../../lib/log/logger.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { startSalesProcessor } from "../../processors/pipeline/sales-processor.ts";
import { uniqueName } from "../setup/test-config.ts";

/** @returns the connector's replay summary and the transaction lines it accepted */
export async function streamPrefix(
  s: { config: Config; deps: S3SourceDeps; ch: ClickHouseClient; log: Logger },
  prefix: string,
): Promise<{ replay: ReplaySummary; lines: number }> {
  const source = await S3SourceConnector.create(s.deps, uniqueName("test-stream-tx"));
  const replay = await source.replay({ prefix });
  await source.close();
  const lines = replay.files.find((f) => f.kind === "transactions")!.accepted;
  const processor = await startSalesProcessor({
    config: s.config,
    kafka: s.deps.kafka,
    serde: s.deps.serde,
    ch: s.ch,
    plan: DEFAULT_PLAN,
    log: s.log,
  });
  try {
    for (let i = 0; i < 1500; i++) {
      const [row] = await queryRows<{ n: string }>(s.ch, sql`SELECT count() AS n FROM sales_lines`);
      if (Number(row?.n) >= lines) break;
      await Promise.race([new Promise((r) => setTimeout(r, 200)), processor.failed]);
    }
  } finally {
    await processor.stop();
  }
  return { replay, lines };
}
