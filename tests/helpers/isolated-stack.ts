/**
 * Per-test isolation on the shared stack: a configuration whose Kafka names live under a unique
 * `KAFKA_TOPIC_PREFIX` (topics, schema subjects, consumer groups, transactional ids) and, when
 * asked, a unique ClickHouse database; and a cleanup that deletes the test's topics afterwards.
 *
 * @example
 *   const env = isolatedEnv("proc", { clickhouse: true });
 *   const config = loadConfig(env);          // child processes get `env` too
 *   …
 *   await deleteTopicsUnder(kafka);         // in afterAll
 */
import { loadConfig, type Config } from "../../lib/config/config.ts";
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";
import { uniqueName } from "../setup/test-config.ts";

/** The process environment with a unique topic prefix (and database, when asked). */
export function isolatedEnv(name: string, opts: { clickhouse?: boolean } = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_TOPIC_PREFIX: `${uniqueName(name)}.`,
    ...(opts.clickhouse ? { CLICKHOUSE_DATABASE: uniqueName(`${name}_db`) } : {}),
  };
}

/** `loadConfig` of an isolated environment. */
export const isolatedConfig = (name: string, opts: { clickhouse?: boolean } = {}): Config =>
  loadConfig(isolatedEnv(name, opts));

/**
 * Deletes every topic under the factory's prefix (refuses the empty prefix: that would be every
 * topic of the cluster).
 */
export async function deleteTopicsUnder(kafka: KafkaFactory): Promise<void> {
  if (kafka.prefix === "") throw new Error("refusing to delete topics without a prefix");
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(kafka.prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
  } catch {
    // Best effort: leftover topics of a finished test do no harm beyond disk.
  } finally {
    await admin.disconnect();
  }
}
