/**
 * Bench helper: an API process (`api/main.ts`, as `npm run api` runs it) in its own ClickHouse
 * database and Kafka namespace, on a free port, with the rate limit lifted; plus percentiles.
 * Cleans up after itself (process, database, topics).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { createClickHouse, type ClickHouseClient } from "../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../lib/clickhouse/migrate.ts";
import { loadConfig, type Config } from "../lib/config/config.ts";
import { createLogger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { quantile } from "./quantile.ts";
import { createKafka, type KafkaFactory } from "../streams/kafka/kafka-factory.ts";
import { freePort } from "../tests/setup/free-port.ts";

export interface BenchApi {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly base: string;
  readonly ch: ClickHouseClient;
  readonly kafka: KafkaFactory;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Migrates a fresh database, lets `seed` write rows, then starts the API and waits for it.
 *
 * @param name short name of the bench (database and topic prefix)
 */
export async function startBenchApi(
  name: string,
  seed: (ch: ClickHouseClient) => Promise<void>,
): Promise<BenchApi> {
  const tag = `${name}_${Date.now().toString(36)}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CLICKHOUSE_DATABASE: `bench_${tag}`,
    KAFKA_TOPIC_PREFIX: `bench-${tag}.`,
    API_RATE_LIMIT_PER_MINUTE: String(1_000_000_000),
    LOG_LEVEL: "warn",
  };
  const config = loadConfig(env);
  await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations") });
  const ch = createClickHouse(config.clickhouse);
  await seed(ch);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, "api/main.ts")], {
    cwd: REPO_ROOT,
    env: { ...env, API_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const kafka = createKafka(config.kafka, createLogger({ name: "bench", level: "error" }));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    await ch.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` }).catch(() => {});
    await ch.close();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(kafka.prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } catch {
      // leftover bench topics do no harm
    } finally {
      await admin.disconnect();
    }
  };
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`API exited: ${output}`);
    try {
      await fetch(`${base}/health/live`);
      return { config, env, base, ch, kafka, child, stop };
    } catch {
      await sleep(250);
    }
  }
  await stop();
  throw new Error(`API did not listen: ${output}`);
}

/** "p50 1.2 ms  p90 …" of unsorted samples in ms. */
export function latencyLine(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1);
  return `p50 ${f(quantile(s, 0.5))} ms  p90 ${f(quantile(s, 0.9))} ms  p99 ${f(quantile(s, 0.99))} ms  max ${f(s[s.length - 1] ?? NaN)} ms`;
}
