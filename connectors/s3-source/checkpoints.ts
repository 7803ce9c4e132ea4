/**
 * Durable progress of the S3 source: one record per object in a compacted Kafka topic, written in
 * the same Kafka transaction as the rows it covers. After a crash the connector resumes after the
 * last committed line, so no row is lost or produced twice; a finished object is never replayed.
 */
import { randomUUID } from "node:crypto";
import type { Admin, KafkaMessage } from "kafkajs";
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";

/** Progress of one object (identified by bucket key and ETag). */
export interface ObjectCheckpoint {
  readonly key: string;
  readonly etag: string;
  readonly kind: string;
  readonly size: number;
  /** Last line (header = 1) whose row is committed. */
  readonly line: number;
  readonly done: boolean;
  readonly rowsRead: number;
  readonly accepted: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly updatedAt: string;
}

/** Kafka message of a checkpoint (key = bucket key; the ETag inside tells a replaced object). */
export const checkpointMessage = (cp: ObjectCheckpoint): { key: string; value: string } => ({
  key: cp.key,
  value: JSON.stringify(cp),
});

const parse = (m: KafkaMessage): ObjectCheckpoint | undefined => {
  if (!m.value) return undefined;
  try {
    return JSON.parse(m.value.toString("utf8")) as ObjectCheckpoint;
  } catch {
    return undefined;
  }
};

/**
 * Reads every committed checkpoint (read_committed), latest per object.
 *
 * Call after the connector's transactional producer has connected: that fences a crashed
 * predecessor and aborts its open transaction, so the topic has nothing pending.
 * The topic is `kafka.topics.s3SourceCheckpoints` (under the factory's prefix).
 */
export async function loadCheckpoints(
  kafka: KafkaFactory,
  admin: Admin,
): Promise<Map<string, ObjectCheckpoint>> {
  const out = new Map<string, ObjectCheckpoint>();
  const topic = kafka.topics.s3SourceCheckpoints;
  const offsets = await admin.fetchTopicOffsets(topic);
  const pending = new Set(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => o.partition));
  if (pending.size === 0) return out;
  const groupId = kafka.scoped(`vitrine-s3-source-checkpoint-reader-${randomUUID()}`);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, readUncommitted: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out reading connector checkpoints")), 120_000);
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        if (e.payload.offsetLag === "0") pending.delete(e.payload.partition);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            const cp = parse(message);
            if (cp) out.set(cp.key, cp);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
  }
  return out;
}
