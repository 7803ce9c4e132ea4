/**
 * The librdkafka source against the real broker: one batch per partition in flight, in offset
 * order, bounded by the batch bytes; offsets move only with the sink's transaction
 * (`sendOffsets` with the consumer's group metadata); what was not committed is delivered again to
 * the next member; and a member that joins while a batch is in flight lets that batch finish and
 * commit before the partitions move — every input goes out exactly once.
 */
import { concatMap, first, firstValueFrom, mergeMap, tap, type Subscription } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log/logger.ts";
import { createKafka, ensureTopics } from "../../streams/kafka/kafka-factory.ts";
import {
  connectNativeProducer,
  type NativeTransactionalProducer,
} from "../../streams/kafka/native-producer.ts";
import type { SourceBatch } from "../../streams/runtime/kafka-source.ts";
import { nativeKafkaSource, type NativeSource } from "../../streams/runtime/native-kafka-source.ts";
import { readTopic } from "../setup/read-topic.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

const config = testConfig();
const log = createLogger({ name: "test", level: "error" });
const kafka = createKafka(config.kafka, log);
const N = 3000;
const BATCH_BYTES = 8 * 1024;
const decode = (v: Buffer) => Number(v.toString());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh input topic (2 partitions) holding 0..N-1, and an empty output topic. */
async function topics(name: string): Promise<{ input: string; output: string; group: string }> {
  const input = uniqueName(`test.native.${name}`);
  const output = `${input}.out`;
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [
    { topic: input, numPartitions: 2 },
    { topic: output, numPartitions: 2 },
  ]);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: input,
    messages: Array.from({ length: N }, (_, i) => ({ key: String(i % 7), value: String(i) })),
  });
  await producer.disconnect();
  return { input, output, group: uniqueName(`test-native-${name}`) };
}

const source = (
  group: string,
  input: string,
  onAssign?: (p: readonly number[]) => void,
): NativeSource<number> =>
  nativeKafkaSource(config.kafka, {
    groupId: group,
    topics: [input],
    decode,
    maxBytesPerPartition: BATCH_BYTES,
    sessionTimeoutMs: 6000,
    ...(onAssign ? { onAssign } : {}),
  });

/** Sends the batch's values to `output` and commits its offset, in one transaction. */
async function commitBatch(
  p: NativeTransactionalProducer,
  output: string,
  b: SourceBatch<number>,
): Promise<void> {
  const txn = await p.transaction();
  await txn.send({
    topic: output,
    messages: b.messages.map((m) => ({ key: null, value: Buffer.from(String(m.value)) })),
  });
  await txn.sendOffsets([
    { topic: b.topic, partition: b.partition, offset: String(Number(b.lastOffset) + 1) },
  ]);
  await txn.commit();
}

/** The group's committed offset of each partition (0 where none). */
async function committedByPartition(group: string, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [o] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const out = [0, 0];
    for (const p of o?.partitions ?? []) out[p.partition] = Math.max(0, Number(p.offset));
    return out;
  } finally {
    await admin.disconnect();
  }
}

const created: string[] = [];
afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: created }).catch(() => {});
  await admin.disconnect();
});

describe("nativeKafkaSource", () => {
  let t: { input: string; output: string; group: string };
  beforeAll(async () => {
    t = await topics("order");
    created.push(t.input, t.output);
  });

  it("hands out one batch per partition at a time, in offset order, bounded by the batch bytes", async () => {
    const src = source(t.group, t.input);
    const next = new Map<number, number>(); // partition → next expected offset
    const seen = new Set<number>();
    let outstanding = 0;
    let maxOutstanding = 0;
    let maxBatchBytes = 0;
    let batches = 0;
    await firstValueFrom(
      src.batches.pipe(
        tap(() => {
          outstanding++;
          maxOutstanding = Math.max(maxOutstanding, outstanding);
          batches++;
        }),
        mergeMap(async (b) => {
          const first = Number(b.messages[0]!.offset);
          expect(first, `partition ${b.partition} continues where it stopped`).toBe(
            next.get(b.partition) ?? 0,
          );
          b.messages.forEach((m, i) => expect(Number(m.offset)).toBe(first + i));
          expect(b.lastOffset).toBe(b.messages.at(-1)!.offset);
          next.set(b.partition, Number(b.lastOffset) + 1);
          maxBatchBytes = Math.max(
            maxBatchBytes,
            b.messages.reduce((a, m) => a + String(m.value).length + 20, 0),
          );
          await sleep(3); // a slow sink
          for (const m of b.messages) seen.add(m.value);
          outstanding--;
          b.ack();
          return seen.size;
        }, 8),
        first((size) => size === N),
      ),
    );
    await src.disconnect();
    expect(seen.size).toBe(N);
    expect(maxOutstanding, "never more than one batch per partition (2 partitions)").toBeLessThanOrEqual(2);
    expect(maxBatchBytes).toBeLessThanOrEqual(BATCH_BYTES);
    // Bounded batches, not one per partition: a message counts at least 1 + 20 bytes.
    expect(batches).toBeGreaterThanOrEqual(Math.ceil(N / Math.floor(BATCH_BYTES / 21)));
  });
});

describe("nativeKafkaSource with a transactional sink", () => {
  it("moves offsets only with the sink's transaction and redelivers the rest to the next member", async () => {
    const t = await topics("redeliver");
    created.push(t.input, t.output);
    const member1 = source(t.group, t.input);
    const p1 = await connectNativeProducer(config.kafka, `${t.group}.tx1`, log, {
      groupConsumer: member1.consumer,
    });
    // Commit the first two batches; take a third and never acknowledge it.
    let n = 0;
    const held: SourceBatch<number>[] = [];
    await firstValueFrom(
      member1.batches.pipe(
        concatMap(async (b) => {
          if (n++ < 2) {
            await commitBatch(p1, t.output, b);
            b.ack();
          } else held.push(b);
          return n;
        }),
        first((k) => k === 3),
      ),
    );
    await p1.disconnect();
    await member1.disconnect();
    const committed = await committedByPartition(t.group, t.input);
    expect(committed.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(committed.reduce((a, b) => a + b, 0)).toBeLessThan(N);

    const second = source(t.group, t.input);
    const p2 = await connectNativeProducer(config.kafka, `${t.group}.tx2`, log, {
      groupConsumer: second.consumer,
    });
    const firstOffsets = new Map<number, number>();
    let total = committed.reduce((a, b) => a + b, 0);
    await firstValueFrom(
      second.batches.pipe(
        concatMap(async (b) => {
          if (!firstOffsets.has(b.partition)) firstOffsets.set(b.partition, Number(b.messages[0]!.offset));
          await commitBatch(p2, t.output, b);
          b.ack();
          total += b.messages.length;
          return total;
        }),
        first((k) => k === N),
      ),
    );
    await p2.disconnect();
    await second.disconnect();
    // The next member started exactly at the committed offsets (the held batch came again)…
    for (const [p, off] of firstOffsets) expect(off, `partition ${p}`).toBe(committed[p]);
    expect(held[0]!.messages.length).toBeGreaterThan(0);
    // …and every input went out exactly once.
    const out = (await readTopic(kafka, t.output)).map((m) => Number(m.value.toString()));
    expect(out.length).toBe(N);
    expect(new Set(out).size).toBe(N);
  });

  it("finishes the batches in flight before a rebalance moves their partitions", async () => {
    const t = await topics("rebalance");
    created.push(t.input, t.output);
    const assignments: string[] = [];
    const members = [0, 1].map((i) =>
      source(t.group, t.input, (p) => assignments.push(`${i}:${p.join(",")}`)),
    );
    const producers = await Promise.all(
      members.map((m, i) =>
        connectNativeProducer(config.kafka, `${t.group}.tx${i}`, log, { groupConsumer: m.consumer }),
      ),
    );
    const done = new Set<number>();
    let finishedDuringJoin = 0;
    let joined = false;
    const subs: Subscription[] = [];
    const run = (i: number): void => {
      subs.push(
        members[i]!.batches.pipe(
          concatMap(async (b) => {
            // The first member's first batch is slow: the second member joins meanwhile.
            if (i === 0 && !joined) {
              joined = true;
              run(1);
              await sleep(1500);
              finishedDuringJoin++;
            }
            if (b.stale()) return b.ack();
            await commitBatch(producers[i]!, t.output, b);
            for (const m of b.messages) done.add(m.value);
            b.ack();
          }),
        ).subscribe(),
      );
    };
    run(0);
    for (let i = 0; i < 600 && done.size < N; i++) await sleep(100);
    for (const s of subs) s.unsubscribe();
    await Promise.all(producers.map((p) => p.disconnect()));
    await Promise.all(members.map((m) => m.disconnect()));
    expect(done.size).toBe(N);
    expect(finishedDuringJoin).toBe(1);
    // Both members got partitions at some point (the second join moved one).
    expect(assignments.some((a) => a.startsWith("1:") && a.length > 2)).toBe(true);
    const out = (await readTopic(kafka, t.output)).map((m) => Number(m.value.toString()));
    expect(out.length, "every input exactly once in the committed output").toBe(N);
    expect(new Set(out).size).toBe(N);
  });
});
