/**
 * The sales processor: `raw.transactions` → normalize → enrich (reference data caught up before
 * every batch) → dedupe and co-purchase partners from ClickHouse's basket state → one insert per
 * batch into `sales_lines` (gold via the materialized views) → `sales.normalized`,
 * `dlq.processing`, `sales.feedback` and the consumer offsets in one Kafka transaction
 * (`SalesBatchHandler`). Partitions are processed concurrently, one batch in flight each.
 *
 * Topics, the consumer group and the transactional ids live under the Kafka factory's prefix.
 *
 * @example
 *   const p = await startSalesProcessor(deps);
 *   …
 *   await p.stop();
 */
import { resolve } from "node:path";
import { mergeMap, type Subscription } from "rxjs";
import type { ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import type { Config } from "../../lib/config/config.ts";
import type { Logger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import type { RawTransaction } from "../../schemas/raw-records.ts";
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";
import { kafkaSource } from "../../streams/runtime/kafka-source.ts";
import { readSchemaFile, valueSubject, type AvroSerde } from "../../streams/serde/avro-serde.ts";
import { ensureProcessingTopics } from "../../streams/topic-specs.ts";
import type { CommissionPlan } from "../domain/commission-plan.ts";
import { ReferenceLoader } from "../enrich/reference-loader.ts";
import type { ProcessingDeadLetter, SaleFeedbackRecord, SaleNormalizedRecord } from "./output-records.ts";
import type { ProcessorMetrics } from "./metrics.ts";
import { SalesBatchHandler, type BatchStats } from "./sales-batch.ts";

export interface SalesProcessorDeps {
  readonly config: Config;
  readonly kafka: KafkaFactory;
  readonly serde: AvroSerde;
  readonly ch: ClickHouseClient;
  readonly plan: CommissionPlan;
  readonly log: Logger;
  /** Where to count lines, batches, phase times and retries (optional). */
  readonly metrics?: ProcessorMetrics;
}

export interface SalesProcessorOptions {
  /** Consumer group (default `<prefix>vitrine-sales-processor`); also the transactional ids' base. */
  readonly groupId?: string;
  /** Bytes fetched per partition per batch (bounds memory with `partitions`); default 512 KiB. */
  readonly batchBytes?: number;
  /** Partitions processed at once; default 4. */
  readonly partitions?: number;
  /** Feedback only for sales at most this many ms old; undefined = every line. Default 24 h. */
  readonly feedbackMaxAgeMs?: number | undefined;
  /** Consumer session timeout (ms): how soon a dead member's partitions move; default 10 s. */
  readonly sessionTimeoutMs?: number;
  /** Called after every handled batch (tests, metrics). */
  readonly onBatch?: (stats: BatchStats, partition: number) => void;
  /** Called when the member (re)joined its group, with its raw.transactions partitions. */
  readonly onAssignment?: (partitions: readonly number[]) => void;
}

export const DEFAULT_FEEDBACK_MAX_AGE_MS = 24 * 3600 * 1000;

export interface RunningProcessor {
  /** Settles when the stream fails (it never completes on its own). */
  readonly failed: Promise<never>;
  stop(): Promise<void>;
}

const schema = (file: string) => readSchemaFile(resolve(REPO_ROOT, "schemas", file));

export async function startSalesProcessor(
  deps: SalesProcessorDeps,
  opts: SalesProcessorOptions = {},
): Promise<RunningProcessor> {
  const topics = deps.kafka.topics;
  const groupId = opts.groupId ?? deps.kafka.scoped("vitrine-sales-processor");
  const partitions = opts.partitions ?? 4;
  const batchBytes = opts.batchBytes ?? 512 * 1024;
  const admin = deps.kafka.admin();
  await admin.connect();
  await ensureProcessingTopics(admin, topics);
  const serdes = {
    normalized: await deps.serde.forSubject<SaleNormalizedRecord>(
      valueSubject(topics.salesNormalized),
      await schema("sales-normalized.avsc"),
    ),
    deadLetter: await deps.serde.forSubject<ProcessingDeadLetter>(
      valueSubject(topics.dlqProcessing),
      await schema("dlq-processing.avsc"),
    ),
    feedback: await deps.serde.forSubject<SaleFeedbackRecord>(
      valueSubject(topics.salesFeedback),
      await schema("sales-feedback.avsc"),
    ),
  };
  const reference = new ReferenceLoader(deps.kafka, admin, deps.serde);
  await reference.start();
  const handler = new SalesBatchHandler({
    ch: deps.ch,
    kafka: deps.kafka,
    admin,
    plan: deps.plan,
    zone: deps.config.tzBusiness,
    reference,
    serdes,
    groupId,
    log: deps.log,
    feedbackMaxAgeMs: "feedbackMaxAgeMs" in opts ? opts.feedbackMaxAgeMs : DEFAULT_FEEDBACK_MAX_AGE_MS,
    ...(deps.metrics ? { onRetry: (n: number) => deps.metrics!.retried(n) } : {}),
  });
  const consumer = deps.kafka.consumer({
    groupId,
    maxWaitTimeInMs: 100,
    sessionTimeout: opts.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: Math.min(3000, Math.floor((opts.sessionTimeoutMs ?? 10_000) / 4)),
    rebalanceTimeout: 30_000,
    maxBytesPerPartition: batchBytes,
    maxBytes: batchBytes * partitions,
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    handler.onRebalance();
    opts.onAssignment?.(e.payload.memberAssignment[topics.rawTransactions] ?? []);
  });
  await consumer.connect();

  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  const subscription: Subscription = kafkaSource(consumer, {
    topics: [topics.rawTransactions],
    decode: (v) => deps.serde.decodeFast<RawTransaction>(v),
    partitionsConcurrently: partitions,
    commit: "sink",
  })
    .pipe(
      mergeMap(async (batch) => {
        const stats = await handler.handle(batch);
        if (stats) {
          deps.log.debug({ partition: batch.partition, ...stats }, "processor.batch");
          deps.metrics?.observe(stats);
          opts.onBatch?.(stats, batch.partition);
        }
        return stats;
      }, partitions),
    )
    .subscribe({ error: (err: unknown) => fail(err) });

  return {
    failed,
    stop: async () => {
      subscription.unsubscribe();
      await consumer.disconnect();
      await handler.close();
      await reference.stop();
      await admin.disconnect();
    },
  };
}
