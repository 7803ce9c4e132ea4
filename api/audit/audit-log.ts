/**
 * The audit trail of reads of a person's data (DESIGN §8): one `audit_log` row per read — who
 * (actor, role), what (action), whom (subject kind and id), when, and the request id.
 *
 * Rows are buffered and inserted in batches (every `flushMs`, or at once when `maxBatch` rows
 * wait), so a busy endpoint costs one insert per second, not one per request. A failed insert
 * keeps its rows for the next attempt; `close()` flushes what is left (retrying) before the
 * process exits, so a clean shutdown never loses a row.
 *
 * @example
 *   const audit = new AuditLog(ch, { log });
 *   audit.record({ actor: "seller:1", actorRole: "seller", action: "seller.summary", subjectKind: "seller", subjectId: "1", requestId });
 *   await audit.close();
 */
import type { ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import type { Logger } from "../../lib/log/logger.ts";

export interface AuditEntry {
  readonly actor: string;
  readonly actorRole: string;
  readonly action: string;
  readonly subjectKind: string;
  readonly subjectId: string;
  readonly requestId: string;
  /** Defaults to now. */
  readonly at?: Date;
}

/** What the routes need (the class below, or anything that records entries). */
export interface AuditSink {
  record(entry: AuditEntry): void;
}

interface AuditRow {
  at: string;
  actor: string;
  actor_role: string;
  action: string;
  subject_kind: string;
  subject_id: string;
  request_id: string;
}

/** `YYYY-MM-DD hh:mm:ss` in UTC (a DateTime literal every ClickHouse version parses). */
const chDateTime = (d: Date): string => d.toISOString().slice(0, 19).replace("T", " ");

export interface AuditLogOptions {
  readonly log: Logger;
  /** Longest wait of a row before it is inserted (default 1000 ms). */
  readonly flushMs?: number;
  /** Rows that trigger an immediate insert (default 1000). */
  readonly maxBatch?: number;
  /** Rows kept while ClickHouse is unreachable; beyond, the oldest are dropped and counted (default 100k). */
  readonly maxPending?: number;
  /** Table name (default `audit_log`). */
  readonly table?: string;
}

export class AuditLog implements AuditSink {
  private pending: AuditRow[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Rows inserted so far. */
  written = 0;
  /** Rows dropped because ClickHouse stayed unreachable while `maxPending` rows waited. */
  dropped = 0;

  constructor(
    private readonly ch: ClickHouseClient,
    private readonly opts: AuditLogOptions,
  ) {
    this.timer = setInterval(() => void this.flush().catch(() => {}), opts.flushMs ?? 1000);
    this.timer.unref();
  }

  record(entry: AuditEntry): void {
    if (this.closed) throw new Error("audit log is closed");
    this.pending.push({
      at: chDateTime(entry.at ?? new Date()),
      actor: entry.actor,
      actor_role: entry.actorRole,
      action: entry.action,
      subject_kind: entry.subjectKind,
      subject_id: entry.subjectId,
      request_id: entry.requestId,
    });
    const max = this.opts.maxPending ?? 100_000;
    if (this.pending.length > max) {
      const excess = this.pending.length - max;
      this.pending.splice(0, excess);
      this.dropped += excess;
      this.opts.log.error({ dropped: excess, total: this.dropped }, "audit.dropped");
    }
    if (this.pending.length >= (this.opts.maxBatch ?? 1000)) void this.flush().catch(() => {});
  }

  /** Rows waiting for an insert. */
  get size(): number {
    return this.pending.length;
  }

  /** Inserts every waiting row (one insert at a time; concurrent callers share it). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => {});
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.flushing = (async () => {
      try {
        await this.ch.insert({ table: this.opts.table ?? "audit_log", values: batch, format: "JSONEachRow" });
        this.written += batch.length;
      } catch (err) {
        this.pending = batch.concat(this.pending);
        this.opts.log.warn({ err: (err as Error).message, rows: batch.length }, "audit.insert_failed");
        throw err;
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /**
   * Stops the timer and inserts what is left, retrying (default 5 attempts, 200 ms apart).
   *
   * @throws the last insert error when rows could not be written
   */
  async close(attempts = 5): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (let i = 1; ; i++) {
      try {
        await this.flush();
        return;
      } catch (err) {
        if (i >= attempts) {
          this.opts.log.error({ rows: this.pending.length }, "audit.unwritten_at_close");
          throw err;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}
