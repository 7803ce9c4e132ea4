/**
 * `npm run process` — runs the sales processor (raw.transactions → ClickHouse silver and, through
 * the materialized views, gold; sales.normalized, dlq.processing, sales.feedback) until Ctrl-C.
 * Applies pending migrations first.
 *
 *   --plan FILE                 another commission plan (JSON)
 *   --batch-bytes N             bytes fetched per partition per batch (default 512 KiB)
 *   --partitions N              partitions processed at once (default 4)
 *   --feedback-max-age-hours H  feedback only for sales at most H hours old (default 24; 0 = all)
 *   --metrics-port P            serve Prometheus metrics on 127.0.0.1:P/metrics
 */
import { resolve } from "node:path";
import { collectDefaultMetrics, Registry } from "prom-client";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { createClickHouse } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { runMain } from "../../lib/errors/run-main.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { serveMetrics } from "../../lib/metrics/metrics-server.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { DEFAULT_PLAN, loadPlan } from "../domain/commission-plan.ts";
import { createProcessorMetrics } from "./metrics.ts";
import { startSalesProcessor } from "./sales-processor.ts";
import { startReferenceSink } from "../reference-sink/reference-sink.ts";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ name: "processor", level: config.logLevel });
  const planFile = process.argv.includes("--plan")
    ? process.argv[process.argv.indexOf("--plan") + 1]
    : undefined;
  const plan = planFile ? loadPlan(planFile) : DEFAULT_PLAN;
  const flag = (name: string): number | undefined => {
    const i = process.argv.indexOf(name);
    if (i < 0) return undefined;
    const v = Number(process.argv[i + 1]);
    if (!Number.isFinite(v) || v < 0) throw new Error(`${name} needs a non-negative number`);
    return v;
  };
  const ageHours = flag("--feedback-max-age-hours");
  const metricsPort = flag("--metrics-port");
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "vitrine_processor_" });
  const metricsServer = metricsPort
    ? serveMetrics(registry, metricsPort, (err) => log.warn({ err: err.message }, "metrics.unavailable"))
    : undefined;
  await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations"), log });
  const deps = connectorDeps(config, log);
  const ch = createClickHouse(config.clickhouse);
  const processor = await startSalesProcessor(
    {
      config,
      kafka: deps.kafka,
      serde: deps.serde,
      ch,
      plan,
      log,
      metrics: createProcessorMetrics(registry),
    },
    {
      batchBytes: flag("--batch-bytes"),
      partitions: flag("--partitions"),
      ...(ageHours === undefined
        ? {}
        : { feedbackMaxAgeMs: ageHours === 0 ? undefined : ageHours * 3600_000 }),
    },
  );
  log.info({ plan: `${plan.id}@${plan.version}` }, "processor.started");
  // Reference rows → ref_* tables (read by the figures module), beside the sales.
  const referenceSink = await startReferenceSink({ config, kafka: deps.kafka, serde: deps.serde, ch, log });
  const stop = async (): Promise<void> => {
    await processor.stop();
    await referenceSink.stop();
    await ch.close();
    metricsServer?.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  await Promise.race([processor.failed, referenceSink.failed]);
}

runMain(main);
