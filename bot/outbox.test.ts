import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GrammyError } from "grammy";
import { Outbox, classifyTelegramError } from "./outbox.ts";

interface Sent {
  readonly at: number;
  readonly chat: number;
  readonly text: string;
}

function setup(fail?: (n: number, chat: number) => unknown) {
  const sent: Sent[] = [];
  let calls = 0;
  const t0 = Date.now();
  const outbox = new Outbox<number>({
    send: async (chat, text) => {
      const err = fail?.(calls++, chat);
      if (err) throw err;
      sent.push({ at: Date.now() - t0, chat, text });
    },
    render: (pings) =>
      pings.length === 1 ? `venda ${pings[0]}` : `${pings.length} vendas: ${pings.join("+")}`,
  });
  return { outbox, sent };
}

const tooMany = (retryAfter: number) =>
  new GrammyError(
    "Call to 'sendMessage' failed!",
    { ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: retryAfter } },
    "sendMessage",
    {},
  );

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-12-02T12:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Outbox", () => {
  it("sends the first ping at once and merges the ones that arrive within the chat's second", async () => {
    const { outbox, sent } = setup();
    outbox.ping(1, 10);
    await vi.advanceTimersByTimeAsync(100);
    outbox.ping(1, 20);
    outbox.ping(1, 30);
    await vi.advanceTimersByTimeAsync(200);
    outbox.ping(1, 40);
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toEqual([
      { at: 0, chat: 1, text: "venda 10" },
      { at: 1000, chat: 1, text: "3 vendas: 20+30+40" },
    ]);
    expect(outbox.stats).toMatchObject({ sent: 2, pings: 4, merged: 1 });
  });

  it("keeps one message per second per chat and texts in their place", async () => {
    const { outbox, sent } = setup();
    outbox.text(1, "a");
    outbox.ping(1, 1);
    outbox.ping(1, 2);
    outbox.text(1, "b");
    outbox.ping(1, 3);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.map((s) => [s.at, s.text])).toEqual([
      [0, "a"],
      [1000, "2 vendas: 1+2"],
      [2000, "b"],
      [3000, "venda 3"],
    ]);
  });

  it("sends at most 30 messages per second overall", async () => {
    const { outbox, sent } = setup();
    for (let chat = 1; chat <= 70; chat++) outbox.text(chat, `m${chat}`);
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(30);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(60);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(70);
    for (let s = 0; s < 3; s++)
      expect(sent.filter((m) => m.at >= s * 1000 && m.at < (s + 1) * 1000).length).toBeLessThanOrEqual(30);
  });

  it("honours a 429's retry_after and merges what arrived meanwhile", async () => {
    const { outbox, sent } = setup((n) => (n === 0 ? tooMany(3) : undefined));
    outbox.ping(7, 1);
    await vi.advanceTimersByTimeAsync(500);
    outbox.ping(7, 2);
    await vi.advanceTimersByTimeAsync(2400);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(sent).toEqual([{ at: 3000, chat: 7, text: "2 vendas: 1+2" }]);
    expect(outbox.stats.retried429).toBe(1);
  });

  it("drops a message Telegram refuses for good, and forgets a chat after /sair", async () => {
    const blocked = new GrammyError(
      "Call to 'sendMessage' failed!",
      { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
      "sendMessage",
      {},
    );
    const { outbox, sent } = setup((_n, chat) => (chat === 9 ? blocked : undefined));
    outbox.text(9, "x");
    outbox.text(5, "y");
    outbox.ping(5, 1);
    outbox.forget(5);
    await vi.advanceTimersByTimeAsync(3000);
    await outbox.idle();
    expect(sent.map((s) => s.text)).toEqual(["y"]);
    expect(outbox.stats.dropped).toBe(1);
  });

  it("retries transient failures with backoff", async () => {
    const { outbox, sent } = setup((n) => (n < 2 ? new Error("socket hang up") : undefined));
    outbox.text(3, "z");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent.map((s) => [s.at, s.text])).toEqual([[6000, "z"]]);
  });

  it("keeps at most maxPendingPerChat messages per chat, dropping the oldest pings", async () => {
    const sent: string[] = [];
    const outbox = new Outbox<number>({
      send: async (_chat, text) => {
        sent.push(text);
      },
      render: (pings) => pings.join("+"),
      maxPendingPerChat: 3,
    });
    outbox.text(1, "a"); // goes at once
    for (let i = 1; i <= 6; i++) outbox.ping(1, i);
    await vi.advanceTimersByTimeAsync(3000);
    expect(sent).toEqual(["a", "4+5+6"]);
    expect(outbox.stats.dropped).toBe(3);
  });

  it("with slow sends, limits hold on the receiving side: intervals run from completion", async () => {
    const log: { chat: number; start: number; end: number }[] = [];
    const t0 = Date.now();
    const outbox = new Outbox<number>({
      send: async (chat) => {
        const start = Date.now() - t0;
        await new Promise((r) => setTimeout(r, 50 + (chat % 7) * 60));
        log.push({ chat, start, end: Date.now() - t0 });
      },
      render: (p) => p.join("+"),
    });
    for (let round = 0; round < 3; round++) for (let chat = 1; chat <= 40; chat++) outbox.text(chat, "m");
    await vi.advanceTimersByTimeAsync(20_000);
    expect(log).toHaveLength(120);
    for (let chat = 1; chat <= 40; chat++) {
      const mine = log.filter((l) => l.chat === chat).sort((a, b) => a.start - b.start);
      for (let i = 1; i < mine.length; i++)
        expect(mine[i]!.start - mine[i - 1]!.end).toBeGreaterThanOrEqual(1000);
    }
    // Any request Telegram may receive within a second of another start: ≤ 30 in all.
    for (const l of log) {
      const overlapping = log.filter((o) => o.start <= l.start && o.end > l.start - 1000);
      expect(overlapping.length).toBeLessThanOrEqual(30);
    }
  });

  it("classifies Telegram errors", () => {
    expect(classifyTelegramError(tooMany(4))).toEqual({ retryAfterMs: 4000 });
    expect(classifyTelegramError(new Error("x"))).toBe("transient");
  });
});
