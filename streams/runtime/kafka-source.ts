/**
 * A Kafka consumer as an RxJS Observable of batches, with backpressure and at-least-once
 * delivery made safe for idempotent sinks:
 *
 * - one batch per partition is in flight: kafkajs does not fetch the next batch of a partition
 *   until the current one is acknowledged (`ack()`), so memory is bounded by
 *   `maxBytesPerPartition × partitions`, whatever the lag;
 * - offsets are committed only after the downstream sink acknowledged the batch;
 * - on a rebalance, a batch of a partition that was revoked is not committed (its new owner
 *   re-reads it from the last committed offset), so sinks must be idempotent per
 *   (topic, partition, offset) — the ClickHouse sink is.
 *
 * @example
 *   kafkaSource(consumer, { topics: ["raw.transactions"], decode }).pipe(
 *     concatMap(async (b) => { await sink(b.messages); b.ack(); }),
 *   ).subscribe();
 */
import type { Consumer, KafkaMessage } from "kafkajs";
import { Observable } from "rxjs";

export interface SourceMessage<T> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: T;
  /** Broker timestamp, epoch ms. */
  readonly timestamp: number;
}

export interface SourceBatch<T> {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly SourceMessage<T>[];
  /** Offset of the last message of the batch. */
  readonly lastOffset: string;
  /** The sink has durably handled every message: commit and fetch the next batch. */
  ack(): void;
  /** The sink failed: the source errors (and nothing is committed). */
  fail(err: unknown): void;
  /** The partition was revoked (or the consumer stops): the batch's work will be redone elsewhere. */
  stale(): boolean;
}

export interface KafkaSourceOptions<T> {
  readonly topics: readonly string[];
  readonly fromBeginning?: boolean;
  /** Decodes a message value (e.g. Avro through the registry). */
  readonly decode: (value: Buffer, message: KafkaMessage) => Promise<T> | T;
  /** Partitions processed at once (each with one batch in flight). */
  readonly partitionsConcurrently?: number;
  /**
   * Who commits the group's offsets: `consumer` (default) commits after the ack; `sink` means
   * the sink committed them itself before acking (in a Kafka transaction with its outputs,
   * `sendOffsets`), so the source only moves its fetch position on.
   */
  readonly commit?: "consumer" | "sink";
}

/**
 * Runs the consumer while subscribed; unsubscribing stops it (the caller disconnects it).
 *
 * @param consumer a connected kafkajs consumer (its group decides partition ownership)
 */
export function kafkaSource<T>(consumer: Consumer, opts: KafkaSourceOptions<T>): Observable<SourceBatch<T>> {
  return new Observable<SourceBatch<T>>((subscriber) => {
    let stopped = false;
    /** Batches handed out and not yet acknowledged: abandoned (never committed) on unsubscribe. */
    const pending = new Set<() => void>();
    const start = async (): Promise<void> => {
      await consumer.subscribe({ topics: [...opts.topics], fromBeginning: opts.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 4,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
          if (batch.isEmpty() || stopped) return;
          const messages: SourceMessage<T>[] = [];
          for (const m of batch.messages) {
            if (!m.value) continue;
            const decoded = opts.decode(m.value, m);
            messages.push({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key?.toString() ?? null,
              // Synchronous decoders (cached schema) skip a microtask per message.
              value: decoded instanceof Promise ? await decoded : decoded,
              timestamp: Number(m.timestamp),
            });
          }
          let settle!: (err?: unknown) => void;
          let abandoned = false;
          const done = new Promise<void>((resolve, reject) => {
            settle = (err) => (err === undefined ? resolve() : reject(err));
          });
          const abandon = (): void => {
            abandoned = true;
            settle();
          };
          pending.add(abandon);
          // Unsubscribed while this batch was being decoded: nobody will acknowledge it.
          if (stopped || subscriber.closed) abandon();
          subscriber.next({
            topic: batch.topic,
            partition: batch.partition,
            messages,
            lastOffset: batch.lastOffset(),
            ack: () => settle(),
            fail: (err) => settle(err ?? new Error("sink failed")),
            stale: () => abandoned || stopped || !isRunning() || isStale(),
          });
          // Wait for the sink, heartbeating so a slow sink does not cost us the partitions.
          const beat = setInterval(() => void heartbeat().catch(() => {}), 2000);
          try {
            await done;
          } catch (err) {
            subscriber.error(err);
            return;
          } finally {
            clearInterval(beat);
            pending.delete(abandon);
          }
          if (abandoned || !isRunning() || isStale()) return; // revoked meanwhile: the new owner re-reads it
          resolveOffset(batch.lastOffset()); // fetch on from here…
          if (opts.commit === "sink") return;
          const next = (BigInt(batch.lastOffset()) + 1n).toString();
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]); // …and remember it
        },
      });
    };
    start().catch((err: unknown) => subscriber.error(err));
    return () => {
      stopped = true;
      for (const abandon of pending) abandon();
      void consumer.stop().catch(() => {});
    };
  });
}
