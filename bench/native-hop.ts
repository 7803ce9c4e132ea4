/**
 * One consume → transactional produce hop over librdkafka (node-rdkafka) for `bench:hops
 * --client rdkafka`: a KafkaConsumer (read_committed, no auto commit) and ONE transactional
 * producer per hop; each poll's messages are sent on and the offsets committed with them through
 * `sendOffsetsToTransaction` with the consumer's group metadata (KIP-447 fencing by generation).
 */
import type { Config } from "../lib/config/config.ts";
import {
  nativeConnectionConfig,
  rd,
  type RdCallback,
  type RdMessage,
} from "../streams/kafka/native-client.ts";
import { nativeProducerConfig } from "../streams/kafka/native-producer.ts";

const call = (fn: (cb: RdCallback) => void): Promise<void> =>
  new Promise((res, rej) => fn((err) => (err ? rej(err) : res())));

/** Starts the hop; resolves to its stop function. */
export async function nativeHop(
  config: Config,
  groupId: string,
  from: string,
  to: string,
  maxWait: number,
): Promise<() => Promise<void>> {
  const consumer = new (rd().KafkaConsumer)(
    {
      ...nativeConnectionConfig(config.kafka),
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
  const producer = new (rd().Producer)({
    ...nativeProducerConfig(config.kafka, `${groupId}.tx`, 0),
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
        producer.produce(to, m.partition, m.value, m.key ?? null);
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
    await call((cb) => producer.disconnect(10_000, cb));
  };
}
