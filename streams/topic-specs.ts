/**
 * How every Vitrine topic is created (partitions, retention, compaction), under any prefix.
 * Producers and consumers create the topics they touch at start (idempotent), so any component
 * may start first on a fresh cluster.
 *
 * - `raw.*`: the replayed partner rows, kept forever (the processor's reference state and any
 *   re-processing are rebuilt from them). `raw.transactions` has `TRANSACTION_PARTITIONS`
 *   partitions and is keyed by basket; reference topics are small: one partition.
 * - `dlq.*`: dead letters, kept forever.
 * - `_vitrine.s3-source.checkpoints`: the connector's progress, compacted.
 * - `sales.normalized` / `sales.feedback`: the processor's outputs, as many partitions as
 *   `raw.transactions`, broker-default retention (they can be re-derived from silver).
 *
 * @example
 *   await ensureIngestTopics(admin, kafka.topics);
 */
import type { Admin, ITopicConfig } from "kafkajs";
import { ensureTopics } from "./kafka/kafka-factory.ts";
import type { TopicKey, Topics } from "./topics.ts";

/** Partitions of `raw.transactions` (keyed by basket: cod_loja|cod_transacao). */
export const TRANSACTION_PARTITIONS = 4;

const forever = [{ name: "retention.ms", value: "-1" }];

/** The raw topic of each partner file kind (`raw.<kind>`). */
export const RAW_TOPIC_KEYS = [
  "rawStores",
  "rawEmployees",
  "rawSkuDataset",
  "rawSkuStatus",
  "rawSkuPrice",
  "rawSkuCost",
  "rawTargetsSalesperson",
  "rawTargetsStore",
  "rawDailyStock",
  "rawTransactions",
] as const satisfies readonly TopicKey[];

/** Topics the S3 source writes (and the processor's reference loader reads). */
export function ingestTopicSpecs(t: Topics): ITopicConfig[] {
  return [
    ...RAW_TOPIC_KEYS.map((k) => ({
      topic: t[k],
      numPartitions: k === "rawTransactions" ? TRANSACTION_PARTITIONS : 1,
      configEntries: forever,
    })),
    { topic: t.dlqIngest, numPartitions: 1, configEntries: forever },
    {
      topic: t.s3SourceCheckpoints,
      numPartitions: 1,
      configEntries: [
        { name: "cleanup.policy", value: "compact" },
        { name: "min.compaction.lag.ms", value: "60000" },
      ],
    },
  ];
}

/** Topics the sales processor writes. */
export function processingTopicSpecs(t: Topics): ITopicConfig[] {
  return [
    { topic: t.salesNormalized, numPartitions: TRANSACTION_PARTITIONS },
    { topic: t.salesFeedback, numPartitions: TRANSACTION_PARTITIONS },
    { topic: t.dlqProcessing, numPartitions: 1, configEntries: forever },
  ];
}

/** Creates the ingest topics that do not exist yet; returns the names created now. */
export const ensureIngestTopics = (admin: Admin, t: Topics): Promise<string[]> =>
  ensureTopics(admin, ingestTopicSpecs(t));

/** Creates the processor's output topics that do not exist yet; returns the names created now. */
export const ensureProcessingTopics = (admin: Admin, t: Topics): Promise<string[]> =>
  ensureTopics(admin, processingTopicSpecs(t));
