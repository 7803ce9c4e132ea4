/**
 * Keeps a `ReferenceState` current from the raw reference topics: a consumer (own group, from
 * the beginning) applies every row in offset order; `catchUp()` waits until everything produced
 * before the call has been applied — the processor calls it before each batch of sales, so a
 * sale never meets older reference data than was in Kafka when its batch was processed.
 */
import { randomUUID } from "node:crypto";
import type { Admin, Consumer } from "kafkajs";
import type { AvroSerde } from "../../streams/serde/avro-serde.ts";
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";
import { ensureIngestTopics } from "../../streams/topic-specs.ts";
import type { TopicKey } from "../../streams/topics.ts";
import { ReferenceState, type ReferenceRecord } from "./reference-state.ts";

/** The reference topics the enrichment needs, and the record kind each one carries. */
const REFERENCE_TOPICS: readonly (readonly [TopicKey, ReferenceRecord["kind"]])[] = [
  ["rawEmployees", "employees"],
  ["rawStores", "stores"],
  ["rawSkuDataset", "sku_dataset"],
  ["rawSkuCost", "sku_cost"],
  ["rawSkuPrice", "sku_price"],
  ["rawTargetsSalesperson", "targets_salesperson"],
  ["rawTargetsStore", "targets_store"],
];

export class ReferenceLoader {
  readonly state = new ReferenceState();
  private readonly applied = new Map<string, bigint>(); // "topic|partition" → next offset
  private consumer: Consumer | undefined;
  private readonly groupId: string;
  /** Topic name (under the factory's prefix) → record kind. */
  private readonly topics: ReadonlyMap<string, ReferenceRecord["kind"]>;

  constructor(
    private readonly kafka: KafkaFactory,
    private readonly admin: Admin,
    private readonly serde: AvroSerde,
  ) {
    this.groupId = kafka.scoped(`vitrine-reference-${randomUUID()}`);
    this.topics = new Map(REFERENCE_TOPICS.map(([key, kind]) => [kafka.topics[key], kind]));
  }

  async start(): Promise<void> {
    // The topics belong to the ingest contract; creating them here (idempotent) lets the
    // processor start before the first replay.
    await ensureIngestTopics(this.admin, this.kafka.topics);
    const topics = [...this.topics.keys()];
    this.consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    // Positions move on every processed batch, including batches of transaction markers only
    // (which kafkajs does not hand to eachBatch).
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, (e) => {
      const key = `${e.payload.topic}|${e.payload.partition}`;
      const next = BigInt(e.payload.lastOffset) + 1n;
      if ((this.applied.get(key) ?? 0n) < next) this.applied.set(key, next);
    });
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (m.value)
            this.state.apply({
              kind: this.topics.get(batch.topic)!,
              row: await this.serde.decode(m.value),
            } as ReferenceRecord);
        }
      },
    });
  }

  /** Waits until every reference row in Kafka now has been applied. */
  async catchUp(timeoutMs = 60_000): Promise<void> {
    // The topics exist (created in start); their end offsets are asked for in parallel.
    const offsets = await Promise.all(
      [...this.topics.keys()].map(async (t) => ({ t, partitions: await this.admin.fetchTopicOffsets(t) })),
    );
    const ends: [string, bigint][] = [];
    for (const { t, partitions } of offsets) {
      for (const o of partitions)
        if (BigInt(o.high) > BigInt(o.low)) ends.push([`${t}|${o.partition}`, BigInt(o.high)]);
    }
    const deadline = Date.now() + timeoutMs;
    while (!ends.every(([k, end]) => (this.applied.get(k) ?? 0n) >= end)) {
      if (Date.now() > deadline) throw new Error("reference topics did not catch up in time");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.admin.deleteGroups([this.groupId]).catch(() => {});
  }
}
