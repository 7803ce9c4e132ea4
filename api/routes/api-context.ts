/**
 * What every `/api` route needs: the figures (query module), the access rules, the audit trail,
 * the business time zone and the authenticator; plus `audited`, the one way a route records a
 * read of a person's data (granted or denied).
 */
import type { FastifyRequest } from "fastify";
import type { IngestStatus } from "../../connectors/s3-source/ingest-status.ts";
import type { Figures } from "../../sql/figures/contract.ts";
import type { AuditSink } from "../audit/audit-log.ts";
import type { Access } from "../auth/access.ts";
import type { Authenticator } from "../auth/authenticate.ts";
import type { Principal } from "../auth/principal.ts";
import { principalOf } from "../http/request-auth.ts";

/** `issueLinkCode` of `bot/link-codes.ts`, bound to its ClickHouse client. */
export type IssueLinkCode = (q: { sellerId: string; issuedBy: string }) => Promise<{
  code: string;
  expiresAt: string;
}>;

export interface ApiContext {
  readonly figures: Figures;
  readonly access: Access;
  readonly audit: AuditSink;
  readonly auth: Authenticator;
  /** `TZ_BUSINESS`: default month and date of requests. */
  readonly tz: string;
  readonly ingestStatus: () => Promise<IngestStatus>;
  /** Absent until the bot's link codes are wired (the route then answers 503). */
  readonly issueLinkCode: IssueLinkCode | undefined;
}

/** The request's principal (authenticated by the `/api` hook already). */
export const who = (ctx: ApiContext, req: FastifyRequest): Principal => principalOf(req, ctx.auth);

/** Records a read of a person's data; `granted: false` records a refused attempt. */
export function audited(
  ctx: ApiContext,
  req: FastifyRequest,
  p: Principal,
  read: { action: string; subjectKind: string; subjectId: string; granted?: boolean },
): void {
  ctx.audit.record({
    actor: p.sub,
    actorRole: p.role,
    action: read.granted === false ? `${read.action}.denied` : read.action,
    subjectKind: read.subjectKind,
    subjectId: read.subjectId,
    requestId: req.id,
  });
}
