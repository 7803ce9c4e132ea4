import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createProcessorMetrics } from "./metrics.ts";
import type { BatchStats } from "./sales-batch.ts";

const stats = (over: Partial<BatchStats>): BatchStats => ({
  lines: 10,
  inserted: 10,
  rederived: 0,
  accepted: 9,
  rejected: 1,
  feedback: 9,
  group: 2,
  ms: { fetched: 3, queued: 5, lookups: 10, insert: 40, feedback: 8, kafka: 12 },
  ...over,
});

describe("processor metrics", () => {
  it("count lines by outcome, feedback, batches, group sizes, phase times and retries", async () => {
    const registry = new Registry();
    const m = createProcessorMetrics(registry);
    m.observe(stats({}));
    m.observe(
      stats({ lines: 4, inserted: 0, rederived: 4, accepted: 4, rejected: 0, feedback: 0, group: 1 }),
    );
    m.retried(3);
    const text = await registry.metrics();
    expect(text).toContain('vitrine_processor_lines_total{outcome="accepted"} 13');
    expect(text).toContain('vitrine_processor_lines_total{outcome="rejected"} 1');
    expect(text).toContain('vitrine_processor_lines_total{outcome="rederived"} 4');
    expect(text).toContain("vitrine_processor_feedback_events_total 9");
    expect(text).toContain("vitrine_processor_batches_total 2");
    expect(text).toContain("vitrine_processor_batch_retries_total 3");
    expect(text).toContain('vitrine_processor_group_batches_bucket{le="1"} 1');
    expect(text).toContain("vitrine_processor_group_batches_sum 3");
    expect(text).toContain('vitrine_processor_phase_seconds_sum{phase="insert"} 0.08');
    expect(text).toContain('vitrine_processor_phase_seconds_count{phase="queued"} 2');
  });
});
