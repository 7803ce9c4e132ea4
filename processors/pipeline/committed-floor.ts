/**
 * Where a partition's unprocessed lines really start after a rebalance. Before the first batch
 * of a partition after each rebalance (and after a failed transaction, whose commit may have
 * happened unanswered), the partition's transactional id is initialized anew — which waits for
 * the previous owner's transaction to complete, or aborts it — and only then is the committed
 * offset read: lines below it are dropped from the batch (their outputs are out), and a batch
 * wholly below it is skipped.
 *
 * Written when the processor consumed with kafkajs, which reads committed offsets without
 * KIP-447's `require_stable`, after CI saw one dead letter twice in the rebalance test. That
 * symptom was most likely kafkajs' read_committed filter letting an aborted transaction's records
 * through (fixed in patches/; see patches/README.md); librdkafka's consumer reads with
 * `require_stable`. The floor stays as a cheap second check (one offset read per partition per
 * rebalance).
 *
 * The fence matters on its own: librdkafka's committed-offset read waits while the previous
 * owner's transaction is open, and a killed owner's stays open until the transaction timeout
 * (60 s). So the partitions are fenced as soon as they are assigned (`prefence`), which aborts
 * such a transaction at once; the first batch then uses that fence instead of fencing again.
 *
 * @example
 *   const floors = new CommittedFloors({ fence, committed });
 *   consumer.on(GROUP_JOIN, () => floors.reset());
 *   const batch = await floors.admit(fetched); // undefined: nothing left to do
 */
import type { SourceBatch } from "../../streams/runtime/kafka-source.ts";

export interface CommittedFloorDeps {
  /** Initializes the partition's transactional producer anew (fences the previous owner). */
  fence(partition: number): Promise<void>;
  /** The group's committed offset of a partition (0 when none). */
  committed(topic: string, partition: number): Promise<bigint>;
}

export class CommittedFloors {
  /** Partition → committed offset, read after fencing, in this generation. */
  private readonly floors = new Map<number, bigint>();
  /** Partition → its fence in this generation, started at assignment. */
  private readonly fences = new Map<number, Promise<void>>();
  private generation = 0;

  constructor(private readonly deps: CommittedFloorDeps) {}

  /** A rebalance: every partition is fenced and its committed offset read again before use. */
  reset(): void {
    this.floors.clear();
    this.fences.clear();
    this.generation++;
  }

  /** Fences these (just assigned) partitions now; their first batch waits for it. */
  prefence(partitions: readonly number[]): void {
    for (const p of partitions) {
      const fence = this.deps.fence(p);
      fence.catch(() => {}); // a failed fence is retried by the first batch
      this.fences.set(p, fence);
    }
  }

  /** A partition whose transaction failed (it may have committed): fenced and read again. */
  forget(partition: number): void {
    this.floors.delete(partition);
    this.fences.delete(partition);
  }

  /**
   * The part of the batch at or above the partition's committed offset: the batch itself when
   * nothing is below, a copy without the lines below, or undefined when no line is left.
   */
  async admit<T>(batch: SourceBatch<T>): Promise<SourceBatch<T> | undefined> {
    let floor = this.floors.get(batch.partition);
    if (floor === undefined) {
      const generation = this.generation;
      const early = this.fences.get(batch.partition);
      this.fences.delete(batch.partition);
      await (early ? early.catch(() => this.deps.fence(batch.partition)) : this.deps.fence(batch.partition));
      floor = await this.deps.committed(batch.topic, batch.partition);
      if (generation === this.generation) this.floors.set(batch.partition, floor);
    }
    const first = batch.messages[0];
    if (!first || BigInt(first.offset) >= floor) return batch;
    const below = floor;
    const messages = batch.messages.filter((m) => BigInt(m.offset) >= below);
    return messages.length === 0 ? undefined : { ...batch, messages };
  }
}
