/**
 * One batch of one `raw.transactions` partition (keyed by basket), end to end:
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
 * Memory: one batch per partition (bounded by the consumer's bytes per partition) and the
 * reference state; no per-line history is kept in memory.
 */
import type { Producer, Message } from "kafkajs";
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
}

export interface BatchStats {
  readonly lines: number;
  readonly inserted: number;
  readonly rederived: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly feedback: number;
  /**
   * Wall time of the batch's phases, ms: lookups; the insert (overlapped with the transaction's
   * `sales.normalized` / `dlq.processing` sends and offsets); feedback queries; the rest of the
   * Kafka transaction (feedback send and commit).
   */
  readonly ms: {
    readonly lookups: number;
    readonly insert: number;
    readonly feedback: number;
    readonly kafka: number;
  };
}

const TABLE = "sales_lines";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SalesBatchHandler {
  private readonly watermarks = new Map<number, bigint>();
  private readonly producers = new Map<number, Promise<Producer>>();

  constructor(private readonly deps: SalesBatchDeps) {}

  /** After a rebalance: watermarks are re-read from ClickHouse (another member may have written). */
  onRebalance(): void {
    this.watermarks.clear();
  }

  /** Handles the batch (retrying with backoff), then acknowledges it; fails it after the last attempt. */
  async handle(batch: SourceBatch<RawTransaction>): Promise<BatchStats | undefined> {
    const attempts = this.deps.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      if (batch.stale()) {
        batch.ack(); // revoked: the new owner redoes it; the source commits nothing for it
        return undefined;
      }
      try {
        const stats = await this.once(batch);
        batch.ack();
        return stats;
      } catch (err) {
        // The insert or the transaction may have half-happened: re-read the watermark, and a
        // fenced or broken producer is replaced.
        this.watermarks.delete(batch.partition);
        await this.dropProducer(batch.partition);
        if (attempt >= attempts) {
          const failure = new VitrineError(
            VT_ERR_PROCESSOR_BATCH_FAILED,
            `batch ${batch.topic}/${batch.partition} up to offset ${batch.lastOffset} failed ${attempts} times: ${(err as Error).message}`,
            { cause: err },
          );
          batch.fail(failure);
          throw failure;
        }
        this.deps.log.warn(
          { err: (err as Error).message, attempt, partition: batch.partition },
          "processor.batch_retry",
        );
        await sleep(Math.min(5000, 100 * 2 ** attempt));
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.producers.keys()].map((p) => this.dropProducer(p)));
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

  private async once(batch: SourceBatch<RawTransaction>): Promise<BatchStats> {
    const { ch, plan, zone, reference } = this.deps;
    const { topic, partition } = batch;
    const msgs = batch.messages;
    const t0 = performance.now();
    // Three independent round trips at once: the reference catch-up, the watermark (when not
    // cached) and the baskets' state (for every basket of the batch: lines the batch already
    // has in ClickHouse are part of that state too, so looking them up early is right).
    const basketIds = [...new Set(msgs.map((m) => `${m.value.cod_loja}|${m.value.cod_transacao}`))];
    const [, cachedMark, priorRows] = await Promise.all([
      reference.catchUp(),
      this.watermarks.get(partition) ?? clickhouseWatermark(ch, TABLE, topic, partition),
      basketIds.length > 0 ? basketLines(ch, basketIds) : Promise.resolve([]),
    ]);
    const mark = cachedMark;
    this.watermarks.set(partition, mark);
    const state = reference.state;
    const t1 = performance.now();

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
      const prior = basketStateOf(priorRows);
      const decisions = walkBaskets(prior, enriched);
      rows = enriched.map((e, j) => {
        const m = msgs[freshFrom + j]!;
        const d = decisions[j]!;
        newBasket[freshFrom + j] = d.newBasket;
        return toSilverRow(e, { topic, partition, offset: Number(m.offset) }, d);
      });
      for (let j = 0; j < rows.length; j++) lines[freshFrom + j] = rows[j]!;
    }

    // Outputs that do not depend on the insert.
    const { serdes } = this.deps;
    const normalized: Message[] = [];
    const dead: Message[] = [];
    let accepted = 0;
    for (let i = 0; i < lines.length; i++) {
      const r = lines[i]!;
      if (r.rejection === "") {
        accepted++;
        normalized.push({ key: r.basket_id, value: serdes.normalized.encodeSync(toNormalizedRecord(r)) });
      } else {
        dead.push({ key: r.line_id, value: serdes.deadLetter.encodeSync(toDeadLetter(r, msgs[i]!.value)) });
      }
    }

    // ONE insert of the fresh rows, and — at the same time, inside the batch's Kafka
    // transaction — `sales.normalized`, `dlq.processing` and the group's offset. Nothing of the
    // transaction is visible before its commit, which comes only after the insert succeeded
    // and the feedback (read from the gold totals after the insert) joined it; any failure
    // aborts it (a kill -9 leaves it open: the next producer with the same transactional id
    // aborts it), so the exactly-once argument is the one of a sequential chain.
    const producer = await this.producer(partition);
    const txn = await producer.transaction();
    const t = this.deps.kafka.topics;
    let feedback: Message[] = [];
    let t2 = performance.now();
    let t3 = t2;
    try {
      const [ins, sent] = await Promise.allSettled([
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
        (async () => {
          await sendTopicsInChunks(txn, [
            { topic: t.salesNormalized, messages: normalized },
            { topic: t.dlqProcessing, messages: dead },
          ]);
          await txn.sendOffsets({
            consumerGroupId: this.deps.groupId,
            topics: [
              { topic, partitions: [{ partition, offset: (BigInt(batch.lastOffset) + 1n).toString() }] },
            ],
          });
        })(),
      ]);
      if (ins.status === "rejected") throw ins.reason;
      if (sent.status === "rejected") throw sent.reason;
      if (rows.length > 0) this.watermarks.set(partition, BigInt(msgs[msgs.length - 1]!.offset));
      t2 = performance.now();
      feedback = await this.feedback(lines, newBasket);
      t3 = performance.now();
      if (feedback.length > 0)
        await sendTopicsInChunks(txn, [{ topic: t.salesFeedback, messages: feedback }]);
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => {});
      throw err;
    }
    const inserted = rows.length;
    return {
      lines: lines.length,
      inserted,
      rederived,
      accepted,
      rejected: lines.length - accepted,
      feedback: feedback.length,
      ms: {
        lookups: Math.round(t1 - t0),
        insert: Math.round(t2 - t1),
        feedback: Math.round(t3 - t2),
        kafka: Math.round(performance.now() - t3),
      },
    };
  }

  /** Feedback events of the batch's accepted lines (young enough), keyed by seller. */
  private async feedback(lines: readonly SalesLine[], newBasket: readonly boolean[]): Promise<Message[]> {
    const { ch, plan, serdes, feedbackMaxAgeMs } = this.deps;
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
    if (idx.length === 0) return [];
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
    const out: Message[] = [];
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
      out.push({ key: r.seller_id, value: serdes.feedback.encodeSync(rec) });
    }
    return out;
  }
}
