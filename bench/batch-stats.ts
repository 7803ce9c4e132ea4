/**
 * The processor's `processor.batch` debug lines (LOG_LEVEL=debug), summarized for the benches:
 * how many batches, their average size and group, and per phase the average, p99 and max — which
 * phase makes the tail.
 */
import { quantile } from "./quantile.ts";

const PHASES = ["fetched", "queued", "lookups", "insert", "feedback", "kafka"] as const;

interface BatchLine {
  readonly lines: number;
  readonly group?: number;
  readonly ms: Partial<Record<(typeof PHASES)[number], number>>;
}

/** Prints the summary of the complete batch lines among `logLines` (nothing when there are none). */
export function printBatchStats(logLines: readonly string[]): void {
  const batches = logLines
    .filter((l) => l.includes('"processor.batch"') && l.endsWith("}"))
    .map((l) => JSON.parse(l) as BatchLine);
  if (batches.length === 0) return;
  const avg = (f: (b: BatchLine) => number) =>
    (batches.reduce((a, b) => a + f(b), 0) / batches.length).toFixed(1);
  console.log(
    `processor batches ${batches.length}, avg ${avg((b) => b.lines)} lines, ${avg((b) => b.group ?? 1)} batches per group`,
  );
  for (const ph of PHASES) {
    const xs = batches.map((b) => b.ms[ph] ?? 0).sort((a, b) => a - b);
    console.log(
      `  ${ph.padEnd(9)} ms avg ${avg((b) => b.ms[ph] ?? 0).padStart(6)}  p99 ${String(quantile(xs, 0.99)).padStart(4)}  max ${String(xs.at(-1)).padStart(4)}`,
    );
  }
}
