/**
 * `npm run bench:kafka-cost -- [--messages 300000] [--bytes 180] [--per-transaction 3700]` — the
 * CPU a kafkajs process and the broker spend per message when a Node stage only moves records:
 * a transactional producer sends `--messages` records of `--bytes` bytes (about one
 * `sales.normalized` record) in transactions of `--per-transaction` (about one processor batch),
 * then a read_committed consumer reads them back. No Avro, no processing, no ClickHouse.
 *
 * Why: issue 4's 50k lines/s on two cores leaves 40 µs of CPU per line for the whole chain. The
 * processor consumes each line once and produces it once; this prints what kafkajs alone costs
 * for that (the floor of any kafkajs processor), beside `bench:process`'s per-process figures.
 */
import { benchArgs } from "./args.ts";
import { cpuSeconds, selfCpuSeconds, stackPids } from "./cpu-time.ts";
import { loadConfig } from "../lib/config/config.ts";
import { createLogger } from "../lib/log/logger.ts";
import { createKafka, ensureTopics, sendTopicsInChunks } from "../streams/kafka/kafka-factory.ts";

const opts = benchArgs(
  "npm run bench:kafka-cost -- [--messages 300000] [--bytes 180] [--per-transaction 3700]",
  {
    messages: { type: "number", default: 300_000, min: 1 },
    bytes: { type: "number", default: 180, min: 1 },
    "per-transaction": { type: "number", default: 3_700, min: 1 },
  },
);
const MESSAGES = opts.messages;
const BYTES = opts.bytes;
const PER_TXN = opts["per-transaction"];

async function main(): Promise<void> {
  const tag = Date.now().toString(36);
  const config = loadConfig({ ...process.env, KAFKA_TOPIC_PREFIX: `benchcost_${tag}.` });
  const kafka = createKafka(config.kafka, createLogger({ name: "bench-kafka-cost", level: "fatal" }));
  const brokerPid = stackPids(config).kafka;
  if (brokerPid === undefined) throw new Error("the local Kafka is not running (npm run stack:up)");
  const topic = kafka.scoped("cost");
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, numPartitions: 4, replicationFactor: 1 }]);

  // The records exist before anything is measured (their making is not Kafka's cost).
  const value = Buffer.alloc(BYTES, 7);
  const messages = Array.from({ length: MESSAGES }, (_, i) => ({
    key: `store${i % 250}|tx${Math.floor(i / 3)}`,
    value,
  }));

  const measure = async (what: string, run: () => Promise<void>): Promise<void> => {
    const c0 = selfCpuSeconds();
    const b0 = cpuSeconds(brokerPid) ?? 0;
    const t0 = Date.now();
    await run();
    const ms = Date.now() - t0;
    const client = ((selfCpuSeconds() - c0) / MESSAGES) * 1e6;
    const broker = (((cpuSeconds(brokerPid) ?? 0) - b0) / MESSAGES) * 1e6;
    console.log(
      `${what.padEnd(44)}${(ms / 1000).toFixed(1)} s  kafkajs ${client.toFixed(1)} µs/msg  broker ${broker.toFixed(1)} µs/msg`,
    );
  };

  const producer = kafka.producer({ transactionalId: `${topic}.producer`, transactionTimeout: 60_000 });
  await producer.connect();
  await measure(`produce ${MESSAGES} (transactions of ${PER_TXN})`, async () => {
    for (let i = 0; i < MESSAGES; i += PER_TXN) {
      const txn = await producer.transaction();
      await sendTopicsInChunks(txn, [{ topic, messages: messages.slice(i, i + PER_TXN) }]);
      await txn.commit();
    }
  });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: kafka.scoped("cost-reader"), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await measure(`consume ${MESSAGES} (read_committed)`, async () => {
    let read = 0;
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`read ${read} of ${MESSAGES} records in 120 s: the broker is not answering`)),
        120_000,
      );
      consumer
        .run({
          partitionsConsumedConcurrently: 4,
          eachBatch: async ({ batch }) => {
            read += batch.messages.length;
            if (read >= MESSAGES) {
              clearTimeout(timer);
              done();
            }
          },
        })
        .catch(fail);
    });
  });
  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  console.log(
    "at 50k lines/s two cores leave 40 µs of CPU per line for the whole chain (connector, broker, processor, ClickHouse)",
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
