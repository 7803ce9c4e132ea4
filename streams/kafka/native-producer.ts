/**
 * A transactional Kafka producer over librdkafka (node-rdkafka), for the hot write path of the S3
 * source connector. kafkajs encodes record batches in JavaScript on the main thread and tops out
 * around 40k messages/s on this 2-core machine; librdkafka batches, compresses and sends on its
 * own native threads, so the connector's main thread only parses, validates and encodes Avro.
 *
 * Same guarantees as the kafkajs transactional producer it replaces: idempotence, one
 * transactional id per deployment (a restarted connector fences its crashed predecessor in
 * `connect()`), all-or-nothing commit. Keys are partitioned with Java's murmur2 — exactly the
 * kafkajs `DefaultPartitioner` — so a key lands on the same partition whichever client wrote it.
 *
 * @example
 *   const p = await connectNativeProducer(config.kafka, kafka.scoped("vitrine-s3-source"), log);
 *   const txn = await p.transaction();
 *   await txn.send({ topic, messages: [{ key: "k", value: buf }] });
 *   await txn.commit();
 */
import type { Config } from "../../lib/config/config.ts";
import type { Logger } from "../../lib/log/logger.ts";
import { VT_ERR_KAFKA_PRODUCE_FAILED } from "../../lib/errors/codes.ts";
import { VitrineError } from "../../lib/errors/vitrine-error.ts";
import { nativeConnectionConfig, rd, type RdConf, type RdError } from "./native-client.ts";

/** One message: the subset of a kafkajs `Message` the connector writes. */
export interface OutMessage {
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
}

/**
 * Messages packed back to back, as the connector's validation worker returns them: message i has
 * key `keys[i]` and the value `values[ends[i - 1] ?? 0 .. ends[i]]`. Kept packed until produced,
 * so a batch waiting for the transaction before it is a few objects, not one per message.
 */
export interface PackedMessages {
  readonly keys: readonly string[];
  readonly values: Buffer;
  readonly ends: Int32Array;
}

/** An open transaction. */
export interface ProducerTransaction {
  send(record: { topic: string; messages: readonly OutMessage[] | PackedMessages }): Promise<unknown>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** What the connector needs of a producer; a kafkajs transactional `Producer` fits it too. */
export interface TransactionalProducer {
  transaction(): Promise<ProducerTransaction>;
  disconnect(): Promise<void>;
}

const TIMEOUT_MS = 60_000;

const call = (what: string, fn: (cb: (err: RdError | null) => void) => void): Promise<void> =>
  new Promise((resolve, reject) =>
    fn((err) =>
      err
        ? reject(
            new VitrineError(VT_ERR_KAFKA_PRODUCE_FAILED, `Kafka ${what} failed: ${err.message}`, {
              cause: err,
            }),
          )
        : resolve(),
    ),
  );

/** librdkafka settings from Vitrine's Kafka configuration. */
export function nativeProducerConfig(cfg: Config["kafka"], transactionalId: string, lingerMs = 5): RdConf {
  return {
    ...nativeConnectionConfig(cfg),
    "transactional.id": transactionalId,
    "transaction.timeout.ms": TIMEOUT_MS,
    "enable.idempotence": true,
    "linger.ms": lingerMs,
    // A transaction begun while the broker still writes the previous one's markers is refused
    // (CONCURRENT_TRANSACTIONS) and retried after this backoff: librdkafka's 100 ms default made
    // one in a few back-to-back commits wait 100 ms (`bench:hops --client rdkafka`).
    "retry.backoff.ms": 10,
    "batch.num.messages": 10_000,
    "batch.size": 1_000_000,
    "queue.buffering.max.messages": 500_000,
    "queue.buffering.max.kbytes": 65_536,
    dr_cb: false,
  };
}

/**
 * Connects a transactional librdkafka producer and initializes its transactions (which fences any
 * older producer with the same transactional id).
 */
export async function connectNativeProducer(
  cfg: Config["kafka"],
  transactionalId: string,
  log: Logger,
): Promise<TransactionalProducer> {
  const { Producer, CODES } = rd();
  // `partitioner` is a topic-level property: in the global settings it would be ignored.
  const producer = new Producer(nativeProducerConfig(cfg, transactionalId), {
    partitioner: "murmur2_random",
  });
  const plog = log.child({ component: "kafka-native" });
  // Errors librdkafka reports outside a call (broker down, retried internally); a failure that
  // matters reaches the caller through produce or commit.
  producer.on("event.error", (err) => plog.warn({ code: err.code }, err.message));
  await call("connect", (cb) => producer.connect({}, cb));
  producer.setPollInterval(100);
  await call("initTransactions", (cb) => producer.initTransactions(TIMEOUT_MS, cb));
  const queueFull = CODES.ERRORS["ERR__QUEUE_FULL"];

  const bufferOf = (v: string | Buffer | null): Buffer | null =>
    v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v);

  /** Hands one message to librdkafka; false when its local queue is full. */
  const tryProduce = (topic: string, value: Buffer | null, key: string | Buffer | null): boolean => {
    try {
      producer.produce(topic, null, value, key);
      return true;
    } catch (err) {
      if ((err as RdError).code !== queueFull) throw err;
      return false;
    }
  };
  const waitForRoom = async (): Promise<void> => {
    producer.poll();
    await new Promise((r) => setTimeout(r, 5));
  };

  /** Produces every message, in order; waits only while librdkafka's local queue is full. */
  const produceAll = async (
    topic: string,
    messages: readonly OutMessage[] | PackedMessages,
  ): Promise<void> => {
    if ("ends" in messages) {
      let start = 0;
      for (let i = 0; i < messages.keys.length; i++) {
        const end = messages.ends[i]!;
        const value = messages.values.subarray(start, end);
        while (!tryProduce(topic, value, messages.keys[i]!)) await waitForRoom();
        start = end;
      }
    } else
      for (const m of messages) {
        const value = bufferOf(m.value);
        while (!tryProduce(topic, value, m.key)) await waitForRoom();
      }
  };

  return {
    async transaction(): Promise<ProducerTransaction> {
      await call("beginTransaction", (cb) => producer.beginTransaction(cb));
      return {
        send: ({ topic, messages }) => produceAll(topic, messages),
        commit: () => call("commitTransaction", (cb) => producer.commitTransaction(TIMEOUT_MS, cb)),
        abort: () => call("abortTransaction", (cb) => producer.abortTransaction(TIMEOUT_MS, cb)),
      };
    },
    disconnect: () => call("disconnect", (cb) => producer.disconnect(10_000, cb)),
  };
}
