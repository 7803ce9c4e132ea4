/**
 * One consume → transactional produce hop over librdkafka (node-rdkafka) for `bench:hops
 * --client rdkafka`: a KafkaConsumer (read_committed, no auto commit) and ONE transactional
 * producer per hop; each poll's messages are sent on and the offsets committed with them through
 * `sendOffsetsToTransaction` with the consumer's group metadata (KIP-447 fencing by generation).
 */
import { createRequire } from "node:module";
import type { Config } from "../lib/config/config.ts";
import { nativeProducerConfig } from "../streams/kafka/native-producer.ts";

interface RdMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
}
type Cb = (err: Error | null) => void;
interface RdConsumer {
  connect(opts: object, cb: Cb): void;
  subscribe(topics: string[]): void;
  consume(n: number, cb: (err: Error | null, messages: RdMessage[]) => void): void;
  setDefaultConsumeTimeout(ms: number): void;
  disconnect(cb: Cb): void;
}
interface RdProducer {
  connect(opts: object, cb: Cb): void;
  initTransactions(ms: number, cb: Cb): void;
  beginTransaction(cb: Cb): void;
  commitTransaction(ms: number, cb: Cb): void;
  sendOffsetsToTransaction(
    offsets: { topic: string; partition: number; offset: number }[],
    consumer: RdConsumer,
    ms: number,
    cb: Cb,
  ): void;
  produce(
    topic: string,
    partition: number | null,
    value: Buffer | null,
    key: Buffer | null | undefined,
  ): void;
  setPollInterval(ms: number): void;
  disconnect(cb: Cb): void;
}
const rd = createRequire(import.meta.url)("node-rdkafka") as {
  KafkaConsumer: new (conf: object, topicConf: object) => RdConsumer;
  Producer: new (conf: object, topicConf?: object) => RdProducer;
};
const call = (fn: (cb: Cb) => void): Promise<void> =>
  new Promise((res, rej) => fn((err) => (err ? rej(err) : res())));

/** Starts the hop; resolves to its stop function. */
export async function nativeHop(
  config: Config,
  groupId: string,
  from: string,
  to: string,
  maxWait: number,
): Promise<() => Promise<void>> {
  const consumer = new rd.KafkaConsumer(
    {
      "metadata.broker.list": config.kafka.brokers.join(","),
      "group.id": groupId,
      "enable.auto.commit": false,
      "isolation.level": "read_committed",
      "enable.partition.eof": true,
      "fetch.wait.max.ms": maxWait,
      "fetch.error.backoff.ms": 10,
    },
    { "auto.offset.reset": "earliest" },
  );
  await call((cb) => consumer.connect({}, cb));
  // node-rdkafka's consume(n) waits this long for EACH next message: a short wait returns a
  // batch as soon as the flow pauses (with 100 ms a trickle of messages kept it waiting).
  consumer.setDefaultConsumeTimeout(2);
  consumer.subscribe([from]);
  // retry.backoff.ms: a transaction begun while the broker still writes the previous one's
  // markers is refused (CONCURRENT_TRANSACTIONS) and retried after this backoff — at librdkafka's
  // default 100 ms that was the whole p99 (1 hop: 111 ms; at 5 ms: 28 ms).
  const producer = new rd.Producer({
    ...nativeProducerConfig(config.kafka, `${groupId}.tx`),
    "linger.ms": 0,
    "retry.backoff.ms": 5,
  });
  await call((cb) => producer.connect({}, cb));
  producer.setPollInterval(100);
  await call((cb) => producer.initTransactions(30_000, cb));

  let running = true;
  const loop = (async () => {
    while (running) {
      const messages = await new Promise<RdMessage[]>((res, rej) =>
        consumer.consume(10_000, (err, ms) => (err ? rej(err) : res(ms ?? []))),
      );
      const data = messages.filter((m) => m.value !== null);
      if (data.length === 0) continue;
      await call((cb) => producer.beginTransaction(cb));
      const next = new Map<number, number>();
      for (const m of data) {
        producer.produce(to, m.partition, m.value, m.key);
        next.set(m.partition, m.offset + 1);
      }
      await call((cb) =>
        producer.sendOffsetsToTransaction(
          [...next].map(([partition, offset]) => ({ topic: from, partition, offset })),
          consumer,
          30_000,
          cb,
        ),
      );
      await call((cb) => producer.commitTransaction(30_000, cb));
    }
  })();
  return async () => {
    running = false;
    await loop.catch(() => {});
    await call((cb) => consumer.disconnect(cb));
    await call((cb) => producer.disconnect(cb));
  };
}
