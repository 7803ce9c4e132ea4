/**
 * API process entry point (`npm run api`): validates configuration, connects to every dependency
 * and serves `http://API_HOST:API_PORT` — health, metrics, home page and dashboard, the REST
 * contract under `/api`, OpenAPI at `/docs`, and the live socket `/ws` fed by `sales.feedback`.
 *
 * Shutdown (SIGINT/SIGTERM): stop accepting, close sockets, stop the feedback consumer, flush
 * the audit log (no audit row is lost on a clean stop), close clients.
 */
import { Registry } from "prom-client";
import { createClickHouse } from "../lib/clickhouse/clickhouse-client.ts";
import { loadConfig } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { createLogger } from "../lib/log/logger.ts";
import { createS3 } from "../lib/s3/s3-client.ts";
import { issueLinkCode } from "../bot/link-codes.ts";
import { ingestStatus } from "../connectors/s3-source/ingest-status.ts";
import { DEFAULT_PLAN } from "../processors/domain/commission-plan.ts";
import { createFigures } from "../sql/figures/index.ts";
import { createKafka, ensureTopics } from "../streams/kafka/kafka-factory.ts";
import { AvroSerde } from "../streams/serde/avro-serde.ts";
import { ingestTopicSpecs, processingTopicSpecs } from "../streams/topic-specs.ts";
import { AuditLog } from "./audit/audit-log.ts";
import { cachedFigures } from "./figures/cached-figures.ts";
import { clickhouseCheck, kafkaCheck, s3Check, schemaRegistryCheck } from "./health/dependency-checks.ts";
import { startFeedbackConsumer } from "./live/feedback-consumer.ts";
import { LiveHub, hubMetrics } from "./live/live-hub.ts";
import { buildServer } from "./server.ts";

/** How stale a REST figure may be (the socket pushes every sale as it happens). */
const FIGURES_CACHE_MS = 1000;
/** … and may be served stale this much longer while one query refreshes it. */
const FIGURES_STALE_MS = 4000;
/** Ingest status reads the connector's checkpoint topic: at most once per this many ms. */
const INGEST_STATUS_CACHE_MS = 5000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ name: "api", level: config.logLevel });
  const ch = createClickHouse(config.clickhouse, { requestTimeoutMs: 10_000 });
  const s3 = createS3(config.s3);
  const kafka = createKafka(config.kafka, log);
  const serde = new AvroSerde(config.schemaRegistry.url, config.schemaRegistry.auth);
  const metrics = new Registry();
  const audit = new AuditLog(ch, { log });
  const hub = new LiveHub(hubMetrics(metrics));

  const admin = kafka.admin();
  await admin.connect();
  try {
    // What this process reads: the feedback it pushes and the connector's checkpoints (ingest
    // status); created here when the API starts first on a fresh cluster.
    const t = kafka.topics;
    await ensureTopics(admin, [
      ...processingTopicSpecs(t).filter((s) => s.topic === t.salesFeedback),
      ...ingestTopicSpecs(t).filter((s) => s.topic === t.s3SourceCheckpoints),
    ]);
  } finally {
    await admin.disconnect();
  }
  const feed = await startFeedbackConsumer({
    kafka,
    serde,
    topic: kafka.topics.salesFeedback,
    log,
    onEvent: (e) => hub.publish(e),
  });

  let ingestCache: { at: number; value: ReturnType<typeof ingestStatus> } | undefined;
  const app = await buildServer({
    adminToken: config.api.adminToken,
    logger: log,
    metrics,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    checks: {
      kafka: kafkaCheck(kafka.kafka),
      schemaRegistry: schemaRegistryCheck(config.schemaRegistry.url),
      clickhouse: clickhouseCheck(ch),
      s3: s3Check(s3, config.s3.bucket),
      liveFeed: async () => {
        const failure = feed.failure();
        if (failure) throw new Error(failure);
      },
    },
    api: {
      jwtSecret: config.api.jwtSecret,
      figures: cachedFigures(createFigures({ ch, plan: DEFAULT_PLAN }), {
        ttlMs: FIGURES_CACHE_MS,
        staleMs: FIGURES_STALE_MS,
      }),
      audit,
      tz: config.tzBusiness,
      ingestStatus: () => {
        if (!ingestCache || Date.now() - ingestCache.at > INGEST_STATUS_CACHE_MS) {
          const value = ingestStatus(kafka);
          ingestCache = { at: Date.now(), value };
          value.catch(() => (ingestCache = undefined));
        }
        return ingestCache.value;
      },
      issueLinkCode: (q) => issueLinkCode(ch, q),
      live: { hub },
    },
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "api.stopping");
    await app.close();
    await feed.stop().catch((err: unknown) => log.warn({ err }, "api.feed_stop_failed"));
    let code = 0;
    try {
      await audit.close();
    } catch {
      code = 1;
    }
    await ch.close();
    s3.destroy();
    log.info({ auditRows: audit.written }, "api.stopped");
    process.exit(code);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  await app.listen({ host: config.api.host, port: config.api.port });
  log.info({ url: `http://${config.api.host}:${config.api.port}`, feedGroup: feed.groupId }, "api.listening");
}

runMain(main);
