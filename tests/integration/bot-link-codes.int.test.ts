/**
 * Telegram link codes against the real ClickHouse: a good code links once, a used, expired or
 * unknown code is refused, a refused seller does not consume the code, only the hash is stored,
 * and two concurrent redemptions of one code link exactly one chat.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { hashCode, issueLinkCode, redeemLinkCode } from "../../bot/link-codes.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

const base = testConfig();
const config = { ...base, clickhouse: { ...base.clickhouse, database: uniqueName("test_bot_codes") } };
const ch = createClickHouse(config.clickhouse);
let dir = "";
const yes = async (): Promise<boolean> => true;

beforeAll(async () => {
  // Only the migrations these tables need (others' migrations are not under test here).
  dir = await mkdtemp(join(tmpdir(), "bot-codes-"));
  for (const f of ["0001_audit_log.sql", "0010_telegram.sql"])
    await cp(resolve(REPO_ROOT, "sql/migrations", f), join(dir, f));
  await migrate({ config: config.clickhouse, dir });
});

afterAll(async () => {
  await exec(ch, sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`);
  await ch.close();
  await rm(dir, { recursive: true, force: true });
});

describe("link codes", () => {
  it("a good code links once; the second use is refused", async () => {
    const { code, expiresAt } = await issueLinkCode(ch, { sellerId: "1001", issuedBy: "test" });
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);
    const stored = await queryRows<{ code_hash: string; seller_id: string }>(
      ch,
      sql`SELECT code_hash, seller_id FROM telegram_link_codes`,
    );
    expect(stored.some((r) => r.code_hash === hashCode(code) && r.seller_id === "1001")).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(code);
    // Lower case and a dash are accepted (typed on a phone).
    const typed = `${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`;
    expect(await redeemLinkCode(ch, { code: typed, chatHash: "c1", accept: yes })).toEqual({
      ok: true,
      sellerId: "1001",
    });
    expect(await redeemLinkCode(ch, { code, chatHash: "c2", accept: yes })).toEqual({
      ok: false,
      reason: "used",
    });
  });

  it("an expired code and an unknown code are refused", async () => {
    const past = new Date(Date.now() - 2 * 60 * 60_000);
    const { code } = await issueLinkCode(ch, {
      sellerId: "1002",
      issuedBy: "test",
      ttlMinutes: 60,
      now: past,
    });
    expect(await redeemLinkCode(ch, { code, chatHash: "c3", accept: yes })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await redeemLinkCode(ch, { code: "ZZZZZZZZZZ", chatHash: "c3", accept: yes })).toEqual({
      ok: false,
      reason: "unknown",
    });
    expect(await redeemLinkCode(ch, { code: "não é código", chatHash: "c3", accept: yes })).toEqual({
      ok: false,
      reason: "unknown",
    });
  });

  it("a refused seller does not consume the code", async () => {
    const { code } = await issueLinkCode(ch, { sellerId: "1003", issuedBy: "test" });
    expect(await redeemLinkCode(ch, { code, chatHash: "c4", accept: async () => false })).toEqual({
      ok: false,
      reason: "refused",
    });
    expect((await redeemLinkCode(ch, { code, chatHash: "c4", accept: yes })).ok).toBe(true);
  });

  it("two concurrent redemptions of one code link exactly one chat", async () => {
    const { code } = await issueLinkCode(ch, { sellerId: "1004", issuedBy: "test" });
    const results = await Promise.all(
      ["a", "b", "c", "d"].map((c) => redeemLinkCode(ch, { code, chatHash: c, accept: yes })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "used")).toHaveLength(3);
  });

  it("rejects a bad ttl or seller id", async () => {
    await expect(issueLinkCode(ch, { sellerId: "1", issuedBy: "t", ttlMinutes: 0 })).rejects.toThrow(
      /ttlMinutes/,
    );
    await expect(issueLinkCode(ch, { sellerId: "x'; DROP", issuedBy: "t" })).rejects.toThrow(/sellerId/);
  });
});
