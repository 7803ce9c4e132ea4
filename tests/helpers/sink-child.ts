/**
 * A ClickHouse sink process for the crash test: consumes `topic` in `group` and writes into
 * `database.table` through the exactly-once sink, printing `WROTE <n>` after each insert.
 */
import "./exit-with-parent.ts";
import { concatMap } from "rxjs";
import { ClickHouseSink } from "../../connectors/clickhouse-sink/sink.ts";
import { createClickHouse } from "../../lib/clickhouse/clickhouse-client.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { createKafka } from "../../streams/kafka/kafka-factory.ts";
import { kafkaSource } from "../../streams/runtime/kafka-source.ts";

const [topic, group, database, table] = process.argv.slice(2);
if (!topic || !group || !database || !table)
  throw new Error("usage: sink-child <topic> <group> <database> <table>");
const config = loadConfig(process.env);
const kafka = createKafka(
  config.kafka,
  createLogger({ name: "sink-child", level: process.env.SINK_CHILD_LOG === "1" ? "debug" : "error" }),
);
const ch = createClickHouse({ ...config.clickhouse, database });
// A short session: after a kill -9 the group reassigns the dead member's partitions in seconds.
const consumer = kafka.consumer({
  groupId: group,
  maxWaitTimeInMs: 100,
  maxBytesPerPartition: 64 * 1024,
  sessionTimeout: 6000,
  rebalanceTimeout: 10_000,
  heartbeatInterval: 1000,
});
await consumer.connect();
const sink = new ClickHouseSink<{ seller: string; cents: number }>(ch, {
  table,
  toRow: (m) => ({ seller: m.value.seller, revenue_cents: m.value.cents }),
}).attach(consumer);
kafkaSource(consumer, {
  topics: [topic],
  decode: (v) => JSON.parse(v.toString()) as { seller: string; cents: number },
})
  .pipe(
    concatMap(async (b) => {
      const n = await sink.write(b);
      // A slow sink (test knob), so that a kill lands in the middle of the stream.
      await new Promise((r) => setTimeout(r, Number(process.env.SINK_CHILD_DELAY_MS ?? 0)));
      return n;
    }),
  )
  .subscribe({
    next: (n) => process.stdout.write(`WROTE ${n}\n`),
    error: (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  });
