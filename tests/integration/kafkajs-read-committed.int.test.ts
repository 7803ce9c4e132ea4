/**
 * A kafkajs read_committed consumer against the real broker skips every record of aborted
 * transactions when transactions of several producers interleave on one partition — the case
 * the patch in patches/ fixes (the broker lists aborted transactions by abort marker, here B
 * before A although A began first).
 */
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log/logger.ts";
import { createKafka, ensureTopics } from "../../streams/kafka/kafka-factory.ts";
import { readTopic } from "../setup/read-topic.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

const kafka = createKafka(testConfig().kafka, createLogger({ name: "test", level: "error" }));
const topic = uniqueName("test.read-committed");

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
});

describe("kafkajs read_committed (patched)", () => {
  it("skips interleaved aborted transactions and keeps the committed one", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: 1 }]);
    await admin.disconnect();
    const producer = async (id: string) => {
      const p = kafka.producer({ transactionalId: uniqueName(id), maxInFlightRequests: 1 });
      await p.connect();
      return p;
    };
    const [a, b, c] = await Promise.all([producer("txn-a"), producer("txn-b"), producer("txn-c")]);
    const send = (t: Awaited<ReturnType<typeof a.transaction>>, value: string) =>
      t.send({ topic, messages: [{ key: "k", value }] });
    try {
      const ta = await a.transaction();
      await send(ta, "a1"); // A begins first…
      const tb = await b.transaction();
      await send(tb, "b1");
      await tb.abort(); // …but B's abort marker comes first
      const tc = await c.transaction();
      await send(tc, "c1");
      await tc.commit();
      await send(ta, "a2");
      await ta.abort();
      const tc2 = await c.transaction();
      await send(tc2, "c2");
      await tc2.commit();
    } finally {
      await Promise.all([a, b, c].map((p) => p.disconnect()));
    }
    const values = (await readTopic(kafka, topic)).map((m) => m.value.toString());
    expect(values).toEqual(["c1", "c2"]);
  });
});
