/**
 * The reference sink: the raw reference topics (employees, stores, catalog, status, prices,
 * costs, targets, daily stock) → the silver `ref_*` tables in ClickHouse, with an exactly-once
 * effect through the generic `ClickHouseSink` (Kafka coordinates in every row; a replayed offset
 * is skipped, whatever the consumer group remembers). Nothing is resolved here: "later row wins"
 * and the period rules are applied at query time by Kafka order (sql/figures/queries.ts).
 *
 * One consumer group reads the nine topics from the beginning; each batch goes to its topic's
 * table in one INSERT, and offsets are committed only after ClickHouse holds it.
 *
 * @example
 *   const sink = await startReferenceSink({ config, kafka, serde, ch, log });
 *   …
 *   await sink.stop();
 */
import { concatMap, type Subscription } from "rxjs";
import { ClickHouseSink } from "../../connectors/clickhouse-sink/sink.ts";
import type { ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import type { Config } from "../../lib/config/config.ts";
import type { Logger } from "../../lib/log/logger.ts";
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";
import { kafkaSource } from "../../streams/runtime/kafka-source.ts";
import type { AvroSerde } from "../../streams/serde/avro-serde.ts";
import { ensureIngestTopics } from "../../streams/topic-specs.ts";
import { REFERENCE_TABLES, type ReferenceTopicKey } from "./reference-tables.ts";

export interface ReferenceSinkDeps {
  readonly config: Config;
  readonly kafka: KafkaFactory;
  readonly serde: AvroSerde;
  readonly ch: ClickHouseClient;
  readonly log: Logger;
}

export interface RunningReferenceSink {
  /** Settles when the stream fails (it never completes on its own). */
  readonly failed: Promise<never>;
  stop(): Promise<void>;
}

/** Default consumer group (scoped under the topic prefix). */
export const REFERENCE_SINK_GROUP = "vitrine-reference-sink";

/**
 * Starts the sink; resolves once the consumer is connected and subscribed.
 *
 * @param opts.groupId consumer group (default `vitrine-reference-sink`, under the topic prefix)
 */
export async function startReferenceSink(
  deps: ReferenceSinkDeps,
  opts: { groupId?: string } = {},
): Promise<RunningReferenceSink> {
  const { kafka, serde, ch, log } = deps;
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Idempotent: the sink may start before the first replay created the topics.
    await ensureIngestTopics(admin, kafka.topics);
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({
    groupId: kafka.scoped(opts.groupId ?? REFERENCE_SINK_GROUP),
    maxWaitTimeInMs: 200,
    sessionTimeout: 10_000,
    rebalanceTimeout: 30_000,
  });
  await consumer.connect();
  const sinks = new Map<string, ClickHouseSink<never>>();
  for (const key of Object.keys(REFERENCE_TABLES) as ReferenceTopicKey[]) {
    const { table, toRow } = REFERENCE_TABLES[key];
    const toSilver = toRow as (r: unknown) => ReturnType<typeof toRow>;
    sinks.set(
      kafka.topics[key],
      new ClickHouseSink<never>(ch, { table, toRow: (m) => toSilver(m.value), log }).attach(consumer),
    );
  }

  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  const subscription: Subscription = kafkaSource<never>(consumer, {
    topics: [...sinks.keys()],
    decode: (v) => serde.decodeFast<never>(v),
  })
    .pipe(
      concatMap(async (batch) => {
        const n = await sinks.get(batch.topic)!.write(batch);
        log.debug({ topic: batch.topic, rows: n }, "reference_sink.batch");
        return n;
      }),
    )
    .subscribe({ error: (err: unknown) => fail(err) });

  return {
    failed,
    stop: async () => {
      subscription.unsubscribe();
      await consumer.disconnect();
    },
  };
}
