/**
 * The RxJS Kafka source against the real broker: batches flow with backpressure, offsets are
 * committed only after the sink acknowledged, and what was not acknowledged when a consumer died
 * is delivered again to the next member of the group.
 */
import type { Consumer } from "kafkajs";
import { concatMap, first, firstValueFrom, tap } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log/logger.ts";
import { createKafka, ensureTopics } from "../../streams/kafka/kafka-factory.ts";
import { kafkaSource } from "../../streams/runtime/kafka-source.ts";
import { committedOffsets } from "../setup/read-topic.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

const kafka = createKafka(testConfig().kafka, createLogger({ name: "test", level: "error" }));
const topic = uniqueName("test.source");
const group = uniqueName("test-source-group");
const N = 2000;
const decode = (v: Buffer) => Number(v.toString());

const committed = (): Promise<number> => committedOffsets(kafka, group, topic);

const consumer = async (): Promise<Consumer> => {
  const c = kafka.consumer({ groupId: group, maxWaitTimeInMs: 200, maxBytesPerPartition: 16 * 1024 });
  await c.connect();
  return c;
};

describe("kafkaSource", () => {
  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: 2 }]);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: N }, (_, i) => ({ key: String(i % 7), value: String(i) })),
    });
    await producer.disconnect();
  });
  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it("commits nothing that was not acknowledged, and redelivers it to the next consumer", async () => {
    const dying = await consumer();
    // Take the first batch and never acknowledge it: the consumer then goes away.
    const batch = await firstValueFrom(kafkaSource(dying, { topics: [topic], decode }));
    expect(batch.messages.length).toBeGreaterThan(0);
    await dying.disconnect();
    expect(await committed()).toBe(0);

    const second = await consumer();
    const seen = new Set<number>();
    let emitted = 0;
    let acked = 0;
    let maxOutstanding = 0;
    await firstValueFrom(
      kafkaSource(second, { topics: [topic], decode }).pipe(
        tap(() => {
          emitted++;
          maxOutstanding = Math.max(maxOutstanding, emitted - acked);
        }),
        concatMap(async (b) => {
          await new Promise((r) => setTimeout(r, 5)); // a slow sink
          for (const m of b.messages) seen.add(m.value);
          acked++;
          b.ack();
          return seen.size;
        }),
        first((size) => size === N),
      ),
    );
    // The unacknowledged first batch came again; every message was seen.
    expect(seen.has(batch.messages[0]!.value)).toBe(true);
    expect(seen.size).toBe(N);
    // Backpressure: never more than one unacknowledged batch per partition (2 partitions).
    expect(maxOutstanding).toBeLessThanOrEqual(2);
    // Offsets follow acknowledgements: all N are committed once the last ack is processed.
    for (let i = 0; i < 50 && (await committed()) < N; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await committed()).toBe(N);
    await second.disconnect();
  });
});
