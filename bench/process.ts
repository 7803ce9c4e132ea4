/**
 * `npm run bench:process -- [--lines 1000000] [--stores 250] [--sellers-per-store 20] [--sequential] [--processors N] [--heap MB] [--batch-bytes N] [--profile DIR]` — end to
 * end: a generated chain's files in the bucket → connector → Kafka → processor → ClickHouse gold
 * queryable, in lines/s; the connector's own share; the processor's peak RSS; and beside it a raw
 * `clickhouse-client` CSV load of the same transaction lines (the local insert limit) as a ratio.
 *
 * Runs under its own topic prefix and ClickHouse database (dropped at the end). The processor is
 * `npm run process` in a child process (so its RSS is its own), with the default feedback age
 * (history gets no feedback events; see README "Processing").
 */
import { spawn, spawnSync } from "node:child_process";
import { DeleteObjectsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { mkdtempSync, readdirSync, rmSync, readFileSync, openSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connectorDeps } from "../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector } from "../connectors/s3-source/source.ts";
import { generateDataset } from "../generator/generate-dataset.ts";
import { createDirectorySink } from "../generator/sink.ts";
import { createClickHouse, exec, queryRows } from "../lib/clickhouse/clickhouse-client.ts";
import { ident, sql } from "../lib/clickhouse/sql.ts";
import { loadConfig } from "../lib/config/config.ts";
import { createLogger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { uploadDir } from "../lib/s3/upload-dir.ts";
import { processorNodeFlags } from "../processors/pipeline/node-flags.ts";
import { benchArgs } from "./args.ts";
import { printBatchStats } from "./batch-stats.ts";
import { formatCpuPerLine, snapshot, stackPids, type CpuSnapshot } from "./cpu-time.ts";

const opts = benchArgs(
  "npm run bench:process -- [--lines 1000000] [--stores 250] [--sellers-per-store 20] [--sequential] [--processors N] [--heap MB] [--batch-bytes N] [--stats] [--profile DIR]",
  {
    lines: { type: "number", default: 1_000_000, min: 1 },
    stores: { type: "number", default: 250, min: 1 },
    "sellers-per-store": { type: "number", default: 20, min: 1 },
    /** Connector first, then the processor alone on the loaded topic (its own rate). */
    sequential: { type: "flag" },
    /** N processor processes in one consumer group (the engines' way to scale). */
    processors: { type: "number", default: 1, min: 1 },
    /** The processor's V8 old-space limit in MB (node --max-old-space-size; default PROCESSOR_HEAP_MB). */
    heap: { type: "optional-number", min: 64 },
    /** Passed to the processor (bytes fetched per partition per batch). */
    "batch-bytes": { type: "optional-number", min: 1024 },
    /** The processor logs its batches (debug) and the bench prints their sizes and phase times. */
    stats: { type: "flag" },
    /** The processor writes a CPU profile (node --cpu-prof) into DIR. */
    profile: { type: "optional-string" },
  },
);
const LINES = opts.lines;
const STORES = opts.stores;
const SELLERS = opts["sellers-per-store"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sequential = opts.sequential;
const PROCESSORS = opts.processors;
const stats = opts.stats;
const batchLines: string[] = [];
const outs: (() => string)[] = [];
const heapMb = opts.heap;
const batchBytes = opts["batch-bytes"] === undefined ? [] : ["--batch-bytes", String(opts["batch-bytes"])];
const profileDir = opts.profile;

async function main(): Promise<void> {
  const tag = Date.now().toString(36);
  const env = {
    ...process.env,
    KAFKA_TOPIC_PREFIX: `bench_${tag}.`,
    CLICKHOUSE_DATABASE: `bench_proc_${tag}`,
  };
  const config = loadConfig(env);
  const log = createLogger({ name: "bench", level: "error" });
  const deps = connectorDeps(config, log);
  const dir = mkdtempSync(join(tmpdir(), "vitrine-bench-process-"));
  const prefix = `bench/process-${tag}/`;
  const ch = createClickHouse(config.clickhouse, { database: null });
  const children: ReturnType<typeof spawn>[] = [];
  try {
    process.stdout.write(`generating ~${LINES} lines (${STORES} stores × ${SELLERS + 1} sellers) … `);
    let t = Date.now();
    await generateDataset(
      {
        seed: 3,
        from: "2024-01",
        to: "2024-12",
        stores: STORES,
        sellersPerStore: SELLERS,
        products: 500,
        lines: LINES,
        dirtyRate: 0,
        // No daily stock: its millions of rows would dominate the replay (it is not sales).
        stockProducts: 0,
      },
      createDirectorySink(dir),
    );
    console.log(`${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    await uploadDir(deps.s3, config.s3.bucket, dir, prefix);
    console.log(
      `uploaded to s3://${config.s3.bucket}/${prefix} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );

    // The processor (applies the migrations into the bench database, then consumes).
    let peakKb = 0;
    const samplers: NodeJS.Timeout[] = [];
    /** One `npm run process` child; `--processors N` starts N of them in the same consumer group. */
    const startOne = async (): Promise<void> => {
      const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
      const heap = processorNodeFlags(heapMb);
      const c = spawn(
        process.execPath,
        [
          ...heap,
          ...profile,
          "--import",
          "tsx",
          resolve(REPO_ROOT, "processors/pipeline/process-cli.ts"),
          ...batchBytes,
        ],
        {
          cwd: REPO_ROOT,
          env: { ...env, LOG_LEVEL: stats ? "debug" : "info" },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      children.push(c);
      let out = "";
      c.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        // Once started, keep only the complete batch lines (for --stats): the log would grow.
        if (out.length > 1 << 20 && out.includes("processor.started")) {
          const complete = out.lastIndexOf("\n") + 1;
          const lines = out.slice(0, complete).split("\n");
          batchLines.push(...lines.filter((l) => l.includes('"processor.batch"')));
          out = `processor.started\n${out.slice(complete)}`;
        }
      });
      outs.push(() => out);
      while (!out.includes("processor.started")) {
        if (c.exitCode !== null) throw new Error(`processor exited: ${out}`);
        await sleep(100);
      }
      samplers.push(
        setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${c.pid}/status`, "utf8"));
            if (m) peakKb = Math.max(peakKb, Number(m[1]));
          } catch {
            /* exited */
          }
        }, 200),
      );
    };
    const startProcessor = async (): Promise<void> => {
      // One after the other: the second joins the group the first created (and its migrations ran).
      for (let i = 0; i < PROCESSORS; i++) await startOne();
    };
    const db = createClickHouse(config.clickhouse);
    const goldHolds = async (lines: number): Promise<void> => {
      for (;;) {
        const [r] = await queryRows<{ n: string }>(
          db,
          sql`SELECT toString(countMerge(lines)) AS n FROM seller_month`,
        );
        if (Number(r?.n ?? 0) >= lines) return;
        if (children.some((c) => c.exitCode !== null)) throw new Error("processor exited");
        await sleep(100);
      }
    };

    if (!sequential) await startProcessor();
    // CPU per line of every process in the chain (the connector runs in this process; once it is
    // done, in the sequential mode, this process only polls ClickHouse for the gold count).
    const SELF_AFTER_CONNECTOR = "bench polling";
    const stack = stackPids(config);
    const chainPids = (): Record<string, number | undefined> => ({
      ...Object.fromEntries(children.map((c, i) => [`processor${children.length > 1 ? i + 1 : ""}`, c.pid])),
      ...stack,
    });
    const cpu0 = snapshot(chainPids(), "connector");
    const t0 = Date.now();
    const source = await S3SourceConnector.create(deps, `bench-${tag}`);
    const summary = await source.replay({ prefix });
    await source.close();
    const tConnector = Date.now() - t0;
    const cpuConnector = snapshot(chainPids(), "connector");
    let cpuProcessorStart: CpuSnapshot = cpuConnector;
    const lines = summary.files.filter((f) => f.kind === "transactions").reduce((a, f) => a + f.accepted, 0);
    let tProcessor: number | undefined;
    if (sequential) {
      await startProcessor();
      cpuProcessorStart = snapshot(chainPids(), SELF_AFTER_CONNECTOR);
      const tp = Date.now();
      await goldHolds(lines);
      tProcessor = Date.now() - tp;
    } else await goldHolds(lines);
    const tTotal = Date.now() - t0;
    const cpuEnd = snapshot(chainPids(), sequential ? SELF_AFTER_CONNECTOR : "connector");
    for (const t of samplers) clearInterval(t);
    await db.close();

    // The local limit: clickhouse-client loading the same CSV lines into a plain table.
    const files = readdirSync(dir).filter((n) => n.startsWith("transactions"));
    spawnSync("clickhouse-client", [
      "--database",
      config.clickhouse.database,
      "--query",
      "CREATE TABLE raw_csv (data String, cod_vendedor String, cod_loja String, cod_transacao String, quantidade Int32, cod_prod String, preco String) ENGINE = MergeTree ORDER BY tuple()",
    ]);
    const tc = Date.now();
    for (const f of files) {
      const fd = openSync(join(dir, f), "r");
      const r = spawnSync(
        "clickhouse-client",
        ["--database", config.clickhouse.database, "--query", "INSERT INTO raw_csv FORMAT CSVWithNames"],
        { stdio: [fd, "inherit", "inherit"] },
      );
      closeSync(fd);
      if (r.status !== 0) throw new Error(`clickhouse-client failed on ${f}`);
    }
    const tCsv = Date.now() - tc;

    const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
    console.log(`transaction lines                 ${lines}`);
    console.log(
      `connector (bucket → Kafka)        ${(tConnector / 1000).toFixed(1)} s  ${rate(lines, tConnector)} lines/s`,
    );
    if (tProcessor !== undefined)
      console.log(
        `processor alone (Kafka → gold)    ${(tProcessor / 1000).toFixed(1)} s  ${rate(lines, tProcessor)} lines/s`,
      );
    console.log(
      `end to end (bucket → gold)        ${(tTotal / 1000).toFixed(1)} s  ${rate(lines, tTotal)} lines/s`,
    );
    console.log(
      `clickhouse-client CSV load         ${(tCsv / 1000).toFixed(1)} s  ${rate(lines, tCsv)} lines/s`,
    );
    console.log(`ratio end-to-end / CSV load       ${(tCsv / tTotal).toFixed(3)}`);
    console.log(
      `processor peak RSS                ${Math.round(peakKb / 1024)} MB${PROCESSORS > 1 ? ` (largest of ${PROCESSORS} processes)` : ""}`,
    );
    console.log("CPU µs per line (user + system, every thread of each process):");
    if (sequential) {
      console.log(formatCpuPerLine("  connector phase", cpu0, cpuConnector, lines));
      console.log(formatCpuPerLine("  processor phase", cpuProcessorStart, cpuEnd, lines));
    } else console.log(formatCpuPerLine("  end to end", cpu0, cpuEnd, lines));
    if (stats) printBatchStats([...batchLines, ...outs.flatMap((o) => o().split("\n"))]);
  } finally {
    for (const c of children)
      if (c.exitCode === null) {
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        await exited;
      }
    await exec(ch, sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`).catch(() => {});
    await ch.close();
    const admin = deps.kafka.admin();
    await admin.connect();
    const mine = (await admin.listTopics()).filter((n) => n.startsWith(deps.kafka.prefix));
    if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
    // The bench's objects leave the bucket with it.
    for (;;) {
      const page = await deps.s3.send(new ListObjectsV2Command({ Bucket: config.s3.bucket, Prefix: prefix }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length === 0) break;
      await deps.s3.send(new DeleteObjectsCommand({ Bucket: config.s3.bucket, Delete: { Objects: keys } }));
    }
    deps.s3.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
