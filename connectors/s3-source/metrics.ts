/**
 * Prometheus metrics of the S3 source: rows by kind and outcome, dead letters by reason, files
 * finished, transaction commit latency. Registered on the registry given (the process's default
 * one in the CLI, which serves it on `--metrics-port`).
 */
import { Counter, Histogram, type Registry } from "prom-client";

export interface SourceMetrics {
  readonly rows: Counter<"kind" | "outcome">;
  readonly deadLetters: Counter<"kind" | "reason">;
  readonly files: Counter<"kind">;
  readonly commitSeconds: Histogram;
}

export function createSourceMetrics(registry: Registry): SourceMetrics {
  return {
    rows: new Counter({
      name: "vitrine_ingest_rows_total",
      help: "Partner-file rows read by the S3 source, by file kind and outcome (accepted | rejected)",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: "vitrine_ingest_dead_letters_total",
      help: "Rows sent to dlq.ingest, by file kind and reason",
      labelNames: ["kind", "reason"] as const,
      registers: [registry],
    }),
    files: new Counter({
      name: "vitrine_ingest_files_total",
      help: "Partner files fully replayed, by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: "vitrine_ingest_commit_seconds",
      help: "Duration of one Kafka transaction (rows + dead letters + checkpoint)",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
