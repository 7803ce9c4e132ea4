/**
 * `npm start`: the product on one machine.
 *
 * 1. brings the local stack up (installing what is missing) and applies the ClickHouse migrations;
 * 2. loads sample history once: when the bucket has nothing under `incoming/`, the generator writes
 *    the last twelve complete months of a fictional chain into `incoming/history/`;
 * 3. runs, until Ctrl-C: the API (health, home page), the S3 → Kafka connector following
 *    `incoming/` (history first, then every new file), the sales processor into ClickHouse, and
 *    the point-of-sale simulator writing live sales into `incoming/live/`.
 * The stack keeps running after Ctrl-C (`npm run stack:down` stops it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { generateDataset } from "../generator/generate-dataset.ts";
import { createS3Sink } from "../generator/s3-sink.ts";
import { migrate } from "../lib/clickhouse/migrate.ts";
import { loadConfig, type Config } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { createLogger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { createS3 } from "../lib/s3/s3-client.ts";
import { localStack, upStack } from "../stack/stack.ts";

/** `YYYY-MM` of the month `offset` months from now (negative = past). */
const monthFromNow = (offset: number): string => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + offset);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
};

/** The sample history: the last twelve complete months (generator defaults otherwise). */
const HISTORY = { from: () => monthFromNow(-12), to: () => monthFromNow(-1) };

async function loadSampleHistory(config: Config): Promise<void> {
  const s3 = createS3(config.s3);
  try {
    const existing = await s3.send(
      new ListObjectsV2Command({ Bucket: config.s3.bucket, Prefix: "incoming/", MaxKeys: 1 }),
    );
    if ((existing.KeyCount ?? 0) > 0) {
      console.log("  ✓ the bucket already holds partner files under incoming/");
      return;
    }
    const summary = await generateDataset(
      {
        from: monthFromNow(-12),
        to: monthFromNow(-1),
        lines: 100_000,
        dirtyRate: 0.005,
        timeZone: config.tzBusiness,
      },
      createS3Sink(s3, config.s3.bucket, "incoming/history/"),
    );
    const lines = summary.files.reduce((a, f) => a + f.dataLines, 0);
    console.log(
      `  ✓ ${summary.files.length} files, ${lines} lines (${summary.firstDay} … ${summary.lastDay}) in ${summary.location}`,
    );
  } finally {
    s3.destroy();
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ name: "start", level: config.logLevel });
  console.log("▶ local stack (Kafka, schema registry, ClickHouse, S3)");
  await upStack(localStack(config), {
    onEvent: (e) => {
      if (e.kind === "install") console.log(`  • ${e.service}: installing (first time only)…`);
      if (e.kind === "installed") console.log(`  ✓ ${e.service}: installed in ${(e.ms / 1000).toFixed(1)} s`);
      if (e.kind === "healthy") console.log(`  ✓ ${e.service}: up in ${(e.ms / 1000).toFixed(1)} s`);
      if (e.kind === "already-running") console.log(`  ✓ ${e.service}: already running`);
    },
  });
  console.log("▶ ClickHouse migrations");
  const m = await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations"), log });
  console.log(`  ✓ ${m.applied.length} applied, ${m.alreadyApplied} already in place`);
  console.log("▶ sample data");
  await loadSampleHistory(config);

  const children: ChildProcess[] = [];
  const run = (name: string, script: string, args: string[] = []): void => {
    const child = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, script), ...args], {
      stdio: "inherit",
      env: process.env,
    });
    child.on("exit", (code, signal) => {
      if (!stopping) console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping the app`);
      stop();
    });
    children.push(child);
  };
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const c of children) c.kill("SIGTERM");
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  console.log("▶ connector: replaying incoming/ into Kafka, then following new files");
  run("connector", "connectors/s3-source/replay-cli.ts", ["--prefix", "incoming/", "--follow"]);
  console.log("▶ processor: sales into ClickHouse (silver sales_lines, gold seller_month / store_month)");
  run("processor", "processors/pipeline/process-cli.ts");
  if (existsSync(resolve(REPO_ROOT, "generator/live-cli.ts"))) {
    console.log("▶ point of sale: live sales into incoming/live/");
    // Same model options as the history above, so live sales use its stores, sellers and prices.
    run("point of sale", "generator/live-cli.ts", [
      "--prefix",
      "incoming/live/",
      "--from",
      HISTORY.from(),
      "--to",
      HISTORY.to(),
    ]);
  }
  console.log(
    `▶ API on http://${config.api.host}:${config.api.port} (Ctrl-C stops the app; the stack keeps running)`,
  );
  run("api", "api/main.ts");
}

runMain(main);
