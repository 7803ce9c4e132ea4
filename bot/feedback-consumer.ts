/**
 * Consumes `sales.feedback` for the bot: its own consumer group (committed offsets, so a restart
 * does not ping again), Avro through the registry, and sales older than `maxAgeMs` skipped (a
 * replay of history, or a backlog after a long outage, sends nothing).
 *
 * Offsets are committed by kafkajs after each batch has been handed to the outbox: a crash can
 * lose the pings still queued (a notification, not a figure: every figure is in /meta and
 * /comissao) but never pings twice for committed sales.
 */
import type { Consumer } from "kafkajs";
import type { Logger } from "../lib/log/logger.ts";
import type { KafkaFactory } from "../streams/kafka/kafka-factory.ts";
import type { AvroSerde } from "../streams/serde/avro-serde.ts";
import type { SaleFeedback } from "./feedback-event.ts";

export const BOT_GROUP = "vitrine-bot";
export const DEFAULT_MAX_AGE_MS = 60 * 60_000;

export interface FeedbackConsumerOptions {
  readonly kafka: KafkaFactory;
  readonly serde: AvroSerde;
  readonly log: Logger;
  readonly onEvent: (event: SaleFeedback) => unknown;
  readonly maxAgeMs?: number;
  /** Consumer group before scoping (default `vitrine-bot`). */
  readonly groupId?: string;
  readonly now?: () => number;
}

export interface FeedbackConsumer {
  readonly consumer: Consumer;
  /** Events handed on and skipped as too old. */
  readonly counts: { delivered: number; skippedOld: number; undecodable: number };
  stop(): Promise<void>;
}

/** Starts consuming (resolves once the consumer runs). */
export async function startFeedbackConsumer(o: FeedbackConsumerOptions): Promise<FeedbackConsumer> {
  const log = o.log.child({ component: "bot.feedback" });
  const now = o.now ?? Date.now;
  const maxAge = o.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const counts = { delivered: 0, skippedOld: 0, undecodable: 0 };
  const consumer = o.kafka.consumer({ groupId: o.kafka.scoped(o.groupId ?? BOT_GROUP) });
  await consumer.connect();
  // A new group starts at the beginning: the age filter, not the offset, decides what is stale.
  await consumer.subscribe({ topics: [o.kafka.topics.salesFeedback], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      if (!message.value) return;
      let event: SaleFeedback;
      try {
        event = await o.serde.decode<SaleFeedback>(message.value);
      } catch (err) {
        counts.undecodable++;
        log.warn(
          { partition, offset: message.offset, err: (err as Error).message },
          "bot.feedback.undecodable",
        );
        return;
      }
      const saleAt = Date.parse(event.sale_time);
      if (!Number.isFinite(saleAt) || now() - saleAt > maxAge) {
        counts.skippedOld++;
        return;
      }
      counts.delivered++;
      await o.onEvent(event);
    },
  });
  return {
    consumer,
    counts,
    async stop() {
      await consumer.disconnect();
    },
  };
}
