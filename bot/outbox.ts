/**
 * The bot's outgoing message scheduler: every message goes through it, so Telegram's limits hold
 * (DESIGN §9) and sale pings coalesce.
 *
 * - at most one message per chat per `perChatIntervalMs` (1 s) and `maxPerSecond` (30) overall,
 *   counted so that they hold on Telegram's side whatever the latency (intervals run from a send's
 *   completion); chats served round-robin when the global limit binds;
 * - pings that pile up while a chat waits for its next slot are merged into one message
 *   (`render` gets them all: "3 vendas: …"); texts keep their place between pings;
 * - a 429 puts the message back at the head of its chat and waits the `retry_after` Telegram
 *   gave; other transient failures back off and give up after `maxAttempts`; a permanent
 *   refusal (the user blocked the bot, chat not found) drops the chat's message.
 *
 * A small scheduler of our own rather than `@grammyjs/transformer-throttler` + `auto-retry`:
 * those queue requests one by one and cannot merge pending pings, which is the point here.
 *
 * @example
 *   const outbox = new Outbox({ send: (chat, text) => api.sendMessage(chat, text).then(() => {}), render });
 *   outbox.ping(chatId, event);
 *   outbox.text(chatId, "Olá");
 *   await outbox.idle();
 */
import { GrammyError, HttpError } from "grammy";
import type { Logger } from "../lib/log/logger.ts";

type Item<P> = { readonly kind: "text"; readonly text: string } | { readonly kind: "ping"; readonly ping: P };

interface ChatState<P> {
  queue: Item<P>[];
  /** Earliest time (ms) the next message may start. */
  nextAt: number;
  busy: boolean;
  attempts: number;
}

/** How a failed send is handled. */
export type SendFailure = { readonly retryAfterMs: number } | "transient" | "permanent";

/** Telegram's errors as grammY raises them: 429 with retry_after, 4xx permanent, rest transient. */
export function classifyTelegramError(err: unknown): SendFailure {
  if (err instanceof GrammyError) {
    if (err.error_code === 429) return { retryAfterMs: (err.parameters.retry_after ?? 1) * 1000 };
    if (err.error_code >= 400 && err.error_code < 500) return "permanent";
    return "transient";
  }
  if (err instanceof HttpError) return "transient";
  return "transient";
}

export interface OutboxOptions<P> {
  readonly send: (chatId: number, text: string) => Promise<void>;
  /** One message for one or more pending pings of a chat, oldest first. */
  readonly render: (pings: readonly P[]) => string;
  readonly perChatIntervalMs?: number;
  readonly maxPerSecond?: number;
  /** Attempts for transient failures (429s are always retried). */
  readonly maxAttempts?: number;
  /** Most pings merged into one message (Telegram caps a message at 4096 characters). */
  readonly maxMerged?: number;
  /** Most messages waiting per chat (memory stays bounded while Telegram is away); the oldest ping goes first. */
  readonly maxPendingPerChat?: number;
  readonly classify?: (err: unknown) => SendFailure;
  readonly log?: Logger;
  readonly now?: () => number;
}

export interface OutboxStats {
  /** Messages delivered. */
  sent: number;
  /** Pings delivered (merged or not). */
  pings: number;
  /** Messages that carried more than one ping. */
  merged: number;
  /** 429 answers honoured. */
  retried429: number;
  /** Messages given up. */
  dropped: number;
}

export class Outbox<P> {
  readonly stats: OutboxStats = { sent: 0, pings: 0, merged: 0, retried429: 0, dropped: 0 };

  private readonly chats = new Map<number, ChatState<P>>();
  /**
   * Completion times of the sends that finished within the last second. A send may start only
   * when those plus the sends in flight are fewer than `maxPerSecond`: Telegram receives a request
   * somewhere between its start and its completion, so any second of Telegram's clock then holds
   * at most `maxPerSecond` of ours, whatever the network latency.
   */
  private readonly recent: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private closed = false;
  private waiters: (() => void)[] = [];
  private readonly interval: number;
  private readonly perSecond: number;
  private readonly maxAttempts: number;
  private readonly maxMerged: number;
  private readonly maxPending: number;
  private readonly classify: (err: unknown) => SendFailure;
  private readonly now: () => number;

  constructor(private readonly opts: OutboxOptions<P>) {
    this.interval = opts.perChatIntervalMs ?? 1000;
    this.perSecond = opts.maxPerSecond ?? 30;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.maxMerged = opts.maxMerged ?? 25;
    this.maxPending = opts.maxPendingPerChat ?? 500;
    this.classify = opts.classify ?? classifyTelegramError;
    this.now = opts.now ?? Date.now;
  }

  /** Queues a text message for a chat. */
  text(chatId: number, text: string): void {
    this.enqueue(chatId, { kind: "text", text });
  }

  /** Queues a sale ping; pings pending together are merged into one message. */
  ping(chatId: number, ping: P): void {
    this.enqueue(chatId, { kind: "ping", ping });
  }

  /** Drops everything still pending for a chat (after /sair: it gets nothing more). */
  forget(chatId: number): void {
    const st = this.chats.get(chatId);
    if (st) st.queue = [];
    this.settle();
  }

  /** Messages waiting (not in flight). */
  pending(): number {
    let n = 0;
    for (const st of this.chats.values()) n += st.queue.length;
    return n;
  }

  /** Resolves when nothing is pending or in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops sending; pending messages are dropped. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.chats.clear();
    this.settle();
  }

  private enqueue(chatId: number, item: Item<P>): void {
    if (this.closed) return;
    let st = this.chats.get(chatId);
    if (!st) {
      st = { queue: [], nextAt: 0, busy: false, attempts: 0 };
      this.chats.set(chatId, st);
    }
    st.queue.push(item);
    if (st.queue.length > this.maxPending) {
      const oldest = st.queue.findIndex((i) => i.kind === "ping");
      st.queue.splice(oldest >= 0 ? oldest : 0, 1);
      this.stats.dropped++;
    }
    this.pump();
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.pending() === 0;
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  private pump(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    while (this.recent.length > 0 && (this.recent[0] ?? 0) <= now - 1000) this.recent.shift();
    let wake = Number.POSITIVE_INFINITY;
    for (const [chatId, st] of [...this.chats]) {
      if (st.busy) continue;
      if (st.queue.length === 0) {
        if (st.nextAt <= now) this.chats.delete(chatId);
        continue;
      }
      if (st.nextAt > now) {
        wake = Math.min(wake, st.nextAt);
        continue;
      }
      if (this.recent.length + this.inFlight >= this.perSecond) {
        // A completion re-pumps; otherwise wait until the oldest completion leaves the window.
        if (this.recent.length > 0) wake = Math.min(wake, (this.recent[0] ?? now) + 1000);
        continue;
      }
      const batch = this.takeBatch(st);
      st.busy = true;
      // Round-robin: a chat that just sent goes to the back of the line.
      this.chats.delete(chatId);
      this.chats.set(chatId, st);
      this.inFlight++;
      void this.deliver(chatId, st, batch);
    }
    if (Number.isFinite(wake)) this.timer = setTimeout(() => this.pump(), Math.max(0, wake - now));
    this.settle();
  }

  private takeBatch(st: ChatState<P>): Item<P>[] {
    const head = st.queue[0];
    if (head?.kind === "text") return st.queue.splice(0, 1);
    let n = 0;
    while (n < st.queue.length && n < this.maxMerged && st.queue[n]?.kind === "ping") n++;
    return st.queue.splice(0, n);
  }

  private async deliver(chatId: number, st: ChatState<P>, batch: Item<P>[]): Promise<void> {
    const pings = batch.flatMap((i) => (i.kind === "ping" ? [i.ping] : []));
    const first = batch[0];
    // The next message of this chat waits a full interval after this one completed (not started),
    // so Telegram never sees two of them closer than the interval.
    let retryAt = 0;
    try {
      const text = first?.kind === "text" ? first.text : this.opts.render(pings);
      await this.opts.send(chatId, text);
      st.attempts = 0;
      this.stats.sent++;
      this.stats.pings += pings.length;
      if (pings.length > 1) this.stats.merged++;
    } catch (err) {
      const failure = this.classify(err);
      if (typeof failure === "object") {
        this.stats.retried429++;
        st.queue.unshift(...batch);
        retryAt = this.now() + failure.retryAfterMs;
        this.opts.log?.warn({ retryAfterMs: failure.retryAfterMs }, "bot.send.rate_limited");
      } else if (failure === "transient" && ++st.attempts < this.maxAttempts) {
        st.queue.unshift(...batch);
        retryAt = this.now() + 1000 * 2 ** st.attempts;
        this.opts.log?.warn({ attempt: st.attempts, err: (err as Error).message }, "bot.send.retry");
      } else {
        st.attempts = 0;
        this.stats.dropped++;
        this.opts.log?.warn({ failure, err: (err as Error).message }, "bot.send.dropped");
      }
    } finally {
      const done = this.now();
      this.recent.push(done);
      st.nextAt = Math.max(done + this.interval, retryAt);
      st.busy = false;
      this.inFlight--;
      this.pump();
    }
  }
}
