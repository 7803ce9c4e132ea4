/**
 * The librdkafka transactional producer the S3 connector writes with, against the real broker:
 * a key lands on the partition kafkajs's default partitioner would choose (the processor relies
 * on a basket's lines sharing a partition, whichever client wrote them); an aborted transaction
 * is invisible to read_committed consumers; a second producer with the same transactional id
 * fences the first, whose commit then fails.
 */
import { Partitioners, type KafkaMessage } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log/logger.ts";
import { createKafka, ensureTopics } from "../../streams/kafka/kafka-factory.ts";
import { connectNativeProducer } from "../../streams/kafka/native-producer.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

const config = testConfig();
const log = createLogger({ name: "test", level: "error" });
const kafka = createKafka(config.kafka, log);
const topic = uniqueName("test.native");
const PARTITIONS = 4;

/** Every committed message of the topic, read from the start with read_committed. */
async function readAll(expected: number): Promise<{ partition: number; message: KafkaMessage }[]> {
  const consumer = kafka.consumer({ groupId: uniqueName("test-native-read"), readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const out: { partition: number; message: KafkaMessage }[] = [];
  await consumer.run({
    eachMessage: async ({ partition, message }) => void out.push({ partition, message }),
  });
  for (let i = 0; i < 100 && out.length < expected; i++) await new Promise((r) => setTimeout(r, 100));
  // A little longer, so that a message that should not be there has the time to show up.
  await new Promise((r) => setTimeout(r, 500));
  await consumer.disconnect();
  return out;
}

describe("native transactional producer", () => {
  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: PARTITIONS }]);
    await admin.disconnect();
  });
  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it("partitions like kafkajs, hides aborted transactions, and is fenced by its successor", async () => {
    const txnId = uniqueName("test-native-txn");
    const first = await connectNativeProducer(config.kafka, txnId, log);
    const keys = Array.from({ length: 200 }, (_, i) => `${100 + (i % 13)}|${i}`);

    const committed = await first.transaction();
    await committed.send({ topic, messages: keys.map((k) => ({ key: k, value: Buffer.from(`ok ${k}`) })) });
    await committed.commit();

    const aborted = await first.transaction();
    await aborted.send({ topic, messages: [{ key: "gone", value: "aborted" }] });
    await aborted.abort();

    // The successor fences the first producer; the first one's next transaction cannot commit.
    const second = await connectNativeProducer(config.kafka, txnId, log);
    const zombie = first.transaction().then(async (t) => {
      await t.send({ topic, messages: [{ key: "zombie", value: "zombie" }] });
      await t.commit();
    });
    await expect(zombie).rejects.toThrow(/fenced|Kafka/i);
    const next = await second.transaction();
    await next.send({ topic, messages: [{ key: "after", value: "after" }] });
    await next.commit();
    await second.disconnect();
    await first.disconnect().catch(() => {});

    const seen = await readAll(keys.length + 1);
    const values = seen.map((s) => s.message.value?.toString());
    expect(values).not.toContain("aborted");
    expect(values).not.toContain("zombie");
    expect(values.filter((v) => v?.startsWith("ok "))).toHaveLength(keys.length);
    expect(values).toContain("after");

    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: PARTITIONS }, (_, p) => ({
      partitionId: p,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    for (const s of seen.filter((x) => x.message.value?.toString().startsWith("ok "))) {
      const key = s.message.key!.toString();
      expect(s.partition, key).toBe(partitioner({ topic, partitionMetadata, message: { key, value: null } }));
    }
    // Not all on one partition: the comparison above would be weak otherwise.
    expect(new Set(seen.map((s) => s.partition)).size).toBe(PARTITIONS);
  });
});
