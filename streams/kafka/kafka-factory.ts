/**
 * Thin factory over kafkajs: one place that builds clients from configuration, routes kafkajs
 * logs into pino, and sets the defaults Vitrine relies on (idempotent producers, explicit
 * topic creation).
 *
 * The factory also carries the topic namespace (`KAFKA_TOPIC_PREFIX`): `topics` are the names
 * under it and `scoped()` namespaces group and transactional ids the same way, so two prefixes on
 * one cluster never share a topic, a consumer group or a producer fence.
 *
 * @example
 *   const kafka = createKafka(config.kafka, log);
 *   const producer = kafka.producer(); // idempotent
 *   const consumer = kafka.consumer({ groupId: kafka.scoped("vitrine-sales-processor") });
 *   await consumer.subscribe({ topics: [kafka.topics.rawTransactions] });
 */
import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type ITopicConfig,
  type LogEntry,
  type Message,
  type Producer,
  type ProducerConfig,
  type SASLOptions,
} from "kafkajs";
import type { Config } from "../../lib/config/config.ts";
import type { Logger } from "../../lib/log/logger.ts";
import { topicsFor, type Topics } from "../topics.ts";

export interface KafkaFactory {
  readonly kafka: Kafka;
  /** The topic prefix ("" or e.g. "staging."). */
  readonly prefix: string;
  /** Every topic name under the prefix. */
  readonly topics: Topics;
  /** A consumer-group or transactional id under the prefix. */
  scoped(id: string): string;
  /** An admin client (not yet connected). */
  admin(): Admin;
  /** An idempotent producer (acks=all, one in-flight request, retries), not yet connected. */
  producer(cfg?: Omit<ProducerConfig, "idempotent">): Producer;
  /** A consumer in the given group, not yet connected. */
  consumer(cfg: ConsumerConfig): Consumer;
}

const toPinoLevel = (level: KafkaLogLevel): "error" | "warn" | "info" | "debug" => {
  switch (level) {
    case KafkaLogLevel.ERROR:
    case KafkaLogLevel.NOTHING:
      return "error";
    case KafkaLogLevel.WARN:
      return "warn";
    case KafkaLogLevel.INFO:
      return "info";
    default:
      return "debug";
  }
};

const toSasl = (s: NonNullable<Config["kafka"]["sasl"]>): SASLOptions => {
  const { username, password } = s;
  switch (s.mechanism) {
    case "plain":
      return { mechanism: "plain", username, password };
    case "scram-sha-256":
      return { mechanism: "scram-sha-256", username, password };
    case "scram-sha-512":
      return { mechanism: "scram-sha-512", username, password };
  }
};

/**
 * Builds the factory.
 *
 * @param cfg brokers, client id, topic prefix
 * @param log parent logger; kafkajs lines are logged under `kafka`
 */
export function createKafka(cfg: Config["kafka"], log: Logger): KafkaFactory {
  const kafkaLog = log.child({ component: "kafka" });
  const kafka = new Kafka({
    clientId: cfg.clientId,
    brokers: [...cfg.brokers],
    ssl: cfg.ssl,
    ...(cfg.sasl ? { sasl: toSasl(cfg.sasl) } : {}),
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        // Per-request error responses ("coordinator is loading", …) are retried by kafkajs; a
        // real failure reaches the caller as an exception. Logging them as errors only alarms.
        const pinoLevel =
          namespace === "Connection" && level === KafkaLogLevel.ERROR ? "warn" : toPinoLevel(level);
        kafkaLog[pinoLevel]({ namespace, ...extra }, message);
      },
    retry: { initialRetryTime: 100, retries: 8 },
  });
  const prefix = cfg.topicPrefix;
  return {
    kafka,
    prefix,
    topics: topicsFor(prefix),
    scoped: (id) => `${prefix}${id}`,
    admin: () => kafka.admin(),
    producer: (pc = {}) =>
      kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        ...pc,
        idempotent: true,
        maxInFlightRequests: 1,
        // An idempotent producer must retry until it succeeds, or sequence numbers break. A
        // transaction begun while the broker still writes the previous one's markers is refused
        // (CONCURRENT_TRANSACTIONS) for a few ms: transactional producers retry soon, as the Java
        // client does (20 ms), not after kafkajs' 100 ms (`bench:hops` under load: one hop's p99 was
        // 130 ms with 100 ms, 76 ms with 5 ms).
        retry: {
          retries: Number.MAX_SAFE_INTEGER,
          maxRetryTime: 30_000,
          initialRetryTime: pc.transactionalId ? 20 : 100,
        },
      }),
    consumer: (cc) => kafka.consumer(cc),
  };
}

/**
 * Creates topics that do not exist yet (idempotent).
 *
 * @param admin a connected admin client
 * @param topics topic specs
 * @returns the names of the topics that were created now
 */
export async function ensureTopics(admin: Admin, topics: readonly ITopicConfig[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({ topics: [...missing], waitForLeaders: true });
  return missing.map((t) => t.topic);
}

/** Messages per produce request in `sendInChunks`. */
export const SEND_CHUNK = 1000;

/**
 * Sends many messages to one topic as several produce requests of `SEND_CHUNK` messages.
 * kafkajs groups a send's messages per partition in quadratic time, so one request of tens of
 * thousands of messages is much slower than the same messages in chunks; inside a transaction
 * the chunks still commit or abort together.
 *
 * @param sender a producer or a transaction
 */
export async function sendInChunks(
  sender: Pick<Producer, "send">,
  topic: string,
  messages: readonly Message[],
  acks = -1,
): Promise<void> {
  for (let i = 0; i < messages.length; i += SEND_CHUNK)
    await sender.send({ topic, messages: messages.slice(i, i + SEND_CHUNK), acks });
}

/**
 * Sends messages for several topics in as few produce requests as `SEND_CHUNK` allows (one
 * request per chunk of up to `SEND_CHUNK` messages across the topics), e.g. a processor's
 * outputs inside one transaction: fewer round trips than one `send` per topic.
 *
 * @param sender a producer or a transaction
 */
export async function sendTopicsInChunks(
  sender: Pick<Producer, "sendBatch">,
  byTopic: readonly { topic: string; messages: readonly Message[] }[],
  acks = -1,
): Promise<void> {
  let request: { topic: string; messages: Message[] }[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (size === 0) return;
    await sender.sendBatch({ topicMessages: request, acks });
    request = [];
    size = 0;
  };
  for (const { topic, messages } of byTopic) {
    for (let i = 0; i < messages.length;) {
      const take = Math.min(SEND_CHUNK - size, messages.length - i);
      request.push({ topic, messages: messages.slice(i, i + take) });
      size += take;
      i += take;
      if (size >= SEND_CHUNK) await flush();
    }
  }
  await flush();
}
