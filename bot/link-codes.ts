/**
 * One-time Telegram link codes (DESIGN §9). A manager or admin issues a code for a seller (API
 * `POST /api/telegram/link-codes`, or `npm run link-code -- --seller ID`); the seller sends
 * `/start CODE` to the bot, which redeems it and links the chat.
 *
 * - Codes are 10 characters of Crockford base32 (50 random bits), shown once; only their SHA-256
 *   is stored (`telegram_link_codes`), so a database reader cannot link a chat.
 * - A code expires (`ttlMinutes`, default 60) and is single-use.
 * - Concurrency (18.16 has no UPDATE or transactions): a redeemer inserts a claim row, then reads
 *   all claims of the code back; only the first claim (earliest `claimed_at_ms`, then lowest
 *   `claim_id`) wins, every other redeemer gets `used`. Inside one bot process redemptions are
 *   also serialized by a lock, so two `/start` with the same code at once link exactly one chat.
 *   Across processes a residual window remains (two claims inserted within the clock skew of the
 *   two hosts); Telegram's long polling allows one consumer per bot token, so there is one process.
 *
 * @example
 *   const { code, expiresAt } = await issueLinkCode(ch, { sellerId: "1001", issuedBy: "admin" });
 *   const r = await redeemLinkCode(ch, { code, chatHash, accept: async () => true });
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import { VT_ERR_BOT_LINK_CODE_INVALID } from "../lib/errors/codes.ts";
import { VitrineError } from "../lib/errors/vitrine-error.ts";
import { queryRows, type ClickHouseClient } from "../lib/clickhouse/clickhouse-client.ts";
import { sql } from "../lib/clickhouse/sql.ts";

/** Crockford base32: no I, L, O, U (nothing to misread on a phone). */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CODE_LENGTH = 10;
export const DEFAULT_TTL_MINUTES = 60;
/** At most a week: a code is a credential. */
export const MAX_TTL_MINUTES = 7 * 24 * 60;

export interface IssueLinkCodeInput {
  readonly sellerId: string;
  /** Who issued it, for the record (e.g. "admin", "manager:2001", "cli"). */
  readonly issuedBy: string;
  readonly ttlMinutes?: number;
  /** Issue time (tests); default now. */
  readonly now?: Date;
}

export interface IssuedLinkCode {
  readonly code: string;
  /** ISO 8601 UTC. */
  readonly expiresAt: string;
}

export type RedeemResult =
  | { readonly ok: true; readonly sellerId: string }
  | { readonly ok: false; readonly reason: "unknown" | "expired" | "used" | "refused" };

/** SHA-256 (hex) of a normalized code. */
export const hashCode = (code: string): string =>
  createHash("sha256").update(normalizeCode(code)).digest("hex");

/** Upper case, without spaces or dashes; Crockford's look-alikes (O→0, I/L→1) folded. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

/** Whether a text can be a code at all (checked before any query). */
export const looksLikeCode = (input: string): boolean =>
  new RegExp(`^[${ALPHABET}]{${CODE_LENGTH}}$`).test(normalizeCode(input));

function newCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/**
 * Issues a one-time code for a seller. The caller (API, CLI) checks the issuer's rights and that
 * the seller exists; the bot checks again that the employee is active when the code is redeemed.
 *
 * @param ch ClickHouse client on the Vitrine database
 * @throws VitrineError `VT_ERR_BOT_LINK_CODE_INVALID` for an empty seller id or a bad TTL
 */
export async function issueLinkCode(
  ch: ClickHouseClient,
  input: IssueLinkCodeInput,
): Promise<IssuedLinkCode> {
  const ttl = input.ttlMinutes ?? DEFAULT_TTL_MINUTES;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_MINUTES)
    throw new VitrineError(
      VT_ERR_BOT_LINK_CODE_INVALID,
      `ttlMinutes must be a whole number from 1 to ${MAX_TTL_MINUTES}`,
    );
  const sellerId = input.sellerId.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(sellerId))
    throw new VitrineError(VT_ERR_BOT_LINK_CODE_INVALID, "sellerId must be an employee id");
  const issuedAt = (input.now ?? new Date()).getTime();
  const expiresAt = issuedAt + ttl * 60_000;
  const code = newCode();
  await ch.insert({
    table: "telegram_link_codes",
    format: "JSONEachRow",
    values: [
      {
        code_hash: hashCode(code),
        seller_id: sellerId,
        issued_by: input.issuedBy.slice(0, 128),
        issued_at_ms: issuedAt,
        expires_at_ms: expiresAt,
      },
    ],
  });
  return { code, expiresAt: new Date(expiresAt).toISOString() };
}

export interface RedeemInput {
  readonly code: string;
  /** Keyed hash of the chat (never the chat id itself). */
  readonly chatHash: string;
  /**
   * Decides, for a valid unused code, whether its seller may be linked (employee exists and is
   * active). A refused code is not consumed.
   */
  readonly accept: (sellerId: string) => Promise<boolean>;
  readonly now?: Date;
}

let lock: Promise<unknown> = Promise.resolve();

/** Runs `fn` after every earlier call in this process has finished. */
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = lock.then(fn, fn);
  lock = run.catch(() => undefined);
  return run;
}

/**
 * Redeems a code once: unknown, expired and already used codes are refused.
 *
 * @param ch ClickHouse client on the Vitrine database
 */
export function redeemLinkCode(ch: ClickHouseClient, input: RedeemInput): Promise<RedeemResult> {
  return serialized(async () => {
    if (!looksLikeCode(input.code)) return { ok: false, reason: "unknown" } as const;
    const codeHash = hashCode(input.code);
    const now = (input.now ?? new Date()).getTime();
    const [row] = await queryRows<{ seller_id: string; expires_at_ms: string }>(
      ch,
      sql`SELECT seller_id, expires_at_ms FROM telegram_link_codes WHERE code_hash = ${codeHash} LIMIT 1`,
    );
    if (!row) return { ok: false, reason: "unknown" } as const;
    if (Number(row.expires_at_ms) <= now) return { ok: false, reason: "expired" } as const;
    const claims = async () =>
      queryRows<{ claim_id: string }>(
        ch,
        sql`SELECT claim_id FROM telegram_code_claims WHERE code_hash = ${codeHash}
            ORDER BY claimed_at_ms, claim_id LIMIT 1`,
      );
    if ((await claims()).length > 0) return { ok: false, reason: "used" } as const;
    if (!(await input.accept(row.seller_id))) return { ok: false, reason: "refused" } as const;
    const claimId = randomBytes(12).toString("hex");
    await ch.insert({
      table: "telegram_code_claims",
      format: "JSONEachRow",
      values: [{ code_hash: codeHash, claim_id: claimId, chat_hash: input.chatHash, claimed_at_ms: now }],
    });
    const [first] = await claims();
    return first?.claim_id === claimId
      ? ({ ok: true, sellerId: row.seller_id } as const)
      : ({ ok: false, reason: "used" } as const);
  });
}
