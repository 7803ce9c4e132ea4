/**
 * `npm run bench:feedback -- [--rate 1000] [--seconds 20]` — line produced to `raw.transactions`
 * → its `sales.feedback` event received, p50/p95/p99/max, at a steady rate (default 1k lines/s,
 * in 10 ms ticks). The processor is `npm run process` in a child process under the bench's own
 * topic prefix and ClickHouse database (dropped at the end). Sales are timestamped now, so every
 * line gets feedback.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { connectorDeps } from "../connectors/s3-source/connector-deps.ts";
import { createClickHouse, exec } from "../lib/clickhouse/clickhouse-client.ts";
import { ident, sql } from "../lib/clickhouse/sql.ts";
import { loadConfig } from "../lib/config/config.ts";
import { createLogger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { benchArgs } from "./args.ts";
import { printBatchStats } from "./batch-stats.ts";
import { quantile } from "./quantile.ts";
import type { RawTransaction } from "../schemas/raw-records.ts";
import { readSchemaFile, valueSubject } from "../streams/serde/avro-serde.ts";
import { ensureIngestTopics, ensureProcessingTopics } from "../streams/topic-specs.ts";

const opts = benchArgs("npm run bench:feedback -- [--rate 1000] [--seconds 20]", {
  rate: { type: "number", default: 1000, min: 1 },
  seconds: { type: "number", default: 20, min: 1 },
});
const RATE = opts.rate;
const SECONDS = opts.seconds;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 'YYYY-MM-DD hh:mm:ss' in São Paulo local time (the partner's naive format). */
const localNow = (zone: string): string =>
  new Intl.DateTimeFormat("sv-SE", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(new Date());

async function main(): Promise<void> {
  const tag = Date.now().toString(36);
  const env = {
    ...process.env,
    KAFKA_TOPIC_PREFIX: `benchfb_${tag}.`,
    CLICKHOUSE_DATABASE: `bench_fb_${tag}`,
  };
  const config = loadConfig(env);
  const deps = connectorDeps(config, createLogger({ name: "bench", level: "error" }));
  const topics = deps.kafka.topics;
  const ch = createClickHouse(config.clickhouse, { database: null });
  const admin = deps.kafka.admin();
  await admin.connect();
  await ensureIngestTopics(admin, topics);
  await ensureProcessingTopics(admin, topics);
  const child = spawn(
    process.execPath,
    ["--import", "tsx", resolve(REPO_ROOT, "processors/pipeline/process-cli.ts")],
    {
      cwd: REPO_ROOT,
      env: { ...env, LOG_LEVEL: "debug" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const consumer = deps.kafka.consumer({ groupId: `bench-fb-${tag}`, maxWaitTimeInMs: 20 });
  const producer = deps.kafka.producer({ allowAutoTopicCreation: false });
  try {
    while (!out.includes("processor.started")) {
      if (child.exitCode !== null) throw new Error(`processor exited: ${out}`);
      await sleep(100);
    }
    const serde = await deps.serde.forSubject<RawTransaction>(
      valueSubject(topics.rawTransactions),
      await readSchemaFile(resolve(REPO_ROOT, "schemas/raw/transactions.avsc")),
    );
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.salesFeedback], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) {
          if (!m.value) continue;
          const fb = await deps.serde.decode<{ line_id: string }>(m.value);
          const t = sentAt.get(fb.line_id);
          if (t !== undefined) latencies.push(now - t);
        }
      },
    });
    await producer.connect();
    await sleep(3000); // let the processor's consumer group settle before timing
    const perTick = Math.max(1, Math.round(RATE / 100));
    const total = RATE * SECONDS;
    let n = 0;
    const t0 = Date.now();
    while (n < total) {
      const messages = [];
      const data = localNow(config.tzBusiness);
      for (let i = 0; i < perTick && n < total; i++, n++) {
        const txn = String(1_000_000 + n);
        const row: RawTransaction = {
          data,
          cod_vendedor: String(10001 + (n % 200)),
          cod_loja: String(101 + (n % 20)),
          cod_transacao: txn,
          quantidade: 1 + (n % 3),
          cod_prod: String(500001 + (n % 300)),
          preco: `${(n % 190) + 9}.90`,
          source_file: "bench/feedback.csv",
          source_line: n + 2,
        };
        sentAt.set(`${row.cod_loja}|${txn}|${row.cod_prod}`, Date.now());
        messages.push({ key: `${row.cod_loja}|${txn}`, value: serde.encodeSync(row) });
      }
      await producer.send({ topic: topics.rawTransactions, messages });
      const due = t0 + (n / RATE) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
    }
    const produceSeconds = (Date.now() - t0) / 1000;
    const deadline = Date.now() + 30_000;
    while (latencies.length < total && Date.now() < deadline) await sleep(100);
    latencies.sort((a, b) => a - b);
    const q = (p: number) => quantile(latencies, p / 100);
    console.log(
      `produced ${total} lines in ${produceSeconds.toFixed(1)} s (${Math.round(total / produceSeconds)} lines/s)`,
    );
    console.log(`feedback events received          ${latencies.length}`);
    console.log(`produce → feedback p50            ${q(50)} ms`);
    console.log(`produce → feedback p95            ${q(95)} ms`);
    console.log(`produce → feedback p99            ${q(99)} ms`);
    console.log(`produce → feedback max            ${latencies.at(-1)} ms`);
    // Where a batch's time goes (the processor's debug lines).
    printBatchStats(out.split("\n"));
    // A transaction begun while the broker still writes the previous one's markers is refused
    // (CONCURRENT_TRANSACTIONS) and retried by kafkajs after its backoff.
    const concurrent = out
      .split("\n")
      .filter((l) => l.includes("concurrent operation on the same transaction"));
    console.log(`kafka CONCURRENT_TRANSACTIONS retries ${concurrent.length}`);
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await exec(ch, sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`).catch(() => {});
    await ch.close();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(deps.kafka.prefix));
    if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
    deps.s3.destroy();
  }
}

await main();
