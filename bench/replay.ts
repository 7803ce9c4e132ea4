/**
 * `npm run bench:replay -- [--lines 1000000]` — S3 → Kafka replay throughput of the connector.
 *
 * Writes N valid transaction lines into the bucket (streamed, not timed), then replays them at
 * full speed with the real connector (CSV parse, validation, Avro, transactional produce) and
 * prints lines/s and the peak RSS of this process (which is the connector). Target (issue 3):
 * ≥ 100k lines/s on 2 cores, RSS < 300 MB whatever the file size.
 */
import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { connectorDeps } from "../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector } from "../connectors/s3-source/source.ts";
import { loadConfig } from "../lib/config/config.ts";
import { createLogger } from "../lib/log/logger.ts";
import { benchArgs } from "./args.ts";

/** `--prefix` is internal: the timed replay phase runs in a child process on the uploaded prefix. */
const opts = benchArgs("npm run bench:replay -- [--lines 1000000] [--batch-rows 20000]", {
  lines: { type: "number", default: 1_000_000, min: 1 },
  "batch-rows": { type: "number", default: 20_000, min: 1 },
  prefix: { type: "optional-string" },
});
const LINES = opts.lines;
const BATCH = opts["batch-rows"];
const prefixArg = opts.prefix;

async function main(): Promise<void> {
  if (prefixArg) return replayPhase(prefixArg);
  // Its own topics (deleted at the end), so a million bench lines never reach the app's topics.
  const tag = Date.now().toString(36);
  const env = { ...process.env, KAFKA_TOPIC_PREFIX: `benchreplay_${tag}.` };
  const config = loadConfig(env);
  const deps = connectorDeps(config, createLogger({ name: "bench", level: "error" }));
  const prefix = `bench/replay-${tag}/`;
  function* lines(): Generator<string> {
    yield "data,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco\n";
    let buf = "";
    for (let i = 1; i <= LINES; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      buf += `2024-03-${day} ${10 + (i % 12)}:${String(i % 60).padStart(2, "0")}:00,${10001 + (i % 5000)},${101 + (i % 50)},${i},${1 + (i % 3)},${500001 + (i % 2000)},${(i % 190) + 9}.90\n`;
      if (i % 1000 === 0) {
        yield buf;
        buf = "";
      }
    }
    if (buf) yield buf;
  }
  process.stdout.write(`writing ${LINES} lines to s3://${config.s3.bucket}/${prefix} … `);
  const tw = Date.now();
  await new Upload({
    client: deps.s3,
    params: {
      Bucket: config.s3.bucket,
      Key: `${prefix}transactions_bench.csv`,
      Body: Readable.from(lines()),
    },
    partSize: 16 * 1024 * 1024,
  }).done();
  console.log(`${((Date.now() - tw) / 1000).toFixed(1)} s`);
  // The replay runs in a fresh process so that its RSS is the connector's alone.
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), "--prefix", prefix, "--batch-rows", String(BATCH)],
    { stdio: "inherit", env },
  );
  process.exitCode = child.status ?? 1;
  const admin = deps.kafka.admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(deps.kafka.prefix));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => {});
  await admin.disconnect();
  await deps.s3.send(
    new DeleteObjectCommand({ Bucket: config.s3.bucket, Key: `${prefix}transactions_bench.csv` }),
  );
  deps.s3.destroy();
}

async function replayPhase(prefix: string): Promise<void> {
  const config = loadConfig(process.env);
  const deps = connectorDeps(config, createLogger({ name: "bench", level: "error" }));
  let peak = 0;
  let atPeak: NodeJS.MemoryUsage | undefined;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak) [peak, atPeak] = [m.rss, m];
  }, 100);
  const source = await S3SourceConnector.create(deps, `bench-${Date.now()}`);
  const t0 = Date.now();
  const summary = await source.replay({ prefix, maxBatchRows: BATCH });
  const seconds = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  await source.close();
  deps.s3.destroy();
  console.log(`replayed ${summary.rowsRead} lines (${summary.accepted} accepted) in ${seconds.toFixed(1)} s`);
  console.log(`throughput: ${Math.round(summary.rowsRead / seconds)} lines/s (target ≥ 100000)`);
  const mb = (n = 0) => Math.round(n / 1024 / 1024);
  console.log(`connector peak RSS: ${mb(peak)} MB (target < 300 MB)`);
  console.log(
    `  at the peak: main-thread heap ${mb(atPeak?.heapTotal)} MB, array buffers ${mb(atPeak?.arrayBuffers)} MB; the rest is the validation worker's heap, librdkafka and code`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
