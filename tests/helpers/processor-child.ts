/**
 * A sales processor in its own process, for the crash and rebalance tests: configuration from
 * the environment (the test's topic prefix and database), feedback for every line, the consumer
 * group from argv. Prints `READY` once started, `BATCH <lines>` after every batch and
 * `ASSIGNED <partitions>` whenever it (re)joins its group; the test
 * kills it with SIGKILL at random moments.
 */
import "./exit-with-parent.ts";
import { createClickHouse } from "../../lib/clickhouse/clickhouse-client.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { startSalesProcessor } from "../../processors/pipeline/sales-processor.ts";

const [groupId, batchBytes] = process.argv.slice(2);
if (!groupId) throw new Error("usage: processor-child <groupId> [batchBytes]");
const config = loadConfig(process.env);
const log = createLogger({ name: "processor-child", level: "warn" });
const deps = connectorDeps(config, log);
const ch = createClickHouse(config.clickhouse);
const processor = await startSalesProcessor(
  { config, kafka: deps.kafka, serde: deps.serde, ch, plan: DEFAULT_PLAN, log },
  {
    groupId,
    feedbackMaxAgeMs: undefined,
    // The broker's minimum: a killed member's partitions move on sooner.
    sessionTimeoutMs: 6_000,
    // Small batches: more batches, so a kill lands between and inside them.
    batchBytes: Number(batchBytes ?? 64 * 1024),
    onBatch: (s) => process.stdout.write(`BATCH ${s.lines}\n`),
    onAssignment: (partitions) => process.stdout.write(`ASSIGNED ${partitions.length}\n`),
  },
);
process.stdout.write("READY\n");
process.once("SIGTERM", () => void processor.stop().then(() => process.exit(0)));
await processor.failed.catch((err: unknown) => {
  process.stderr.write(`FAILED ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
