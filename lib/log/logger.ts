/**
 * Structured logging (pino). Secrets and personal data are redacted by path before anything is
 * written: tokens, passwords, secrets, `cpf` and authorization headers never reach a log line.
 *
 * @example
 *   const log = createLogger({ name: "connector.s3", level: "info" });
 *   log.info({ file, rows }, "file.done");
 */
import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger } from "pino";

/** Paths that are censored wherever they appear (one level of nesting is covered by wildcards). */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "secret",
  "*.secret",
  "token",
  "*.token",
  "cpf",
  "*.cpf",
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "config.api.adminToken",
  "config.api.jwtSecret",
  "config.pseudonymSecret",
  "config.clickhouse.password",
  "config.s3.secretAccessKey",
  "config.telegram.botToken",
  "config.kafka.sasl.password",
  "config.schemaRegistry.auth.password",
];

/**
 * Creates a logger writing JSON lines to stdout (or to `destination`).
 *
 * @param opts.name component name, e.g. `api` or `stack`
 * @param opts.level minimum level
 */
export function createLogger(
  opts: { name: string; level?: LoggerOptions["level"] },
  destination?: pino.DestinationStream,
): Logger {
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? "info",
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
