/**
 * Feeds the live hub from `sales.feedback`: a kafkajs consumer in a consumer group of its own
 * (one per API instance, so EVERY instance sees every event and pushes to its own sockets),
 * starting at the latest offsets (a socket wants what happens from now on; history is REST's).
 * No offsets are committed: a restarted instance starts at "now" again. Reads committed
 * transactions only (the processor produces feedback transactionally).
 *
 * `start()` resolves once the group has joined and the first fetch has resolved its offsets, so
 * an event produced after that is delivered.
 *
 * @example
 *   const feed = await startFeedbackConsumer({ kafka, serde, topic: t.salesFeedback, log, onEvent: (e) => hub.publish(e) });
 *   await feed.stop();
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "../../lib/log/logger.ts";
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";
import type { AvroSerde } from "../../streams/serde/avro-serde.ts";
import type { SaleFeedbackEvent } from "./sale-message.ts";

export interface FeedbackConsumerDeps {
  readonly kafka: KafkaFactory;
  readonly serde: AvroSerde;
  readonly topic: string;
  readonly log: Logger;
  readonly onEvent: (event: SaleFeedbackEvent) => void;
  /** Group id (default: `<prefix>vitrine-api-live.<host>.<pid>.<random>`, unique per instance). */
  readonly groupId?: string;
  /** Longest wait for the first fetch (default 60 s). */
  readonly readyTimeoutMs?: number;
}

export interface FeedbackConsumer {
  readonly groupId: string;
  /** Undefined while consuming; the reason once kafkajs gave up (for `/health`). */
  failure(): string | undefined;
  stop(): Promise<void>;
}

/** A group id unique to this process. */
export const instanceGroupId = (): string =>
  `vitrine-api-live.${hostname().replace(/[^A-Za-z0-9_-]/g, "_")}.${process.pid}.${randomBytes(4).toString("hex")}`;

export async function startFeedbackConsumer(deps: FeedbackConsumerDeps): Promise<FeedbackConsumer> {
  const groupId = deps.groupId ?? deps.kafka.scoped(instanceGroupId());
  const log = deps.log.child({ component: "feedback-consumer", groupId });
  const consumer = deps.kafka.consumer({
    groupId,
    maxWaitTimeInMs: 250,
    sessionTimeout: 30_000,
    heartbeatInterval: 3000,
    allowAutoTopicCreation: false,
  });

  let joined = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  const offFetch = consumer.on(consumer.events.FETCH, () => {
    if (joined) markReady();
  });
  let failure: string | undefined;
  const offCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error({ err: payload.error, restart: payload.restart }, "feedback.consumer_crashed");
    if (!payload.restart) failure = `sales.feedback consumer stopped: ${payload.error.message}`;
  });

  await consumer.connect();
  await consumer.subscribe({ topics: [deps.topic], fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (!message.value) continue;
        let event: SaleFeedbackEvent;
        try {
          // Synchronous once the schema id is known (no promise per message on the hot path).
          const decoded = deps.serde.decodeFast<SaleFeedbackEvent>(message.value);
          event = decoded instanceof Promise ? await decoded : decoded;
        } catch (err) {
          log.warn(
            { err: (err as Error).message, partition: batch.partition, offset: message.offset },
            "feedback.undecodable",
          );
          continue;
        }
        try {
          deps.onEvent(event);
        } catch (err) {
          log.error({ err, partition: batch.partition, offset: message.offset }, "feedback.publish_failed");
        }
      }
    },
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`sales.feedback consumer not ready within ${deps.readyTimeoutMs ?? 60_000} ms`)),
          deps.readyTimeoutMs ?? 60_000,
        );
      }),
    ]);
  } catch (err) {
    await consumer.disconnect().catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
  log.info({ topic: deps.topic }, "feedback.consuming");

  return {
    groupId,
    failure: () => failure,
    async stop() {
      offJoin();
      offFetch();
      offCrash();
      await consumer.disconnect();
    },
  };
}
