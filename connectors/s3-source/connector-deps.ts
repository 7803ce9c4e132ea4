/** Builds the connector's dependencies from configuration (shared by the CLIs and tests). */
import type { Config } from "../../lib/config/config.ts";
import type { Logger } from "../../lib/log/logger.ts";
import { createS3 } from "../../lib/s3/s3-client.ts";
import { createKafka } from "../../streams/kafka/kafka-factory.ts";
import { AvroSerde } from "../../streams/serde/avro-serde.ts";
import type { S3SourceDeps } from "./source.ts";

export const connectorDeps = (config: Config, log: Logger): S3SourceDeps => ({
  config,
  log,
  s3: createS3(config.s3),
  kafka: createKafka(config.kafka, log),
  serde: new AvroSerde(config.schemaRegistry.url, config.schemaRegistry.auth),
});
