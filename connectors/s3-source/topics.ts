/** Topics the S3 source writes, created on start with the settings they need. */
import type { Admin, ITopicConfig } from "kafkajs";
import { ensureTopics } from "../../streams/kafka/kafka-factory.ts";
import { CHECKPOINT_TOPIC } from "./checkpoints.ts";
import { FILE_KINDS } from "./contract/file-kinds.ts";

export const DLQ_INGEST_TOPIC = "dlq.ingest";

/** Partitions of `raw.transactions` (keyed by basket: cod_loja|cod_transacao); reference topics are small: one partition. */
export const TRANSACTION_PARTITIONS = 4;

const forever = [{ name: "retention.ms", value: "-1" }];

export const INGEST_TOPICS: readonly ITopicConfig[] = [
  ...FILE_KINDS.map((k) => ({
    topic: k.topic,
    numPartitions: k.kind === "transactions" ? TRANSACTION_PARTITIONS : 1,
    configEntries: forever,
  })),
  { topic: DLQ_INGEST_TOPIC, numPartitions: 1, configEntries: forever },
  {
    topic: CHECKPOINT_TOPIC,
    numPartitions: 1,
    configEntries: [
      { name: "cleanup.policy", value: "compact" },
      { name: "min.compaction.lag.ms", value: "60000" },
    ],
  },
];

/** Creates the ingest topics that do not exist yet. */
export const ensureIngestTopics = (admin: Admin): Promise<string[]> => ensureTopics(admin, INGEST_TOPICS);
