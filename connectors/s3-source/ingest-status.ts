/**
 * Ingest status — files, rows accepted, dead letters by reason — computed from the connector's
 * committed checkpoints (the same records that make replays exactly-once), so it always agrees
 * with what reached Kafka. The API exposes it as `GET /api/ingest/status`.
 *
 * @example
 *   const status = await ingestStatus(kafka);
 *   status.totals.deadLettersByReason; // { bad_date: 3, … }
 */
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";
import { loadCheckpoints, type ObjectCheckpoint } from "./checkpoints.ts";

export interface FileStatus {
  readonly key: string;
  readonly kind: string;
  readonly done: boolean;
  readonly rowsRead: number;
  readonly accepted: number;
  readonly deadLetters: number;
  readonly deadLettersByReason: Readonly<Record<string, number>>;
  readonly updatedAt: string;
}

export interface IngestStatus {
  readonly files: readonly FileStatus[];
  readonly totals: {
    readonly files: number;
    readonly filesDone: number;
    readonly rowsRead: number;
    readonly accepted: number;
    readonly deadLetters: number;
    readonly deadLettersByReason: Readonly<Record<string, number>>;
  };
}

/** Pure summary of checkpoints (one per object). */
export function summarizeCheckpoints(checkpoints: Iterable<ObjectCheckpoint>): IngestStatus {
  const files: FileStatus[] = [];
  const byReason: Record<string, number> = {};
  for (const cp of checkpoints) {
    const dead = Object.values(cp.rejected).reduce((a, b) => a + b, 0);
    for (const [r, n] of Object.entries(cp.rejected)) byReason[r] = (byReason[r] ?? 0) + n;
    files.push({
      key: cp.key,
      kind: cp.kind,
      done: cp.done,
      rowsRead: cp.rowsRead,
      accepted: cp.accepted,
      deadLetters: dead,
      deadLettersByReason: { ...cp.rejected },
      updatedAt: cp.updatedAt,
    });
  }
  files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    files,
    totals: {
      files: files.length,
      filesDone: files.filter((f) => f.done).length,
      rowsRead: files.reduce((s, f) => s + f.rowsRead, 0),
      accepted: files.reduce((s, f) => s + f.accepted, 0),
      deadLetters: files.reduce((s, f) => s + f.deadLetters, 0),
      deadLettersByReason: byReason,
    },
  };
}

/** Reads the committed checkpoints and summarizes them. */
export async function ingestStatus(kafka: KafkaFactory): Promise<IngestStatus> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return summarizeCheckpoints((await loadCheckpoints(kafka, admin)).values());
  } finally {
    await admin.disconnect();
  }
}
