/**
 * Every Kafka topic name of Vitrine in one place (DESIGN §7). Names are namespaced by
 * `KAFKA_TOPIC_PREFIX` ("" by default; e.g. "staging." on a shared managed cluster, or a unique
 * prefix per integration-test run), so consumers, producers and schema subjects agree.
 *
 * @example
 *   const t = topicsFor(config.kafka.topicPrefix);
 *   consumer.subscribe({ topics: [t.salesFeedback] });
 */

/** Base names (without prefix). */
export const TOPIC = {
  rawTransactions: "raw.transactions",
  rawStores: "raw.stores",
  rawEmployees: "raw.employees",
  rawSkuDataset: "raw.sku_dataset",
  rawSkuStatus: "raw.sku_status",
  rawSkuPrice: "raw.sku_price",
  rawSkuCost: "raw.sku_cost",
  rawTargetsSalesperson: "raw.targets_salesperson",
  rawTargetsStore: "raw.targets_store",
  rawDailyStock: "raw.daily_stock",
  salesNormalized: "sales.normalized",
  salesFeedback: "sales.feedback",
  dlqIngest: "dlq.ingest",
  dlqProcessing: "dlq.processing",
  s3SourceCheckpoints: "_vitrine.s3-source.checkpoints",
} as const;

export type TopicKey = keyof typeof TOPIC;
export type Topics = { readonly [K in TopicKey]: string };

/** A base topic name under a prefix. */
export const prefixed = (prefix: string, base: string): string => `${prefix}${base}`;

/** The topic names under a prefix. */
export function topicsFor(prefix: string): Topics {
  const out = {} as Record<TopicKey, string>;
  for (const k of Object.keys(TOPIC) as TopicKey[]) out[k] = prefixed(prefix, TOPIC[k]);
  return Object.freeze(out);
}
