/**
 * Reads a topic as it is now (read_committed), for assertions: every message from `from` (default:
 * the beginning) up to the end offsets taken at the start. Tests pass the offsets they saw before
 * acting (`topicEnds`), so they read only what they caused, however much history the stack holds.
 */
import { randomUUID } from "node:crypto";
import type { KafkaMessage } from "kafkajs";
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";

export interface TopicMessage {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: Buffer;
}

/** Current end offset of every partition of each topic. */
export async function topicEnds(
  kafka: KafkaFactory,
  topics: readonly string[],
): Promise<Map<string, Map<number, string>>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, Map<number, string>>();
    const existing = new Set(await admin.listTopics());
    for (const t of topics) {
      // A topic that does not exist yet starts empty: all it will hold is written after now.
      const ends = existing.has(t) ? await admin.fetchTopicOffsets(t) : [];
      out.set(t, new Map(ends.map((o) => [o.partition, o.high])));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

export async function readTopic(
  kafka: KafkaFactory,
  topic: string,
  opts: { from?: ReadonlyMap<number, string>; timeoutMs?: number } = {},
): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const out: TopicMessage[] = [];
  const groupId = `test-reader-${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const start = (p: number, low: string): bigint => {
      const f = opts.from?.get(p);
      return f !== undefined && BigInt(f) > BigInt(low) ? BigInt(f) : BigInt(low);
    };
    const pending = new Set(
      ends.filter((o) => BigInt(o.high) > start(o.partition, o.low)).map((o) => o.partition),
    );
    if (pending.size === 0) return out;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, maxBytes: 50 * 1024 * 1024 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out reading ${topic}`)),
          opts.timeoutMs ?? 60_000,
        );
        consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
          const end = ends.find((o) => o.partition === e.payload.partition);
          if (end && BigInt(e.payload.lastOffset) >= BigInt(end.high) - 1n)
            pending.delete(e.payload.partition);
          if (pending.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages as KafkaMessage[]) {
                if (BigInt(m.offset) < start(batch.partition, "0")) continue;
                out.push({
                  partition: batch.partition,
                  offset: m.offset,
                  key: m.key?.toString() ?? "",
                  value: m.value ?? Buffer.alloc(0),
                });
              }
            },
          })
          .catch(reject);
        for (const o of ends) {
          const from = start(o.partition, o.low);
          if (from > BigInt(o.low)) consumer.seek({ topic, partition: o.partition, offset: from.toString() });
        }
      });
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
  return out;
}

/** Sum over partitions of the offsets a consumer group has committed on a topic (0 when none). */
export async function committedOffsets(kafka: KafkaFactory, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (t?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}
