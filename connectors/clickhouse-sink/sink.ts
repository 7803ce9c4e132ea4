/**
 * Exactly-once effect into ClickHouse from Kafka, on a server without insert dedup tokens
 * (18.16) and with materialized views that would count a retried insert twice.
 *
 * Every silver row carries its Kafka coordinates (`_topic`, `_partition`, `_offset`). Per
 * partition the sink keeps a watermark — the highest offset ClickHouse already holds, read from
 * ClickHouse itself when the partition is (re)assigned and after any failed insert — and inserts
 * only messages above it, one partition's batch per INSERT (a single block: all or nothing, and
 * the views fire once for it). So a crash before the Kafka commit, a retried insert whose first
 * attempt did land, or a replay from an old offset adds nothing twice.
 *
 * Ownership: a partition is written by the one group member that owns it; kafkajs finishes a
 * running batch before it gives partitions up in a rebalance, and the new owner reads the
 * watermark after it is assigned.
 *
 * @example
 *   kafkaSource(consumer, { topics: ["sales.normalized"], decode })
 *     .pipe(concatMap((b) => sink.write(b)))
 *     .subscribe();
 */
import type { Consumer } from "kafkajs";
import type { ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import { queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import type { Logger } from "../../lib/log/logger.ts";
import type { SourceBatch, SourceMessage } from "../../streams/runtime/kafka-source.ts";

export type SilverRow = Record<string, string | number | boolean | null>;

export interface ClickHouseSinkOptions<T> {
  /** Silver table with `_topic String, _partition UInt32, _offset UInt64` besides its own columns. */
  readonly table: string;
  /** The row of a message, without the Kafka coordinates (added by the sink). */
  readonly toRow: (m: SourceMessage<T>) => SilverRow;
  /** Attempts per insert before the sink fails the batch (nothing is committed then). */
  readonly maxAttempts?: number;
  readonly log?: Logger;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The highest Kafka offset a silver table holds for a partition (−1 when none): where a writer
 * of that partition resumes (a primary-key range read: tables are ordered by coordinates).
 */
export async function clickhouseWatermark(
  ch: ClickHouseClient,
  table: string,
  topic: string,
  partition: number,
): Promise<bigint> {
  const rows = await queryRows<{ n: string; hi: string }>(
    ch,
    sql`SELECT count() AS n, max(_offset) AS hi FROM ${ident(table)} WHERE _topic = ${topic} AND _partition = ${partition}`,
  );
  const r = rows[0];
  return r && Number(r.n) > 0 ? BigInt(r.hi) : -1n;
}

export class ClickHouseSink<T> {
  private readonly watermarks = new Map<string, bigint>();

  constructor(
    private readonly ch: ClickHouseClient,
    private readonly opts: ClickHouseSinkOptions<T>,
  ) {}

  /** Forget every watermark when the group rebalances (they are re-read from ClickHouse). */
  attach(consumer: Consumer): this {
    consumer.on(consumer.events.GROUP_JOIN, () => this.watermarks.clear());
    return this;
  }

  /** The highest offset ClickHouse holds for a partition (−1 when none). */
  watermark(topic: string, partition: number): Promise<bigint> {
    return clickhouseWatermark(this.ch, this.opts.table, topic, partition);
  }

  /**
   * Inserts a batch's new rows, then acknowledges it (so the source commits its offsets).
   * On repeated failure the batch is failed: the source stops without committing.
   *
   * @returns the number of rows inserted now (0 when ClickHouse already had them all)
   */
  async write(batch: SourceBatch<T>): Promise<number> {
    const key = `${batch.topic}|${batch.partition}`;
    const attempts = this.opts.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        let mark = this.watermarks.get(key);
        if (mark === undefined) {
          mark = await this.watermark(batch.topic, batch.partition);
          this.watermarks.set(key, mark);
        }
        const fresh = batch.messages.filter((m) => BigInt(m.offset) > mark!);
        if (fresh.length > 0) {
          await this.ch.insert({
            table: this.opts.table,
            format: "JSONEachRow",
            values: fresh.map((m) => ({
              ...this.opts.toRow(m),
              _topic: m.topic,
              _partition: m.partition,
              _offset: Number(m.offset),
            })),
          });
          this.watermarks.set(key, BigInt(fresh[fresh.length - 1]!.offset));
        }
        batch.ack();
        return fresh.length;
      } catch (err) {
        // The insert may have landed before the error reached us: re-read the watermark.
        this.watermarks.delete(key);
        if (attempt >= attempts) {
          batch.fail(err);
          throw err;
        }
        this.opts.log?.warn({ err: (err as Error).message, attempt, table: this.opts.table }, "sink.retry");
        await sleep(Math.min(5000, 100 * 2 ** attempt));
      }
    }
  }
}
