/**
 * Batches of `raw.transactions` partitions (keyed by basket), end to end. Batches that arrive
 * while a group is being handled are handled together as the next group ("group commit"): one
 * set of lookups, ONE ClickHouse insert for all of them, one feedback query, then each
 * partition's own Kafka transaction. At low rates a group is one batch (no added wait); under
 * load, four partitions cost one insert instead of four concurrent ones (an insert through the
 * ten views costs ~50–80 ms here almost whatever its size). Per batch of the group:
 *
 * 1. reference data caught up; each line normalized and enriched;
 * 2. the partition's watermark (highest offset `sales_lines` holds) splits the batch: lines at
 *    or below it are already in ClickHouse (a redelivery after a crash) and are read back by
 *    their coordinates; the others are fresh;
 * 3. dedupe and basket state come from ClickHouse (`basket_lines` of the batch's baskets), walked
 *    in offset order (`walkBaskets`): first occurrence wins, pair partners per line;
 * 4. ONE insert of every fresh row (accepted and rejected) — one block, so the gold views count
 *    it once, and the watermark makes a retried or replayed batch add nothing; while it runs,
 *    the batch's Kafka transaction is already sending the outputs that do not depend on it;
 * 5. outputs — `sales.normalized` (accepted), `dlq.processing` (rejected), `sales.feedback`
 *    (accepted lines younger than the feedback age: the seller's month figures after the line,
 *    from the gold totals read after the insert) — AND the group's offset for the partition go
 *    out in ONE Kafka transaction (a transactional producer per partition, id
 *    `<group>.p<partition>`, so a new owner fences the old one). Offsets committed = outputs
 *    sent: a redelivered batch is exactly the lines whose outputs are not out yet, so outputs
 *    are produced exactly once (consumers read with read_committed).
 *
 * A group's insert moves the watermark of every partition in it at once, so a batch whose
 * transaction then fails is retried as a redelivery (its lines are read back, step 2), exactly
 * like a single batch whose transaction fails after its insert.
 *
 * Memory: one batch per partition (bounded by the consumer's bytes per partition) and the
 * reference state; no per-line history is kept in memory.
 */
import type { Admin, Producer, Message } from "kafkajs";
import type { ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import { VT_ERR_PROCESSOR_BATCH_FAILED } from "../../lib/errors/codes.ts";
import { VitrineError } from "../../lib/errors/vitrine-error.ts";
import type { Logger } from "../../lib/log/logger.ts";
import type { RawTransaction } from "../../schemas/raw-records.ts";
import { clickhouseWatermark } from "../../connectors/clickhouse-sink/sink.ts";
import { sendTopicsInChunks, type KafkaFactory } from "../../streams/kafka/kafka-factory.ts";
import type { SourceBatch } from "../../streams/runtime/kafka-source.ts";
import type { SubjectSerde } from "../../streams/serde/avro-serde.ts";
import type { CommissionPlan } from "../domain/commission-plan.ts";
import { enrichSale } from "../enrich/enrich-sale.ts";
import type { ReferenceState } from "../enrich/reference-state.ts";
import { normalizeSale } from "../normalize/normalize-sale.ts";
import { basketStateOf, walkBaskets } from "./basket-walk.ts";
import { CommittedFloors } from "./committed-floor.ts";
import { basketLines, sellerMonthTotals, silverRowsAt, topComplements } from "./clickhouse-lookups.ts";
import {
  isoOfSilverTime,
  toDeadLetter,
  toFeedbackRecord,
  toNormalizedRecord,
  type ProcessingDeadLetter,
  type SaleFeedbackRecord,
  type SaleNormalizedRecord,
} from "./output-records.ts";
import { runningFigures, type LineContribution } from "./running-figures.ts";
import { toSilverRow, type SalesLine } from "./silver-row.ts";

export interface OutputSerdes {
  readonly normalized: SubjectSerde<SaleNormalizedRecord>;
  readonly deadLetter: SubjectSerde<ProcessingDeadLetter>;
  readonly feedback: SubjectSerde<SaleFeedbackRecord>;
}

export interface SalesBatchDeps {
  readonly ch: ClickHouseClient;
  readonly kafka: KafkaFactory;
  /** The processor's connected admin client (committed offsets after a rebalance). */
  readonly admin: Admin;
  readonly plan: CommissionPlan;
  readonly zone: string;
  readonly reference: { readonly state: ReferenceState; catchUp(): Promise<void> };
  readonly serdes: OutputSerdes;
  readonly groupId: string;
  readonly log: Logger;
  /** Feedback only for sales at most this old (ms); undefined = every line (full replays too). */
  readonly feedbackMaxAgeMs?: number;
  /** Attempts per batch before the processor fails (nothing is committed then). */
  readonly maxAttempts?: number;
  /** Told how many batches of a group will be tried again (metrics). */
  readonly onRetry?: (batches: number) => void;
}

export interface BatchStats {
  readonly lines: number;
  readonly inserted: number;
  readonly rederived: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly feedback: number;
  /** Batches handled together with this one (one lookup round, one insert). */
  readonly group: number;
  /** The batch's wait, then its group's phases. */
  readonly ms: BatchWaitMs & GroupPhaseMs;
}

/** How long a batch waited before its group ran, ms. */
export interface BatchWaitMs {
  /** How long the batch's first line had been in Kafka when the batch arrived. */
  readonly fetched: number;
  /** This batch's wait for its group to start (the group before it was running). */
  readonly queued: number;
}

/**
 * Wall time of a group's phases, ms (the same for every batch of the group): lookups; the insert
 * (overlapped with the transaction's `sales.normalized` / `dlq.processing` sends and offsets);
 * feedback queries; the rest of the Kafka transaction (feedback send and commit).
 */
export interface GroupPhaseMs {
  readonly lookups: number;
  readonly insert: number;
  readonly feedback: number;
  readonly kafka: number;
}

/** What a group knows of one of its batches; the runner adds the batch's own wait. */
type GroupBatchStats = Omit<BatchStats, "ms"> & { readonly ms: GroupPhaseMs };

const TABLE = "sales_lines";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A batch waiting for its group, and how to answer its caller. */
interface Waiting {
  readonly batch: SourceBatch<RawTransaction>;
  readonly done: (stats: BatchStats | undefined) => void;
  readonly failed: (err: unknown) => void;
  /** When it arrived (performance.now()). */
  readonly at: number;
  /** How long its oldest line had been in Kafka when it arrived (ms, producer clock). */
  readonly fetched: number;
}

/** What a group made of one of its batches. */
type BatchOutcome =
  { readonly ok: true; readonly stats: GroupBatchStats } | { readonly ok: false; readonly error: unknown };

/** One batch of a group while it is being handled. */
interface GroupBatch {
  readonly batch: SourceBatch<RawTransaction>;
  /** Every line of the batch (read back or fresh), in offset order. */
  readonly lines: SalesLine[];
  readonly newBasket: boolean[];
  readonly rederived: number;
  /** The fresh lines' silver rows (the batch's share of the insert). */
  readonly rows: SalesLine[];
}

export class SalesBatchHandler {
  private readonly watermarks = new Map<number, bigint>();
  private readonly producers = new Map<number, Promise<Producer>>();
  private waiting: Waiting[] = [];
  private running = false;
  /** Where each partition's unprocessed lines start, checked once per rebalance (committed-floor.ts). */
  private readonly floors = new CommittedFloors({
    fence: async (partition) => {
      await this.dropProducer(partition);
      // A transactional producer gets its epoch on its first transaction: one without records
      // ends locally, after the broker completed (or aborted) the previous owner's.
      await (await (await this.producer(partition)).transaction()).abort();
    },
    committed: async (topic, partition) => {
      const offsets = await this.deps.admin.fetchOffsets({ groupId: this.deps.groupId, topics: [topic] });
      const o = offsets.find((t) => t.topic === topic)?.partitions.find((x) => x.partition === partition);
      return o && BigInt(o.offset) > 0n ? BigInt(o.offset) : 0n;
    },
  });

  constructor(private readonly deps: SalesBatchDeps) {}

  /**
   * After a rebalance: watermarks are re-read from ClickHouse (another member may have written),
   * and each partition is fenced and its committed offset read again before its next batch.
   */
  onRebalance(): void {
    this.watermarks.clear();
    this.floors.reset();
  }

  /**
   * Handles the batch with the next group (retrying with backoff), then acknowledges it; fails it
   * after the last attempt. Resolves when the batch is done (undefined when it was revoked).
   */
  handle(batch: SourceBatch<RawTransaction>): Promise<BatchStats | undefined> {
    return new Promise((done, failed) => {
      const first = batch.messages[0];
      const fetched = first ? Math.max(0, Date.now() - first.timestamp) : 0;
      this.waiting.push({ batch, done, failed, at: performance.now(), fetched });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.producers.keys()].map((p) => this.dropProducer(p)));
  }

  /**
   * The group's batches cut to their partition's committed offset: those with lines left, and
   * those with none (already output by a previous owner; acknowledged by the caller).
   */
  private async admitted(group: readonly Waiting[]): Promise<{ keep: Waiting[]; skip: Waiting[] }> {
    const keep: Waiting[] = [];
    const skip: Waiting[] = [];
    // After a rebalance every partition is fenced and read: at once, not one after the other.
    const admitted = await Promise.all(group.map((w) => this.floors.admit(w.batch)));
    for (const [i, w] of group.entries()) {
      const batch = admitted[i];
      if (batch !== w.batch)
        this.deps.log.warn(
          {
            partition: w.batch.partition,
            from: w.batch.messages[0]?.offset,
            dropped: w.batch.messages.length - (batch?.messages.length ?? 0),
          },
          "processor.batch_below_committed_offset",
        );
      if (batch === undefined) skip.push(w);
      else keep.push(batch === w.batch ? w : { ...w, batch });
    }
    return { keep, skip };
  }

  /** Starts the next group when none is running. */
  private pump(): void {
    if (this.running || this.waiting.length === 0) return;
    this.running = true;
    // The batches of one fetch reach `handle` one after the other within the same turn of the
    // event loop: starting on the next turn puts them all in this group (started at once, the
    // first would form a group alone and the others would wait a whole group for the next).
    setImmediate(() => {
      const group = this.waiting;
      this.waiting = [];
      void this.runGroup(group).finally(() => {
        this.running = false;
        this.pump();
      });
    });
  }

  private async runGroup(group: readonly Waiting[]): Promise<void> {
    const attempts = this.deps.maxAttempts ?? 8;
    let left = [...group];
    for (let attempt = 1; ; attempt++) {
      left = left.filter((w) => {
        if (!w.batch.stale()) return true;
        w.batch.ack(); // revoked: the new owner redoes it; the source commits nothing for it
        w.done(undefined);
        return false;
      });
      if (left.length === 0) return;
      let outcomes: BatchOutcome[];
      const started = performance.now();
      try {
        const { keep, skip } = await this.admitted(left);
        for (const w of skip) {
          w.batch.ack(); // its outputs and offset are committed already
          w.done(undefined);
        }
        left = keep;
        if (left.length === 0) return;
        outcomes = await this.once(left.map((w) => w.batch));
      } catch (err) {
        outcomes = left.map(() => ({ ok: false, error: err }));
      }
      const failed: { readonly w: Waiting; readonly error: unknown }[] = [];
      outcomes.forEach((o, i) => {
        const w = left[i]!;
        if (o.ok) {
          w.batch.ack();
          w.done({
            ...o.stats,
            ms: { ...o.stats.ms, fetched: w.fetched, queued: Math.round(started - w.at) },
          });
        } else failed.push({ w, error: o.error });
      });
      if (failed.length === 0) return;
      // The insert or a transaction may have half-happened: the watermarks are re-read, a fenced
      // or broken producer is replaced, and — a commit left unanswered may have happened — the
      // partition is fenced and its committed offset read again before the next attempt.
      for (const { w } of failed) {
        this.watermarks.delete(w.batch.partition);
        this.floors.forget(w.batch.partition);
        await this.dropProducer(w.batch.partition);
      }
      const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
      if (attempt >= attempts) {
        for (const { w, error } of failed) {
          const failure = new VitrineError(
            VT_ERR_PROCESSOR_BATCH_FAILED,
            `batch ${w.batch.topic}/${w.batch.partition} up to offset ${w.batch.lastOffset} failed ${attempts} times: ${message(error)}`,
            { cause: error },
          );
          w.batch.fail(failure);
          w.failed(failure);
        }
        return;
      }
      this.deps.log.warn(
        { err: message(failed[0]!.error), attempt, partitions: failed.map(({ w }) => w.batch.partition) },
        "processor.batch_retry",
      );
      this.deps.onRetry?.(failed.length);
      await sleep(Math.min(5000, 100 * 2 ** attempt));
      left = failed.map(({ w }) => w);
    }
  }

  private producer(partition: number): Promise<Producer> {
    let p = this.producers.get(partition);
    if (!p) {
      p = (async () => {
        const producer = this.deps.kafka.producer({
          transactionalId: `${this.deps.groupId}.p${partition}`,
          transactionTimeout: 60_000,
        });
        await producer.connect();
        return producer;
      })();
      this.producers.set(partition, p);
      p.catch(() => this.producers.delete(partition));
    }
    return p;
  }

  private async dropProducer(partition: number): Promise<void> {
    const p = this.producers.get(partition);
    this.producers.delete(partition);
    if (p) await p.then((producer) => producer.disconnect()).catch(() => {});
  }

  /** The watermark of a partition: cached, or read from ClickHouse. */
  private async watermark(topic: string, partition: number): Promise<bigint> {
    const cached = this.watermarks.get(partition);
    if (cached !== undefined) return cached;
    const mark = await clickhouseWatermark(this.deps.ch, TABLE, topic, partition);
    this.watermarks.set(partition, mark);
    return mark;
  }

  /**
   * Handles a group of batches (distinct partitions). Throws when nothing of the group could be
   * committed (lookups or the insert failed); otherwise says per batch whether its transaction
   * committed.
   */
  private async once(batches: readonly SourceBatch<RawTransaction>[]): Promise<BatchOutcome[]> {
    const { ch, plan, zone, reference } = this.deps;
    const t0 = performance.now();
    // Three independent round trips at once: the reference catch-up, the watermarks (when not
    // cached) and the baskets' state (for every basket of the group: lines a batch already has
    // in ClickHouse are part of that state too, so looking them up early is right).
    const basketIds = [
      ...new Set(
        batches.flatMap((b) => b.messages.map((m) => `${m.value.cod_loja}|${m.value.cod_transacao}`)),
      ),
    ];
    const [, marks, priorRows] = await Promise.all([
      reference.catchUp(),
      Promise.all(batches.map((b) => this.watermark(b.topic, b.partition))),
      basketIds.length > 0 ? basketLines(ch, basketIds) : Promise.resolve([]),
    ]);
    const state = reference.state;
    // A basket's lines share a partition (keyed by basket), so one walk state serves the group.
    const prior = basketStateOf(priorRows);
    const t1 = performance.now();

    const group: GroupBatch[] = [];
    for (const [bi, batch] of batches.entries()) {
      const { topic, partition } = batch;
      const msgs = batch.messages;
      const mark = marks[bi]!;
      const lines = new Array<SalesLine>(msgs.length);
      const newBasket = new Array<boolean>(msgs.length).fill(false);
      // Already in ClickHouse (inserted before a crash or a lost transaction): read back as written.
      let rederived = 0;
      const first = msgs.length > 0 ? BigInt(msgs[0]!.offset) : 0n;
      if (msgs.length > 0 && first <= mark) {
        const held = new Map(
          (await silverRowsAt(ch, topic, partition, first, mark)).map((r) => [r._offset, r]),
        );
        const seen = new Set<string>();
        for (let i = 0; i < msgs.length && BigInt(msgs[i]!.offset) <= mark; i++) {
          const r = held.get(Number(msgs[i]!.offset));
          if (!r)
            throw new Error(`sales_lines lacks ${topic}/${partition}@${msgs[i]!.offset} below its watermark`);
          lines[i] = r;
          if (r.rejection === "" && !seen.has(r.basket_id)) newBasket[i] = true; // best effort
          seen.add(r.basket_id);
          rederived++;
        }
      }
      // Fresh lines: enrich, decide against the baskets' state in ClickHouse.
      const freshFrom = rederived;
      const enriched = [];
      for (let i = freshFrom; i < msgs.length; i++)
        enriched.push(enrichSale(normalizeSale(msgs[i]!.value, zone), state, plan));
      let rows: SalesLine[] = [];
      if (enriched.length > 0) {
        const decisions = walkBaskets(prior, enriched);
        rows = enriched.map((e, j) => {
          const m = msgs[freshFrom + j]!;
          const d = decisions[j]!;
          newBasket[freshFrom + j] = d.newBasket;
          return toSilverRow(e, { topic, partition, offset: Number(m.offset) }, d);
        });
        for (let j = 0; j < rows.length; j++) lines[freshFrom + j] = rows[j]!;
      }
      group.push({ batch, lines, newBasket, rederived, rows });
    }

    // Outputs that do not depend on the insert.
    const { serdes } = this.deps;
    const outputs = group.map((g) => {
      const normalized: Message[] = [];
      const dead: Message[] = [];
      for (let i = 0; i < g.lines.length; i++) {
        const r = g.lines[i]!;
        if (r.rejection === "")
          normalized.push({ key: r.basket_id, value: serdes.normalized.encodeSync(toNormalizedRecord(r)) });
        else
          dead.push({
            key: r.line_id,
            value: serdes.deadLetter.encodeSync(toDeadLetter(r, g.batch.messages[i]!.value)),
          });
      }
      return { normalized, dead };
    });

    // ONE insert of the group's fresh rows, and — at the same time, inside each batch's Kafka
    // transaction — `sales.normalized`, `dlq.processing` and the group's offset. Nothing of a
    // transaction is visible before its commit, which comes only after the insert succeeded
    // and the feedback (read from the gold totals after the insert) joined it; any failure
    // aborts it (a kill -9 leaves it open: the next producer with the same transactional id
    // aborts it), so the exactly-once argument is the one of a sequential chain per partition.
    const t = this.deps.kafka.topics;
    const begun = await Promise.allSettled(
      group.map(async (g) => (await this.producer(g.batch.partition)).transaction()),
    );
    const txns = begun.flatMap((b) => (b.status === "fulfilled" ? [b.value] : []));
    const notBegun = begun.find((b) => b.status === "rejected");
    if (notBegun) {
      await Promise.all(txns.map((txn) => txn.abort().catch(() => {})));
      throw notBegun.reason;
    }
    const abortAll = () => Promise.all(txns.map((txn) => txn.abort().catch(() => {})));
    const rows = group.flatMap((g) => g.rows);
    let t2 = performance.now();
    const [ins, ...sent] = await Promise.allSettled([
      rows.length > 0
        ? ch.insert({
            table: TABLE,
            format: "JSONEachRow",
            values: rows,
            // The ten views on sales_lines get the block concurrently (same block, same
            // all-or-error insert; only the wall time changes).
            clickhouse_settings: { parallel_view_processing: 1 },
          })
        : Promise.resolve(undefined),
      ...group.map(async (g, bi) => {
        const { topic, partition } = g.batch;
        await sendTopicsInChunks(txns[bi]!, [
          { topic: t.salesNormalized, messages: outputs[bi]!.normalized },
          { topic: t.dlqProcessing, messages: outputs[bi]!.dead },
        ]);
        await txns[bi]!.sendOffsets({
          consumerGroupId: this.deps.groupId,
          topics: [
            { topic, partitions: [{ partition, offset: (BigInt(g.batch.lastOffset) + 1n).toString() }] },
          ],
        });
      }),
    ]);
    if (ins!.status === "rejected") {
      await abortAll();
      throw ins!.reason;
    }
    for (const g of group)
      if (g.rows.length > 0) {
        const msgs = g.batch.messages;
        this.watermarks.set(g.batch.partition, BigInt(msgs[msgs.length - 1]!.offset));
      }
    t2 = performance.now();
    let feedback: (Message | undefined)[][];
    try {
      feedback = await this.feedback(group);
    } catch (err) {
      await abortAll();
      throw err;
    }
    const t3 = performance.now();
    // Each partition's transaction ends on its own: one that fails leaves the others committed.
    const ends = await Promise.allSettled(
      group.map(async (g, bi) => {
        const txn = txns[bi]!;
        try {
          const s = sent[bi]!;
          if (s.status === "rejected") throw s.reason;
          const messages = feedback[bi]!.filter((m): m is Message => m !== undefined);
          if (messages.length > 0) await sendTopicsInChunks(txn, [{ topic: t.salesFeedback, messages }]);
          await txn.commit();
          return messages.length;
        } catch (err) {
          await txn.abort().catch(() => {});
          throw err;
        }
      }),
    );
    const ms: GroupPhaseMs = {
      lookups: Math.round(t1 - t0),
      insert: Math.round(t2 - t1),
      feedback: Math.round(t3 - t2),
      kafka: Math.round(performance.now() - t3),
    };
    return group.map((g, bi): BatchOutcome => {
      const end = ends[bi]!;
      if (end.status === "rejected") return { ok: false, error: end.reason };
      const accepted = g.lines.filter((r) => r.rejection === "").length;
      return {
        ok: true,
        stats: {
          lines: g.lines.length,
          inserted: g.rows.length,
          rederived: g.rederived,
          accepted,
          rejected: g.lines.length - accepted,
          feedback: end.value,
          group: group.length,
          ms,
        },
      };
    });
  }

  /**
   * Feedback events of the group's accepted lines (young enough), keyed by seller: per batch, one
   * slot per line (undefined where a line gets none). The group's lines count in batch order.
   */
  private async feedback(group: readonly GroupBatch[]): Promise<(Message | undefined)[][]> {
    const { ch, plan, serdes, feedbackMaxAgeMs } = this.deps;
    const out = group.map((g) => new Array<Message | undefined>(g.lines.length));
    const lines: SalesLine[] = [];
    const newBasket: boolean[] = [];
    const where: (readonly [number, number])[] = [];
    group.forEach((g, bi) =>
      g.lines.forEach((line, i) => {
        lines.push(line);
        newBasket.push(g.newBasket[i]!);
        where.push([bi, i]);
      }),
    );
    const state = this.deps.reference.state;
    const now = Date.now();
    const minMs = feedbackMaxAgeMs === undefined ? -Infinity : now - feedbackMaxAgeMs;
    const wanted = new Set<string>();
    const idx: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      const r = lines[i]!;
      if (r.rejection !== "") continue;
      if (feedbackMaxAgeMs !== undefined && Date.parse(isoOfSilverTime(r.sale_time)) < minMs) continue;
      wanted.add(`${r.seller_id}|${r.month}`);
      idx.push(i);
    }
    if (idx.length === 0) return out;
    // Every accepted line of a wanted seller-month takes part (later lines are subtracted).
    const part: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      const r = lines[i]!;
      if (r.rejection === "" && wanted.has(`${r.seller_id}|${r.month}`)) part.push(i);
    }
    const contributions: LineContribution[] = part.map((i) => ({
      sellerId: lines[i]!.seller_id,
      month: lines[i]!.month,
      revenueCents: BigInt(lines[i]!.revenue_cents),
      commissionMicro: BigInt(lines[i]!.commission_micro),
      newBasket: newBasket[i]!,
    }));
    const keys = [...wanted].map((k) => {
      const [sellerId, month] = k.split("|") as [string, string];
      return { sellerId, month };
    });
    const [totals, complements] = await Promise.all([
      sellerMonthTotals(ch, keys),
      topComplements(ch, [...new Set(idx.map((i) => lines[i]!.product_id))]),
    ]);
    const figures = runningFigures(plan, contributions, totals, (sellerId, month) => ({
      targetCents: state.sellerTarget(sellerId, month),
      role: state.employee(sellerId)?.role ?? "",
    }));
    const byLine = new Map(part.map((i, j) => [i, figures[j]!]));
    const young = new Set(idx);
    for (const i of part) {
      if (!young.has(i)) continue;
      const r = lines[i]!;
      const comps = (complements.get(r.product_id) ?? []).map((c) => ({
        product_id: c.product,
        product_name: state.product(c.product)?.nome_abrev ?? "",
        times_bought_together: c.times,
      }));
      const rec = toFeedbackRecord(
        r,
        byLine.get(i)!,
        state.product(r.product_id)?.nome_abrev ?? "",
        comps,
        now,
      );
      const [bi, li] = where[i]!;
      out[bi]![li] = { key: r.seller_id, value: serdes.feedback.encodeSync(rec) };
    }
    return out;
  }
}
