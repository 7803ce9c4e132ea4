/**
 * CPU time per process for the benches: where a line's CPU goes (processor, ClickHouse, Kafka,
 * connector …), read from `/proc/<pid>/stat` (user + system time, every thread of the process).
 * On two cores a rate of R lines/s leaves 2 / R seconds of CPU per line for everything — 40 µs at
 * 50k lines/s — so these figures say which part of the chain a throughput target must come from.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import type { Config } from "../lib/config/config.ts";
import { readPid } from "../stack/lib/processes.ts";
import { localStack } from "../stack/stack.ts";

const TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** CPU seconds (user + system) the process has used so far; undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces); utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The local stack's running services by name (kafka, clickhouse, s3, schema-registry) → pid. */
export function stackPids(config: Config): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of localStack(config)) {
    const pid = readPid(s.pidFile);
    if (pid !== undefined) out[s.name] = pid;
  }
  return out;
}

/** CPU seconds of each named process between two snapshots. */
export type CpuSnapshot = Record<string, number>;

/** This process's CPU seconds so far (every thread, worker threads included). */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Snapshot of named pids, plus this process under the name `self` when given. */
export function snapshot(pids: Record<string, number | undefined>, self?: string): CpuSnapshot {
  const out: CpuSnapshot = {};
  for (const [name, pid] of Object.entries(pids)) {
    const s = pid === undefined ? undefined : cpuSeconds(pid);
    if (s !== undefined) out[name] = s;
  }
  if (self) out[self] = selfCpuSeconds();
  return out;
}

/**
 * One line: µs of CPU per line for each process between `from` and `to`, their total, and what a
 * fully used machine would reach at that total (lines/s = cores / total).
 */
export function formatCpuPerLine(label: string, from: CpuSnapshot, to: CpuSnapshot, lines: number): string {
  const parts: string[] = [];
  let total = 0;
  for (const [name, end] of Object.entries(to)) {
    const start = from[name] ?? 0;
    const us = ((end - start) / lines) * 1e6;
    total += us;
    parts.push(`${name} ${us.toFixed(1)}`);
  }
  const ceiling = Math.round((cpus().length / total) * 1e6);
  return `${label.padEnd(34)}${parts.join("  ")}  → total ${total.toFixed(1)} µs/line (${cpus().length} cores fully used: ≤ ${ceiling} lines/s)`;
}
