/**
 * `npm run replay -- [--prefix incoming/] [--max | --speed N] [--follow]`
 *
 * Replays the partner files under a bucket prefix into Kafka, at full speed (`--max`, default) or
 * paced by event time (`--speed 3600` plays an hour of sales per second), with a progress bar and
 * a final summary: files, rows, accepted, dead letters by reason. `--follow` keeps polling for new
 * files. Safe to run again: finished files are skipped, an interrupted one resumes.
 */
import { serveMetrics } from "../../lib/metrics/metrics-server.ts";
import { SingleBar } from "cli-progress";
import { Registry, collectDefaultMetrics } from "prom-client";
import { Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../../lib/config/config.ts";
import { runMain } from "../../lib/errors/run-main.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { connectorDeps } from "./connector-deps.ts";
import { createSourceMetrics } from "./metrics.ts";
import { S3SourceConnector, type ReplaySummary } from "./source.ts";

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number");
  return n;
};

export function printSummary(s: ReplaySummary): void {
  const fresh = s.files.filter((f) => !f.skipped);
  console.log(
    `\nfiles: ${s.files.length} (${fresh.length} replayed now, ${s.files.length - fresh.length} already done)`,
  );
  for (const f of fresh) {
    const dl = Object.values(f.rejected).reduce((a, b) => a + b, 0);
    console.log(`  ${f.key}  [${f.kind}]  rows ${f.rowsRead}  accepted ${f.accepted}  dead letters ${dl}`);
  }
  const dead = Object.entries(s.deadLetters).sort((a, b) => b[1] - a[1]);
  console.log(`rows: ${s.rowsRead}  accepted: ${s.accepted}  dead letters: ${s.rowsRead - s.accepted}`);
  for (const [reason, n] of dead) console.log(`  ${reason.padEnd(24)} ${n}`);
  const seconds = s.ms / 1000;
  const freshRows = fresh.reduce((a, f) => a + f.rowsRead, 0);
  console.log(
    `time: ${seconds.toFixed(1)} s${freshRows ? `  (${Math.round(freshRows / seconds)} rows/s)` : ""}`,
  );
}

async function main(): Promise<void> {
  const program = new Command("replay")
    .description("replay partner CSV files from the bucket into Kafka")
    .option("--prefix <prefix>", "bucket prefix", "incoming/")
    .option("--max", "full speed (default)")
    .option(
      "--speed <factor>",
      "event-time pacing factor, e.g. 3600 = one hour of sales per second",
      positive,
    )
    .option("--follow", "keep polling for new files")
    .option("--poll-ms <ms>", "polling interval with --follow", positive, 2000)
    .option("--metrics-port <port>", "serve Prometheus metrics on 127.0.0.1:<port>/metrics", positive)
    .parse();
  const opts = program.opts<{
    prefix: string;
    max?: boolean;
    speed?: number;
    follow?: boolean;
    pollMs: number;
    metricsPort?: number;
  }>();
  if (opts.max && opts.speed) throw new InvalidArgumentError("--max and --speed exclude each other");

  const config = loadConfig(process.env);
  const log = createLogger({
    name: "connector.s3",
    level: config.logLevel === "info" ? "warn" : config.logLevel,
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "vitrine_connector_" });
  const metricsServer = opts.metricsPort
    ? serveMetrics(registry, opts.metricsPort, (err) => log.warn({ err: err.message }, "metrics.unavailable"))
    : undefined;
  const source = await S3SourceConnector.create({
    ...connectorDeps(config, log),
    metrics: createSourceMetrics(registry),
  });
  const abort = new AbortController();
  process.once("SIGINT", () => abort.abort());
  process.once("SIGTERM", () => abort.abort());

  const bar = new SingleBar({
    format: "replay |{bar}| {value}/{total} files | {rows} rows | {rate} rows/s | {file}",
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  const t0 = Date.now();
  let started = false;
  const onProgress = (p: { file: string; filesDone: number; filesTotal: number; rows: number }) => {
    const rate = Math.round(p.rows / Math.max(0.001, (Date.now() - t0) / 1000));
    if (!started) {
      bar.start(p.filesTotal, p.filesDone, { rows: p.rows, rate, file: p.file });
      started = true;
    }
    bar.setTotal(p.filesTotal);
    bar.update(p.filesDone, { rows: p.rows, rate, file: p.file.split("/").pop() });
  };
  try {
    if (opts.follow) {
      console.log(`following s3://${config.s3.bucket}/${opts.prefix} (Ctrl-C stops)`);
      await source.follow({
        prefix: opts.prefix,
        ...(opts.speed ? { speed: opts.speed } : {}),
        pollMs: opts.pollMs,
        signal: abort.signal,
        // In follow mode, one line per newly replayed file (the totals are in `npm run ingest:status`).
        onReplay: (s) => {
          for (const f of s.files.filter((x) => !x.skipped)) {
            const dead = f.rowsRead - f.accepted;
            console.log(
              `replayed ${f.key} [${f.kind}]: ${f.rowsRead} rows, ${f.accepted} accepted, ${dead} dead letters`,
            );
          }
        },
      });
    } else {
      const summary = await source.replay({
        prefix: opts.prefix,
        ...(opts.speed ? { speed: opts.speed } : {}),
        onProgress,
        signal: abort.signal,
      });
      if (started) bar.stop();
      printSummary(summary);
    }
  } finally {
    await source.close();
    metricsServer?.close();
  }
}

runMain(main);
