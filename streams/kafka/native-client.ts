/**
 * librdkafka (node-rdkafka) plumbing shared by the connector's native producer and the
 * `bench:hops --client rdkafka` hops: the module, the few calls used typed locally (node-rdkafka is CommonJS with a native addon and partial
 * typings), and the connection settings from Vitrine's Kafka configuration.
 */
import { createRequire } from "node:module";
import type { Config } from "../../lib/config/config.ts";

export interface RdError extends Error {
  readonly code: number;
}
export type RdCallback = (err: RdError | null) => void;
export type RdConf = Record<string, string | number | boolean>;

/** A message as node-rdkafka's consumer returns it. */
export interface RdMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key?: Buffer | string | null;
  readonly value: Buffer | null;
  /** Broker or producer timestamp, epoch ms. */
  readonly timestamp?: number;
}

export interface RdTopicPartition {
  readonly topic: string;
  readonly partition: number;
  readonly offset?: number;
}

/** The consumer calls `bench:hops --client rdkafka` uses. */
export interface RdConsumer {
  connect(opts: object, cb: RdCallback): void;
  disconnect(cb: RdCallback): void;
  subscribe(topics: string[]): void;
  consume(n: number, cb: (err: RdError | null, messages: RdMessage[]) => void): void;
  setDefaultConsumeTimeout(ms: number): void;
}

export interface RdProducer {
  connect(opts: object, cb: RdCallback): void;
  disconnect(timeoutMs: number, cb: RdCallback): void;
  initTransactions(timeoutMs: number, cb: RdCallback): void;
  beginTransaction(cb: RdCallback): void;
  commitTransaction(timeoutMs: number, cb: RdCallback): void;
  abortTransaction(timeoutMs: number, cb: RdCallback): void;
  sendOffsetsToTransaction(
    offsets: readonly RdTopicPartition[],
    consumer: RdConsumer,
    timeoutMs: number,
    cb: RdCallback,
  ): void;
  produce(
    topic: string,
    partition: number | null,
    value: Buffer | null,
    key: Buffer | string | null,
  ): boolean;
  poll(): void;
  setPollInterval(ms: number): void;
  on(event: "event.error", cb: (err: RdError) => void): void;
}

export interface RdModule {
  Producer: new (conf: RdConf, topicConf?: object) => RdProducer;
  KafkaConsumer: new (conf: RdConf, topicConf?: object) => RdConsumer;
  CODES: { ERRORS: Record<string, number> };
}

const require = createRequire(import.meta.url);
/** node-rdkafka, loaded on first use (its native addon is only needed by the native clients). */
export const rd = (): RdModule => require("node-rdkafka") as RdModule;

/** Connection settings (brokers, client id, TLS and SASL) in librdkafka's terms. */
export function nativeConnectionConfig(cfg: Config["kafka"]): RdConf {
  const conf: RdConf = {
    "metadata.broker.list": cfg.brokers.join(","),
    "client.id": cfg.clientId,
  };
  const sasl = cfg.sasl;
  conf["security.protocol"] = cfg.ssl ? (sasl ? "sasl_ssl" : "ssl") : sasl ? "sasl_plaintext" : "plaintext";
  if (sasl) {
    conf["sasl.mechanisms"] = sasl.mechanism === "plain" ? "PLAIN" : sasl.mechanism.toUpperCase();
    conf["sasl.username"] = sasl.username;
    conf["sasl.password"] = sasl.password;
  }
  return conf;
}
