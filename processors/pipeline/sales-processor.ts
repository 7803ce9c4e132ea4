/**
 * The sales processor: `raw.transactions` → normalize → enrich (reference data caught up before
 * every batch) → `sales_lines` in ClickHouse through the exactly-once sink, whose materialized
 * views keep the gold aggregates. Offsets are committed only after ClickHouse holds the batch.
 *
 * Not yet here (issue 4 continues): dedupe by line identity, `sales.normalized` /
 * `sales.feedback` topics, co-purchase pairs.
 *
 * @example
 *   const p = await startSalesProcessor(deps);
 *   …
 *   await p.stop();
 */
import { concatMap, type Subscription } from "rxjs";
import type { ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import type { Config } from "../../lib/config/config.ts";
import type { Logger } from "../../lib/log/logger.ts";
import type { RawTransaction } from "../../schemas/raw-records.ts";
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";
import { kafkaSource } from "../../streams/runtime/kafka-source.ts";
import type { AvroSerde } from "../../streams/serde/avro-serde.ts";
import { ClickHouseSink } from "../../connectors/clickhouse-sink/sink.ts";
import type { CommissionPlan } from "../domain/commission-plan.ts";
import { enrichSale } from "../enrich/enrich-sale.ts";
import { ReferenceLoader } from "../enrich/reference-loader.ts";
import { normalizeSale } from "../normalize/normalize-sale.ts";
import { toSilverRow } from "./silver-row.ts";

export interface SalesProcessorDeps {
  readonly config: Config;
  readonly kafka: KafkaFactory;
  readonly serde: AvroSerde;
  readonly ch: ClickHouseClient;
  readonly plan: CommissionPlan;
  readonly log: Logger;
}

export interface RunningProcessor {
  /** Settles when the stream fails (it never completes on its own). */
  readonly failed: Promise<never>;
  stop(): Promise<void>;
}

export async function startSalesProcessor(
  deps: SalesProcessorDeps,
  opts: { groupId?: string } = {},
): Promise<RunningProcessor> {
  const admin = deps.kafka.admin();
  await admin.connect();
  const reference = new ReferenceLoader(deps.kafka, admin, deps.serde);
  await reference.start();
  const consumer = deps.kafka.consumer({
    groupId: opts.groupId ?? deps.kafka.scoped("vitrine-sales-processor"),
    maxWaitTimeInMs: 200,
    sessionTimeout: 10_000,
    rebalanceTimeout: 30_000,
  });
  await consumer.connect();
  const zone = deps.config.tzBusiness;
  const sink = new ClickHouseSink<RawTransaction>(deps.ch, {
    table: "sales_lines",
    toRow: (m) => toSilverRow(enrichSale(normalizeSale(m.value, zone), reference.state, deps.plan)),
    log: deps.log,
  }).attach(consumer);

  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  const subscription: Subscription = kafkaSource(consumer, {
    topics: [deps.kafka.topics.rawTransactions],
    decode: (v) => deps.serde.decode<RawTransaction>(v),
  })
    .pipe(
      concatMap(async (batch) => {
        await reference.catchUp();
        const n = await sink.write(batch);
        deps.log.debug({ partition: batch.partition, rows: n }, "processor.batch");
        return n;
      }),
    )
    .subscribe({ error: (err: unknown) => fail(err) });

  return {
    failed,
    stop: async () => {
      subscription.unsubscribe();
      await consumer.disconnect();
      await reference.stop();
      await admin.disconnect();
    },
  };
}
