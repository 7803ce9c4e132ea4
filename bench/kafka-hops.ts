/**
 * `npm run bench:hops -- [--hops 2] [--rate 1000] [--seconds 15] [--max-wait 100] [--client rdkafka]`
 * — what a chain of kafkajs (or, with `--client rdkafka`, librdkafka: `native-hop.ts`)
 * consume → transform → produce stages costs in latency on this machine, with the processor's
 * exactly-once mechanics and no ClickHouse: each hop consumes its input topic (read_committed,
 * 4 partitions, one batch in flight per partition) and sends every message on in a transaction
 * with the batch's offsets (one transactional producer per partition, like the processor). A
 * producer writes `--rate` messages/s stamped with their send time into the first topic; a
 * consumer of the last one prints p50/p95/p99/max of send → received. The number a redesign that
 * takes ClickHouse off the feedback path (README "Processing") would start from.
 */
import { createLogger } from "../lib/log/logger.ts";
import { loadConfig } from "../lib/config/config.ts";
import { createKafka, ensureTopics } from "../streams/kafka/kafka-factory.ts";
import type { Producer } from "kafkajs";
import { benchArgs } from "./args.ts";
import { nativeHop } from "./native-hop.ts";
import { quantile } from "./quantile.ts";

const opts = benchArgs(
  "npm run bench:hops -- [--hops 2] [--rate 1000] [--seconds 15] [--max-wait 100] [--client kafkajs|rdkafka]",
  {
    hops: { type: "number", default: 2, min: 0 },
    rate: { type: "number", default: 1000, min: 1 },
    seconds: { type: "number", default: 15, min: 1 },
    "max-wait": { type: "number", default: 100, min: 0 },
    client: { type: "string", default: "kafkajs", choices: ["kafkajs", "rdkafka"] },
  },
);
const HOPS = opts.hops;
const RATE = opts.rate;
const SECONDS = opts.seconds;
/** The hops' consumers' `maxWaitTimeInMs` (the processor uses 100). */
const MAX_WAIT = opts["max-wait"];
/** `--client rdkafka`: the hops over librdkafka (one consumer + one transactional producer per hop, KIP-447). */
const CLIENT = opts.client;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const tag = Date.now().toString(36);
  const config = loadConfig({ ...process.env, KAFKA_TOPIC_PREFIX: `benchhop_${tag}.` });
  const kafka = createKafka(config.kafka, createLogger({ name: "bench-hops", level: "fatal" }));
  const topic = (i: number) => kafka.scoped(`hop${i}`);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(
    admin,
    Array.from({ length: HOPS + 1 }, (_, i) => ({ topic: topic(i), numPartitions: 4, replicationFactor: 1 })),
  );

  const stops: (() => Promise<void>)[] = [];
  for (let h = 0; CLIENT === "rdkafka" && h < HOPS; h++)
    stops.push(await nativeHop(config, kafka.scoped(`hop${h}-group`), topic(h), topic(h + 1), MAX_WAIT));
  for (let h = 0; CLIENT !== "rdkafka" && h < HOPS; h++) {
    const groupId = kafka.scoped(`hop${h}-group`);
    const producers = new Map<number, Promise<Producer>>();
    const producerFor = (p: number): Promise<Producer> => {
      let pr = producers.get(p);
      if (!pr) {
        pr = (async () => {
          const producer = kafka.producer({
            transactionalId: `${groupId}.p${p}`,
            transactionTimeout: 60_000,
          });
          await producer.connect();
          return producer;
        })();
        producers.set(p, pr);
      }
      return pr;
    };
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: MAX_WAIT });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic(h)], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        if (batch.isEmpty()) return;
        const txn = await (await producerFor(batch.partition)).transaction();
        await txn.send({
          topic: topic(h + 1),
          messages: batch.messages.map((m) => ({ key: m.key, value: m.value, partition: batch.partition })),
        });
        await txn.sendOffsets({
          consumerGroupId: groupId,
          topics: [
            {
              topic: batch.topic,
              partitions: [
                { partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
              ],
            },
          ],
        });
        await txn.commit();
      },
    });
    stops.push(async () => {
      await consumer.disconnect();
      for (const p of producers.values()) await (await p).disconnect();
    });
  }

  const latencies: number[] = [];
  const sink = kafka.consumer({ groupId: kafka.scoped("hops-sink"), maxWaitTimeInMs: MAX_WAIT });
  await sink.connect();
  await sink.subscribe({ topics: [topic(HOPS)], fromBeginning: true });
  await sink.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) latencies.push(now - Number(m.value!.toString()));
    },
  });
  await sleep(3000); // groups joined

  const producer = kafka.producer();
  await producer.connect();
  const total = RATE * SECONDS;
  const perTick = RATE / 100;
  const start = Date.now();
  let sent = 0;
  for (let tick = 0; sent < total; tick++) {
    const due = Math.min(total, Math.round((tick + 1) * perTick));
    const messages = [];
    for (; sent < due; sent++) messages.push({ key: `k${sent % 997}`, value: String(Date.now()) });
    await producer.send({ topic: topic(0), messages });
    const wait = start + (tick + 1) * 10 - Date.now();
    if (wait > 0) await sleep(wait);
  }
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await sleep(100);
  latencies.sort((a, b) => a - b);
  console.log(
    `${HOPS} transactional ${CLIENT} hop(s), ${RATE} msgs/s for ${SECONDS} s, max wait ${MAX_WAIT} ms, no ClickHouse`,
  );
  console.log(`received ${latencies.length}/${total}`);
  for (const p of [50, 95, 99])
    console.log(`send → received p${p}`.padEnd(30), `${quantile(latencies, p / 100)} ms`);
  console.log("send → received max".padEnd(30), `${latencies.at(-1)} ms`);

  await producer.disconnect();
  await sink.disconnect();
  for (const s of stops) await s();
  await admin.deleteTopics({ topics: Array.from({ length: HOPS + 1 }, (_, i) => topic(i)) }).catch(() => {});
  await admin.disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
