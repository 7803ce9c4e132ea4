/**
 * Avro through the real schema registry and the real Kafka broker: a record survives a
 * produce/consume round trip in Confluent wire format, BACKWARD-compatible evolution is accepted
 * and a breaking change is rejected.
 */
import { resolve } from "node:path";
import type { Admin, Consumer, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { createKafka, ensureTopics } from "../../streams/kafka/kafka-factory.ts";
import { AvroSerde, readSchemaFile, valueSubject } from "../../streams/serde/avro-serde.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

interface TestSale {
  cod_loja: string;
  cod_transacao: string;
  quantidade: number;
  preco: string;
}

const schema = (f: string) => readSchemaFile(resolve(REPO_ROOT, "tests/fixtures/schemas", f));

describe("Avro serde with the schema registry and Kafka", () => {
  const config = testConfig();
  const kafka = createKafka(config.kafka, createLogger({ name: "test", level: "error" }));
  const serde = new AvroSerde(config.schemaRegistry.url);
  const topic = uniqueName("test.avro");
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    expect(await ensureTopics(admin, [{ topic, numPartitions: 2 }])).toEqual([topic]);
    expect(await ensureTopics(admin, [{ topic, numPartitions: 2 }])).toEqual([]);
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: uniqueName("test-group"), maxWaitTimeInMs: 500 });
    await consumer.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin?.disconnect();
  });

  it("produces and consumes an Avro record through the registry", async () => {
    const sales = await serde.forSubject<TestSale>(valueSubject(topic), await schema("sale-v1.avsc"));
    expect(sales.schemaId).toBeGreaterThan(0);
    const sale: TestSale = { cod_loja: "L001", cod_transacao: "T-9", quantidade: 2, preco: "59.90" };
    const value = await sales.encode(sale);
    expect(value[0]).toBe(0); // Confluent magic byte
    expect(value.readInt32BE(1)).toBe(sales.schemaId);
    await producer.send({ topic, messages: [{ key: "V42", value }] });

    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = new Promise<{ key: string; sale: TestSale }>((resolveMsg, reject) => {
      void consumer
        .run({
          eachMessage: async ({ message }) => {
            if (!message.value) return reject(new Error("empty message"));
            resolveMsg({
              key: message.key?.toString() ?? "",
              sale: await serde.decode<TestSale>(message.value),
            });
          },
        })
        .catch(reject);
    });
    const got = await received;
    expect(got).toEqual({ key: "V42", sale });
  });

  it("registers the same schema idempotently and accepts a compatible change", async () => {
    const subject = valueSubject(uniqueName("test.evolve"));
    const v1 = await serde.register(subject, await schema("sale-v1.avsc"));
    expect(await serde.register(subject, await schema("sale-v1.avsc"))).toBe(v1);
    const v2 = await serde.register(subject, await schema("sale-v2-compatible.avsc"));
    expect(v2).not.toBe(v1);
    const res = await fetch(`${config.schemaRegistry.url}/config/${subject}`);
    expect(((await res.json()) as { compatibilityLevel: string }).compatibilityLevel).toBe("BACKWARD");
  });

  it("rejects a breaking schema change", async () => {
    const subject = valueSubject(uniqueName("test.breaking"));
    await serde.register(subject, await schema("sale-v1.avsc"));
    await expect(serde.register(subject, await schema("sale-v2-breaking.avsc"))).rejects.toMatchObject({
      code: "VT_ERR_SERDE_SCHEMA_INCOMPATIBLE",
    });
    const versions = await fetch(`${config.schemaRegistry.url}/subjects/${subject}/versions`);
    expect(await versions.json()).toEqual([1]);
  });
});
