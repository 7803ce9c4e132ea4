/**
 * `npm run bench:backfill -- [--lines 5000000] [--keep]` — the Spark backfill end to end.
 *
 * Generates a chain's partner files with N transaction lines into the bucket (not timed), then
 * times `backfill()` (Spark: S3A read, validation, enrichment, dedupe/pair windows, staging insert
 * with the materialized views; then the month-partition swap) into a scratch database, and beside
 * it a raw `clickhouse-client` CSV load of the same transaction lines into a plain MergeTree table.
 * Prints lines/s of both, their ratio, and the configured and peak RSS memory of Spark's JVM and
 * Python workers (sampled from /proc every second). Without `--keep`, the scratch database and the
 * uploaded files are removed at the end.
 */
import { spawn } from "node:child_process";
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDataset } from "../generator/generate-dataset.ts";
import { createDirectorySink } from "../generator/sink.ts";
import { createClickHouse, exec } from "../lib/clickhouse/clickhouse-client.ts";
import { ident, sql } from "../lib/clickhouse/sql.ts";
import { loadConfig } from "../lib/config/config.ts";
import { createS3 } from "../lib/s3/s3-client.ts";
import { uploadDir } from "../lib/s3/upload-dir.ts";
import { DEFAULT_PLAN } from "../processors/domain/commission-plan.ts";
import { backfill } from "../spark/backfill.ts";
import { benchArgs } from "./args.ts";

const opts = benchArgs("npm run bench:backfill -- [--lines 5000000] [--keep]", {
  lines: { type: "number", default: 5_000_000, min: 1 },
  keep: { type: "flag" },
});
const LINES = opts.lines;

/** Peak RSS (MiB) of Spark's processes: the SparkSubmit JVM and the pyspark Python workers. */
function sampleSpark(): { stop: () => { jvm: number; python: number } } {
  let jvm = 0;
  let python = 0;
  const timer = setInterval(() => {
    let j = 0;
    let p = 0;
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        const mib = rss ? Number(rss[1]) / 1024 : 0;
        if (cmd.includes("org.apache.spark.deploy.SparkSubmit") && cmd.includes("vitrine")) j += mib;
        else if (
          cmd.includes("pyspark.daemon") ||
          cmd.includes("pyspark/daemon") ||
          cmd.includes("vitrine_backfill.job")
        )
          p += mib;
      } catch {
        // the process ended meanwhile
      }
    }
    jvm = Math.max(jvm, j);
    python = Math.max(python, p);
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return { jvm: Math.round(jvm), python: Math.round(python) };
    },
  };
}

/** Deletes every object under a prefix (the bench's upload and the job's dead letters). */
async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const keys = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const s3 = createS3(config.s3);
  const dir = mkdtempSync(join(tmpdir(), "vitrine-bench-backfill-"));
  const prefix = `bench/backfill-${Date.now().toString(36)}/`;
  process.stdout.write(`generating ${LINES} lines (2023, 50 stores, 500 products) … `);
  const tg = Date.now();
  const generated = await generateDataset(
    { seed: 5, from: "2023-01", to: "2023-12", stores: 50, products: 500, lines: LINES, stockProducts: 0 },
    createDirectorySink(dir),
  );
  await uploadDir(s3, config.s3.bucket, dir, prefix);
  const txFile = join(dir, "transactions_2023.csv");
  const lines = generated.files.find((f) => f.name === "transactions_2023.csv")?.dataLines ?? 0;
  console.log(
    `${((Date.now() - tg) / 1000).toFixed(0)} s, ${lines} lines, ${(statSync(txFile).size / 2 ** 20).toFixed(0)} MiB`,
  );

  const database = `bench_backfill_${Date.now().toString(36)}`;
  const server = createClickHouse(config.clickhouse, { database: null });
  try {
    const sampler = sampleSpark();
    const t0 = Date.now();
    const s = await backfill(config, {
      from: "2023-01",
      to: "2023-12",
      prefix,
      plan: DEFAULT_PLAN,
      database,
      deadLetterPath: `s3a://${config.s3.bucket}/${prefix}dead-letters/`,
      onProgress: (l) => console.log(`  [${((Date.now() - t0) / 1000).toFixed(0)} s] ${l}`),
    });
    const mem = sampler.stop();
    const seconds = (Date.now() - t0) / 1000;
    const accepted = Object.values(s.months).reduce((n, m) => n + m.accepted, 0);

    // Raw load of the same lines: clickhouse-client, CSV, a plain MergeTree table, no views.
    await exec(
      server,
      sql`CREATE TABLE ${ident(`${database}.raw_csv`)} (data String, cod_vendedor String, cod_loja String, cod_transacao String, quantidade Int32, cod_prod String, preco String) ENGINE = MergeTree ORDER BY tuple()`,
    );
    const url = new URL(config.clickhouse.url);
    const tr = Date.now();
    await new Promise<void>((done, fail) => {
      const child = spawn(
        "sh",
        [
          "-c",
          `clickhouse-client --host "$CH_HOST" --user "$CH_USER" --password "$CH_PASSWORD" --query "INSERT INTO ${database}.raw_csv FORMAT CSVWithNames" < "$CH_FILE"`,
        ],
        {
          stdio: "inherit",
          env: {
            ...process.env,
            CH_HOST: url.hostname,
            CH_USER: config.clickhouse.user,
            CH_PASSWORD: config.clickhouse.password,
            CH_FILE: txFile,
          },
        },
      );
      child.on("close", (code) =>
        code === 0 ? done() : fail(new Error(`clickhouse-client exited with ${code}`)),
      );
    });
    const rawSeconds = (Date.now() - tr) / 1000;

    console.log(
      `\nbackfill: ${s.transactionRows} transaction lines (${accepted} accepted into silver) in ${seconds.toFixed(1)} s`,
    );
    console.log(
      `  end to end (bucket → silver + gold, partition swap included): ${Math.round(s.transactionRows / seconds)} lines/s`,
    );
    console.log(
      `  Spark job alone: ${(s.ms / 1000).toFixed(1)} s, ${Math.round(s.transactionRows / (s.ms / 1000))} lines/s`,
    );
    console.log(
      `raw clickhouse-client CSV load of the same file: ${rawSeconds.toFixed(1)} s, ${Math.round(lines / rawSeconds)} lines/s`,
    );
    console.log(`ratio raw / backfill: ${(seconds / rawSeconds).toFixed(1)}× faster than the backfill`);
    console.log(
      `memory: spark.driver.memory 1g (local mode: the driver is the executor); peak RSS JVM ${mem.jvm} MiB, Python workers ${mem.python} MiB`,
    );
  } finally {
    if (!opts.keep) {
      await exec(server, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
      await deletePrefix(s3, config.s3.bucket, prefix);
    }
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    s3.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
