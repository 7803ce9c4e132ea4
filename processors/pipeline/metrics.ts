/**
 * Prometheus metrics of the sales processor, fed from each handled batch's stats: lines by
 * outcome, feedback events, batches and their group sizes, the group's phase times, the wait of a
 * batch for its group, and retries. Registered on the registry given (the CLI serves it on
 * `--metrics-port`).
 */
import { Counter, Histogram, type Registry } from "prom-client";
import type { BatchStats } from "./sales-batch.ts";

export interface ProcessorMetrics {
  /** Counts one handled batch. */
  observe(stats: BatchStats): void;
  /** Counts batches that will be tried again. */
  retried(batches: number): void;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createProcessorMetrics(registry: Registry): ProcessorMetrics {
  const registers = [registry];
  const lines = new Counter({
    name: "vitrine_processor_lines_total",
    help: "Sale lines handled, by outcome (accepted | rejected; rederived = read back from ClickHouse after a redelivery)",
    labelNames: ["outcome"] as const,
    registers,
  });
  const feedback = new Counter({
    name: "vitrine_processor_feedback_events_total",
    help: "sales.feedback events produced",
    registers,
  });
  const batches = new Counter({
    name: "vitrine_processor_batches_total",
    help: "Partition batches handled (committed with their outputs)",
    registers,
  });
  const retries = new Counter({
    name: "vitrine_processor_batch_retries_total",
    help: "Partition batches tried again after a failure",
    registers,
  });
  const groupSize = new Histogram({
    name: "vitrine_processor_group_batches",
    help: "Batches handled in one group (one insert), per batch",
    buckets: [1, 2, 3, 4, 8],
    registers,
  });
  const phase = new Histogram({
    name: "vitrine_processor_phase_seconds",
    help: "Wall time of a batch's phases: fetched (how long its first line was in Kafka before the processor got it: the lag), queued (waiting for its group), lookups, insert, feedback queries, kafka (transaction end)",
    labelNames: ["phase"] as const,
    buckets: SECONDS,
    registers,
  });
  return {
    observe(s) {
      lines.inc({ outcome: "accepted" }, s.accepted);
      lines.inc({ outcome: "rejected" }, s.rejected);
      if (s.rederived > 0) lines.inc({ outcome: "rederived" }, s.rederived);
      feedback.inc(s.feedback);
      batches.inc();
      groupSize.observe(s.group);
      for (const [name, ms] of Object.entries(s.ms)) phase.observe({ phase: name }, ms / 1000);
    },
    retried: (n) => retries.inc(n),
  };
}
