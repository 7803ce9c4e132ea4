/**
 * Which chat is linked to which seller (`telegram_links`, migration 0010). The table is
 * append-only: the row with the highest version wins per chat, and `linked = 0` (from /sair) means
 * the chat gets nothing more. The bot keeps the current state in memory (loaded at start, changed
 * by its own /start and /sair, refreshed periodically) so a ping needs no query.
 *
 * The chat id is needed to address the chat; it is never logged. Logs and the audit trail use
 * `chatHash`, a keyed hash (HMAC-SHA256 with `PSEUDONYM_SECRET`).
 */
import { createHmac } from "node:crypto";
import { queryRows, type ClickHouseClient } from "../lib/clickhouse/clickhouse-client.ts";
import { raw } from "../lib/clickhouse/sql.ts";

/** Keyed, stable, non-reversible name of a chat for logs, claims and audit rows. */
export const chatHash = (chatId: number, secret: string): string =>
  createHmac("sha256", secret).update(`telegram:${chatId}`).digest("hex").slice(0, 20);

export class LinkStore {
  private readonly bySeller = new Map<string, Set<number>>();
  private readonly byChat = new Map<number, string>();
  private lastVersion = 0;

  constructor(private readonly ch: ClickHouseClient) {}

  /** Replaces the in-memory state with the table's (latest row per chat). */
  async load(): Promise<void> {
    const rows = await queryRows<{ chat_id: string; sid: string; is_linked: number }>(
      this.ch,
      raw(`SELECT chat_id, argMax(seller_id, version) AS sid, argMax(linked, version) AS is_linked
           FROM telegram_links GROUP BY chat_id`),
    );
    this.byChat.clear();
    this.bySeller.clear();
    for (const r of rows) if (Number(r.is_linked) === 1) this.remember(Number(r.chat_id), r.sid);
  }

  /** The seller a chat is linked to. */
  sellerOf(chatId: number): string | undefined {
    return this.byChat.get(chatId);
  }

  /** The chats linked to a seller. */
  chatsOf(sellerId: string): number[] {
    return [...(this.bySeller.get(sellerId) ?? [])];
  }

  /** Every linked chat with its seller. */
  all(): [number, string][] {
    return [...this.byChat];
  }

  async link(chatId: number, sellerId: string): Promise<void> {
    await this.write(chatId, sellerId, 1);
    this.forget(chatId);
    this.remember(chatId, sellerId);
  }

  async unlink(chatId: number): Promise<void> {
    await this.write(chatId, this.byChat.get(chatId) ?? "", 0);
    this.forget(chatId);
  }

  private async write(chatId: number, sellerId: string, linked: 0 | 1): Promise<void> {
    const now = Date.now();
    // Strictly increasing inside this process, so /start then /sair in one millisecond still order.
    this.lastVersion = Math.max(now, this.lastVersion + 1);
    await this.ch.insert({
      table: "telegram_links",
      format: "JSONEachRow",
      values: [{ chat_id: chatId, seller_id: sellerId, linked, at_ms: now, version: this.lastVersion }],
    });
  }

  private remember(chatId: number, sellerId: string): void {
    this.byChat.set(chatId, sellerId);
    let set = this.bySeller.get(sellerId);
    if (!set) this.bySeller.set(sellerId, (set = new Set()));
    set.add(chatId);
  }

  private forget(chatId: number): void {
    const seller = this.byChat.get(chatId);
    if (seller === undefined) return;
    this.byChat.delete(chatId);
    this.bySeller.get(seller)?.delete(chatId);
  }
}
