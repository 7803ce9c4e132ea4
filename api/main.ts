/**
 * API process entry point: validates configuration, connects to every dependency and serves
 * `http://API_HOST:API_PORT` (health, metrics, home page; later the REST and WebSocket contract).
 */
import { Registry } from "prom-client";
import { createClickHouse } from "../lib/clickhouse/clickhouse-client.ts";
import { loadConfig } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { createLogger } from "../lib/log/logger.ts";
import { createS3 } from "../lib/s3/s3-client.ts";
import { createKafka } from "../streams/kafka/kafka-factory.ts";
import { clickhouseCheck, kafkaCheck, s3Check, schemaRegistryCheck } from "./health/dependency-checks.ts";
import { buildServer } from "./server.ts";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ name: "api", level: config.logLevel });
  const ch = createClickHouse(config.clickhouse, { requestTimeoutMs: 5000 });
  const s3 = createS3(config.s3);
  const kafka = createKafka(config.kafka, log);
  const app = await buildServer({
    adminToken: config.api.adminToken,
    logger: log,
    metrics: new Registry(),
    checks: {
      kafka: kafkaCheck(kafka.kafka),
      schemaRegistry: schemaRegistryCheck(config.schemaRegistry.url),
      clickhouse: clickhouseCheck(ch),
      s3: s3Check(s3, config.s3.bucket),
    },
  });
  const shutdown = async (signal: string) => {
    log.info({ signal }, "api.stopping");
    await app.close();
    await ch.close();
    s3.destroy();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  await app.listen({ host: config.api.host, port: config.api.port });
  log.info({ url: `http://${config.api.host}:${config.api.port}` }, "api.listening");
}

runMain(main);
