/**
 * A Kafka consumer over librdkafka (node-rdkafka) as an RxJS Observable of batches — the same
 * `SourceBatch` contract as `kafkaSource` (kafkajs), for the processor's hot path:
 *
 * - librdkafka fetches on its own threads, so a partition's next lines are usually already here
 *   when its batch is acknowledged (kafkajs fetches again only after every batch of its last
 *   fetch is acknowledged);
 * - one batch per partition is in flight; lines that arrive meanwhile wait in a per-partition
 *   queue, and a partition whose queue holds a batch's worth is paused (librdkafka stops fetching
 *   it and resumes after the last line handed out), so memory is bounded by
 *   `maxBytesPerPartition × 4 × partitions` plus librdkafka's own fetch queue
 *   (`queued.max.messages.kbytes`), whatever the lag;
 * - offsets are never committed here: the sink commits them in its Kafka transaction
 *   (`NativeTransaction.sendOffsets`, with this consumer's group metadata — KIP-447), and
 *   librdkafka reads committed offsets with `require_stable` (read_committed), so a new owner
 *   waits for a previous owner's transaction to complete before it starts;
 * - on a rebalance the batches in flight are finished (or abandoned after `revokeTimeoutMs`)
 *   before the partitions are given up; lines queued but not yet handed out are dropped (the new
 *   owner reads them again from the committed offset).
 *
 * @example
 *   const src = nativeKafkaSource(config.kafka, { groupId, topics: ["raw.transactions"], decode });
 *   src.batches.pipe(mergeMap(async (b) => { await sink(b); b.ack(); }, 4)).subscribe();
 *   // the sink's transaction: producer connected with { groupConsumer: src.consumer }
 */
import { Observable } from "rxjs";
import type { Config } from "../../lib/config/config.ts";
import type { Logger } from "../../lib/log/logger.ts";
import {
  nativeConnectionConfig,
  rd,
  type RdConsumer,
  type RdError,
  type RdMessage,
} from "../kafka/native-client.ts";
import type { SourceBatch, SourceMessage } from "./kafka-source.ts";

export interface NativeSourceOptions<T> {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Decodes a message value (e.g. Avro through the registry). */
  readonly decode: (value: Buffer) => Promise<T> | T;
  /** Bytes handed out per batch (and queued per partition before it is paused). */
  readonly maxBytesPerPartition: number;
  /** Consumer session timeout (ms): how soon a dead member's partitions move. */
  readonly sessionTimeoutMs?: number;
  /** How long a rebalance waits for the batches in flight (ms); default 30 s. */
  readonly revokeTimeoutMs?: number;
  /** Called after every assignment with the member's partitions of the first topic. */
  readonly onAssign?: (partitions: readonly number[]) => void;
  readonly log?: Logger;
}

export interface NativeSource<T> {
  /** The batches; subscribing connects and starts the consumer, unsubscribing stops it. */
  readonly batches: Observable<SourceBatch<T>>;
  /** The librdkafka consumer (for `sendOffsets` in the sink's transactions). */
  readonly consumer: RdConsumer;
  /** Leaves the group and closes the connection (after unsubscribing). */
  disconnect(): Promise<void>;
}

// librdkafka's rebalance events (rd_kafka_resp_err_t).
const ERR_ASSIGN = -175;
const ERR_REVOKE = -174;
/** consume() waits this long for EACH next message: a batch returns as soon as the flow pauses. */
const CONSUME_WAIT_MS = 2;
/** …and this long when nothing is fetchable (every partition paused or none assigned). */
const IDLE_WAIT_MS = 50;
const CONSUME_MAX = 2000;
/**
 * A partition is paused when it has this many batches' worth queued and resumed below
 * RESUME_BELOW: when its batch is acknowledged, a whole next batch is ready (pausing at one
 * batch made librdkafka drop and refetch its prefetched lines, and the next batches came out
 * half full — 1.9k lines instead of 3.6k, and groups of 2.5 batches instead of 4).
 */
const PAUSE_AT = 3;
const RESUME_BELOW = 2;

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Consumed lines not yet handed out. */
  queue: RdMessage[];
  queuedBytes: number;
  /** A batch of this partition is with the sink. */
  inFlight: Promise<void> | undefined;
  paused: boolean;
}

/** A message's share of a batch, counted like the record-batch bytes kafkajs limits (value + ~20 bytes of record framing and key). */
const sizeOf = (m: RdMessage): number => (m.value?.length ?? 0) + 20;

export function nativeKafkaSource<T>(cfg: Config["kafka"], opts: NativeSourceOptions<T>): NativeSource<T> {
  const { KafkaConsumer } = rd();
  const parts = new Map<string, PartitionState>();
  /** Bumped on every assignment and revocation: a batch from an older generation is stale. */
  let generation = 0;
  let revoking: Promise<void> | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    wake?.();
    wake = undefined;
  };
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const log = opts.log?.child({ component: "kafka-native-source" });

  const consumer = new KafkaConsumer(
    {
      ...nativeConnectionConfig(cfg),
      "group.id": opts.groupId,
      "enable.auto.commit": false,
      "enable.auto.offset.store": false,
      "isolation.level": "read_committed",
      "session.timeout.ms": opts.sessionTimeoutMs ?? 10_000,
      "heartbeat.interval.ms": Math.min(3000, Math.floor((opts.sessionTimeoutMs ?? 10_000) / 4)),
      "max.partition.fetch.bytes": opts.maxBytesPerPartition,
      "fetch.wait.max.ms": 100,
      "fetch.error.backoff.ms": 50,
      "queued.max.messages.kbytes": Math.max(1024, Math.ceil(opts.maxBytesPerPartition / 1024) * 4),
      rebalance_cb: (err: RdError, assignment: { topic: string; partition: number }[]) => {
        if (err.code === ERR_ASSIGN) {
          generation++;
          parts.clear();
          for (const tp of assignment)
            parts.set(key(tp.topic, tp.partition), {
              topic: tp.topic,
              partition: tp.partition,
              queue: [],
              queuedBytes: 0,
              inFlight: undefined,
              paused: false,
            });
          consumer.assign(assignment);
          // librdkafka keeps a partition's pause across a revoke and a new assignment: a
          // partition paused before the rebalance would never be fetched again.
          consumer.resume(assignment);
          const first = opts.topics[0];
          opts.onAssign?.(assignment.filter((tp) => tp.topic === first).map((tp) => tp.partition));
          poke();
        } else if (err.code === ERR_REVOKE) {
          revoking = revoke().finally(() => {
            revoking = undefined;
            poke();
          });
        } else log?.warn({ code: err.code }, err.message);
      },
    },
    { "auto.offset.reset": "earliest" },
  );
  consumer.on("event.error", (err) => log?.warn({ code: err.code }, err.message));

  /** Finishes (or, after the timeout, abandons) the batches in flight, then gives the partitions up. */
  const revoke = async (): Promise<void> => {
    // Stopped: the batches in flight were abandoned, nothing to wait for.
    const inFlight = stopped ? [] : [...parts.values()].flatMap((p) => (p.inFlight ? [p.inFlight] : []));
    for (const p of parts.values()) {
      p.queue = [];
      p.queuedBytes = 0;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(inFlight),
      new Promise((r) => (timer = setTimeout(r, opts.revokeTimeoutMs ?? 30_000))),
    ]);
    clearTimeout(timer);
    generation++;
    parts.clear();
    try {
      consumer.unassign();
    } catch (err) {
      if (consumer.isConnected()) throw err;
    }
  };

  const batches = new Observable<SourceBatch<T>>((subscriber) => {
    const abandoners = new Set<() => void>();

    /** Hands out the next batch of every partition that has none in flight. */
    const dispatch = async (): Promise<void> => {
      for (const p of parts.values()) {
        if (stopped || subscriber.closed) return; // nobody would acknowledge it
        if (p.inFlight || p.queue.length === 0 || revoking) continue;
        let bytes = 0;
        let n = 0;
        while (n < p.queue.length && (n === 0 || bytes + sizeOf(p.queue[n]!) <= opts.maxBytesPerPartition))
          bytes += sizeOf(p.queue[n++]!);
        const taken = p.queue.splice(0, n);
        p.queuedBytes -= bytes;
        if (p.paused && p.queuedBytes < RESUME_BELOW * opts.maxBytesPerPartition) {
          consumer.resume([{ topic: p.topic, partition: p.partition }]);
          p.paused = false;
        }
        const gen = generation;
        let settle!: (err?: unknown) => void;
        let abandoned = false;
        const done = new Promise<void>((resolve, reject) => {
          settle = (err) => (err === undefined ? resolve() : reject(err));
        });
        const abandon = (): void => {
          abandoned = true;
          settle();
        };
        abandoners.add(abandon);
        p.inFlight = done.then(
          () => {
            abandoners.delete(abandon);
            p.inFlight = undefined;
            // The partition's next batch goes out now, not when the consume loop next turns
            // (a consume() call in progress cannot be interrupted).
            dispatch().catch((err: unknown) => subscriber.error(err));
            poke();
          },
          (err: unknown) => {
            abandoners.delete(abandon);
            subscriber.error(err);
          },
        );
        const messages: SourceMessage<T>[] = [];
        for (const m of taken) {
          if (!m.value) continue;
          const decoded = opts.decode(m.value);
          messages.push({
            topic: m.topic,
            partition: m.partition,
            offset: String(m.offset),
            key: m.key === undefined || m.key === null ? null : m.key.toString(),
            value: decoded instanceof Promise ? await decoded : decoded,
            timestamp: m.timestamp ?? Date.now(),
          });
        }
        const last = taken[taken.length - 1]!;
        if (messages.length === 0) {
          settle(); // only tombstones: nothing for the sink
          continue;
        }
        subscriber.next({
          topic: p.topic,
          partition: p.partition,
          messages,
          lastOffset: String(last.offset),
          ack: () => settle(),
          fail: (err) => settle(err ?? new Error("sink failed")),
          stale: () => abandoned || stopped || gen !== generation,
        });
      }
    };

    const consumeOnce = (wait: number): Promise<RdMessage[]> =>
      new Promise((resolve, reject) => {
        consumer.setDefaultConsumeTimeout(wait);
        consumer.consume(CONSUME_MAX, (err, messages) => (err ? reject(err) : resolve(messages ?? [])));
      });

    const loop = async (): Promise<void> => {
      await new Promise<void>((resolve, reject) =>
        consumer.connect({}, (err) => (err ? reject(err) : resolve())),
      );
      consumer.subscribe([...opts.topics]);
      while (!stopped && !subscriber.closed) {
        // librdkafka serves rebalances inside consume(): it is called even while everything is paused.
        const fetchable = [...parts.values()].some((p) => !p.paused);
        const messages = await consumeOnce(fetchable && !revoking ? CONSUME_WAIT_MS : IDLE_WAIT_MS);
        if (stopped) break;
        if (!revoking)
          for (const m of messages) {
            const p = parts.get(key(m.topic, m.partition));
            if (!p) continue; // revoked meanwhile
            p.queue.push(m);
            p.queuedBytes += sizeOf(m);
            if (!p.paused && p.queuedBytes >= PAUSE_AT * opts.maxBytesPerPartition) {
              consumer.pause([{ topic: p.topic, partition: p.partition }]);
              p.paused = true;
            }
          }
        await dispatch();
        // Nothing fetchable and nothing to hand out: wait for an ack (or a rebalance) first.
        if (messages.length === 0 && ![...parts.values()].some((p) => !p.paused))
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, IDLE_WAIT_MS);
          });
      }
    };
    loop().catch((err: unknown) => subscriber.error(err));
    return () => {
      stopped = true;
      for (const abandon of abandoners) abandon();
      poke();
    };
  });

  return {
    batches,
    consumer,
    disconnect: () =>
      new Promise<void>((resolve) => {
        stopped = true;
        if (!consumer.isConnected()) return resolve();
        consumer.disconnect(() => resolve());
      }),
  };
}
