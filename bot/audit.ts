/**
 * Audit rows for the bot's reads of a person's data (DESIGN §8, §11): who (`telegram:<chat
 * hash>`), in which role, what, about whom, when — into the shared `audit_log` table.
 */
import { randomUUID } from "node:crypto";
import type { ClickHouseClient } from "../lib/clickhouse/clickhouse-client.ts";

export interface AuditEntry {
  /** `telegram:<chat hash>` */
  readonly actor: string;
  readonly actorRole: "seller" | "manager";
  /** e.g. `bot.meta`, `bot.team` */
  readonly action: string;
  readonly subjectKind: "seller" | "store";
  readonly subjectIds: readonly string[];
  readonly at?: Date;
}

/** Writes one row per subject read (all in one insert). */
export async function writeAudit(ch: ClickHouseClient, e: AuditEntry): Promise<void> {
  if (e.subjectIds.length === 0) return;
  const at = Math.floor((e.at ?? new Date()).getTime() / 1000);
  const requestId = randomUUID();
  await ch.insert({
    table: "audit_log",
    format: "JSONEachRow",
    values: e.subjectIds.map((id) => ({
      at,
      actor: e.actor,
      actor_role: e.actorRole,
      action: e.action,
      subject_kind: e.subjectKind,
      subject_id: id,
      request_id: requestId,
    })),
  });
}
