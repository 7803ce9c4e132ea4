/**
 * Liveness checks of each dependency, each bounded by a timeout so `/health` answers quickly
 * even when a server hangs.
 */
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Kafka } from "kafkajs";
import type { ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";

export interface CheckResult {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** Short reason when not ok (no secrets: messages come from our own checks). */
  readonly error?: string;
}

export type DependencyCheck = () => Promise<void>;

/**
 * Runs a check with a timeout and measures it.
 *
 * @param check throws when unhealthy
 * @param timeoutMs upper bound
 */
export async function runCheck(check: DependencyCheck, timeoutMs = 2000): Promise<CheckResult> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - t0) };
  } catch (err) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - t0),
      error: (err as Error).message.slice(0, 200),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** ClickHouse answers `SELECT 1`. */
export const clickhouseCheck =
  (ch: ClickHouseClient): DependencyCheck =>
  async () => {
    const rs = await ch.query({ query: "SELECT 1 AS ok", format: "JSONEachRow" });
    await rs.json();
  };

/** A Kafka broker answers a metadata request. */
export const kafkaCheck =
  (kafka: Kafka): DependencyCheck =>
  async () => {
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect().catch(() => {});
    }
  };

/** The schema registry lists its subjects. */
export const schemaRegistryCheck =
  (url: string): DependencyCheck =>
  async () => {
    const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  };

/** The bucket exists and our credentials may use it. */
export const s3Check =
  (s3: S3Client, bucket: string): DependencyCheck =>
  async () => {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  };
