/**
 * Reads a whole topic as it is now (read_committed), for assertions: every message from the
 * beginning up to the end offsets taken at the start.
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

export async function readTopic(
  kafka: KafkaFactory,
  topic: string,
  timeoutMs = 60_000,
): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const out: TopicMessage[] = [];
  const groupId = `test-reader-${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const pending = new Set(ends.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => o.partition));
    if (pending.size === 0) return out;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, maxBytes: 50 * 1024 * 1024 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), timeoutMs);
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
