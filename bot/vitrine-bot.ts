/**
 * The Vitrine Telegram bot (DESIGN §9) on grammY: linking with one-time codes, the seller and
 * manager commands, sale pings and the daily report — every message through the Outbox (limits,
 * coalescing, 429s). An unlinked chat learns nothing but how to link; group chats are refused
 * (personal figures belong in a private chat).
 *
 * Nothing here logs a token, a message text, a code or a chat id (chats appear as `chatHash`).
 *
 * @example
 *   const vb = createVitrineBot({ token, apiRoot, ch, figures, log, secret, tz });
 *   await vb.init();
 *   vb.startPolling();
 *   vb.onFeedback(event); // from sales.feedback
 */
import { Bot } from "grammy";
import { DateTime } from "luxon";
import type { ClickHouseClient } from "../lib/clickhouse/clickhouse-client.ts";
import type { Logger } from "../lib/log/logger.ts";
import type { Employee, Figures } from "../sql/figures/contract.ts";
import { writeAudit } from "./audit.ts";
import { storeDay } from "./daily-figures.ts";
import type { SaleFeedback } from "./feedback-event.ts";
import { businessDate, businessMonth } from "./format.ts";
import { redeemLinkCode } from "./link-codes.ts";
import { LinkStore, chatHash } from "./links.ts";
import * as msg from "./messages.ts";
import { Outbox, type OutboxOptions } from "./outbox.ts";

export interface VitrineBotOptions {
  readonly token: string;
  readonly apiRoot: string;
  readonly ch: ClickHouseClient;
  readonly figures: Figures;
  readonly log: Logger;
  /** Key of the chat hash (PSEUDONYM_SECRET). */
  readonly secret: string;
  /** TZ_BUSINESS */
  readonly tz: string;
  /** The business clock of the figures (current month, today); tests fix it. Default: real time. */
  readonly now?: () => Date;
  /** Scheduler overrides (tests). */
  readonly outbox?: Pick<OutboxOptions<SaleFeedback>, "perChatIntervalMs" | "maxPerSecond" | "maxAttempts">;
  /** How many products /margem and /sugestoes list. */
  readonly listSize?: number;
}

export interface VitrineBot {
  readonly bot: Bot;
  readonly outbox: Outbox<Ping>;
  readonly links: LinkStore;
  /** Loads the links and the bot's identity. */
  init(): Promise<void>;
  /** Long polling until `stop()`. */
  startPolling(): void;
  /** Queues the ping of a sale for every chat linked to its seller; resolves to how many chats. */
  onFeedback(event: SaleFeedback): Promise<number>;
  /** Sends the daily report to every linked, active manager; returns how many were queued. */
  sendDailyReports(at: Date): Promise<number>;
  stop(): Promise<void>;
}

const ACTIVE = "ativo";
const MANAGER = "gerente";
const START = /^\/start(?:@\w+)?(?:\s+(.*))?$/s;

/** A queued sale ping: the event and whether its seller is a manager (who earns no commission). */
export interface Ping {
  readonly event: SaleFeedback;
  readonly manager: boolean;
}

/** How long a seller's role is trusted before it is read again. */
const ROLE_TTL_MS = 10 * 60_000;

interface Who {
  readonly chatId: number;
  readonly sellerId: string;
  readonly actor: string;
  readonly employee: Employee | undefined;
  readonly manager: boolean;
}

export function createVitrineBot(o: VitrineBotOptions): VitrineBot {
  const log = o.log.child({ component: "bot" });
  const now = o.now ?? (() => new Date());
  const listSize = o.listSize ?? 5;
  const bot = new Bot(o.token, { client: { apiRoot: o.apiRoot } });
  const links = new LinkStore(o.ch);
  const outbox = new Outbox<Ping>({
    ...o.outbox,
    send: async (chatId, text) => {
      await bot.api.sendMessage(chatId, text);
    },
    render: (pings) =>
      msg.salePing(
        pings.map((p) => p.event),
        { manager: pings[pings.length - 1]?.manager ?? false },
      ),
    log,
  });
  const hashOf = (chatId: number): string => chatHash(chatId, o.secret);
  const say = (chatId: number, text: string): void => outbox.text(chatId, text);
  const month = (): string => businessMonth(now(), o.tz);
  const today = (): string => businessDate(now(), o.tz);

  const roles = new Map<string, { role: string | undefined; at: number }>();
  /** The seller's role, cached (pings must not query per sale); a failed read counts as unknown. */
  const roleOf = async (sellerId: string): Promise<string | undefined> => {
    const cached = roles.get(sellerId);
    if (cached && Date.now() - cached.at < ROLE_TTL_MS) return cached.role;
    const e = await o.figures.employee(sellerId).catch(() => undefined);
    roles.set(sellerId, { role: e?.role, at: Date.now() });
    return e?.role;
  };

  const who = async (chatId: number): Promise<Who | undefined> => {
    const sellerId = links.sellerOf(chatId);
    if (sellerId === undefined) return undefined;
    const employee = await o.figures.employee(sellerId);
    return {
      chatId,
      sellerId,
      actor: `telegram:${hashOf(chatId)}`,
      employee,
      manager: employee?.role === MANAGER && employee.status === ACTIVE,
    };
  };

  /** `who`, but an employee who is no longer active (or gone) is told so and gets no figures. */
  const activeWho = async (chatId: number): Promise<Who | undefined> => {
    const w = await who(chatId);
    if (w && w.employee?.status !== ACTIVE) {
      say(chatId, msg.NOT_ACTIVE);
      return undefined;
    }
    return w;
  };

  // Gate: private chats only; an unlinked chat gets the linking instructions, whatever it sends.
  bot.use(async (ctx, next) => {
    const chat = ctx.chat;
    if (!chat) return;
    const text = ctx.message?.text ?? "";
    if (chat.type !== "private") {
      if (text.startsWith("/")) say(chat.id, msg.PRIVATE_ONLY);
      return;
    }
    if (links.sellerOf(chat.id) === undefined && !START.test(text)) {
      say(chat.id, msg.HOW_TO_LINK);
      return;
    }
    await next();
  });

  bot.command("start", async (ctx) => {
    const chatId = ctx.chat.id;
    if (links.sellerOf(chatId) !== undefined) return say(chatId, msg.ALREADY_LINKED);
    const code = (START.exec(ctx.message?.text ?? "")?.[1] ?? "").trim();
    if (code === "") return say(chatId, msg.HOW_TO_LINK);
    let employee: Employee | undefined;
    const r = await redeemLinkCode(o.ch, {
      code,
      chatHash: hashOf(chatId),
      accept: async (sellerId) => {
        employee = await o.figures.employee(sellerId);
        return employee?.status === ACTIVE;
      },
    });
    log.info({ chatHash: hashOf(chatId), outcome: r.ok ? "linked" : r.reason }, "bot.link");
    if (!r.ok) return say(chatId, msg.LINK_RESULT[r.reason]);
    await links.link(chatId, r.sellerId);
    say(chatId, msg.linked(employee?.name ?? null, employee?.role === MANAGER));
  });

  bot.command("sair", async (ctx) => {
    const chatId = ctx.chat.id;
    await links.unlink(chatId);
    outbox.forget(chatId);
    log.info({ chatHash: hashOf(chatId) }, "bot.unlink");
    say(chatId, msg.UNLINKED);
  });

  bot.command("ajuda", async (ctx) => {
    const w = await who(ctx.chat.id);
    say(ctx.chat.id, msg.help(w?.manager ?? false));
  });

  bot.command("meta", async (ctx) => {
    const w = await activeWho(ctx.chat.id);
    if (!w) return;
    const m = month();
    const s = await o.figures.sellerSummary({ sellerId: w.sellerId, month: m });
    await audit(w, "bot.meta", "seller", [w.sellerId]);
    say(w.chatId, msg.meta(s, m));
  });

  bot.command("comissao", async (ctx) => {
    const w = await activeWho(ctx.chat.id);
    if (!w) return;
    const m = month();
    const s = await o.figures.sellerSummary({ sellerId: w.sellerId, month: m });
    await audit(w, "bot.commission", "seller", [w.sellerId]);
    say(w.chatId, msg.commission(s, m));
  });

  bot.command("sugestoes", async (ctx) => {
    const product = (typeof ctx.match === "string" ? ctx.match : "").trim();
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(product)) return say(ctx.chat.id, msg.SUGGESTIONS_USAGE);
    const list = await o.figures.complements({ productId: product, limit: listSize });
    say(ctx.chat.id, msg.suggestions(product, list));
  });

  bot.command("margem", async (ctx) => {
    say(ctx.chat.id, msg.topMargin(await o.figures.topMargin({ limit: listSize, date: today() })));
  });

  bot.command("promocoes", async (ctx) => {
    say(ctx.chat.id, msg.promotions(await o.figures.promotions({ date: today() })));
  });

  bot.command("loja", async (ctx) => {
    const w = await activeWho(ctx.chat.id);
    if (!w) return;
    if (!w.manager || !w.employee) return say(w.chatId, msg.MANAGERS_ONLY);
    const m = month();
    const storeId = w.employee.storeId;
    const s = await o.figures.storeSummary({ storeId, month: m });
    await audit(w, "bot.store", "store", [storeId]);
    say(w.chatId, msg.store(s, storeId, m));
  });

  bot.command("equipe", async (ctx) => {
    const w = await activeWho(ctx.chat.id);
    if (!w) return;
    if (!w.manager || !w.employee) return say(w.chatId, msg.MANAGERS_ONLY);
    const m = month();
    const storeId = w.employee.storeId;
    const team = await o.figures.storeSellers({ storeId, month: m });
    await audit(
      w,
      "bot.team",
      "seller",
      team.map((s) => s.sellerId),
    );
    say(w.chatId, msg.team(team, storeId, m));
  });

  bot.on("message", (ctx) => say(ctx.chat.id, msg.UNKNOWN_COMMAND));

  bot.catch((err) => {
    log.error(
      { err: err.error instanceof Error ? err.error.message : String(err.error) },
      "bot.handler.failed",
    );
    const chatId = err.ctx.chat?.id;
    if (chatId !== undefined) say(chatId, msg.TRY_AGAIN);
  });

  async function audit(
    w: Who,
    action: string,
    kind: "seller" | "store",
    ids: readonly string[],
  ): Promise<void> {
    await writeAudit(o.ch, {
      actor: w.actor,
      actorRole: w.manager ? "manager" : "seller",
      action,
      subjectKind: kind,
      subjectIds: ids,
    });
  }

  async function sendDailyReports(at: Date): Promise<number> {
    const yesterday = DateTime.fromJSDate(at, { zone: o.tz }).minus({ days: 1 });
    const date = yesterday.toFormat("yyyy-MM-dd");
    const m = yesterday.toFormat("yyyy-MM");
    const perStore = new Map<string, Promise<msg.DailyReportData>>();
    let queued = 0;
    for (const [chatId] of links.all()) {
      const w = await who(chatId);
      if (!w?.manager || !w.employee) continue;
      const storeId = w.employee.storeId;
      let data = perStore.get(storeId);
      if (!data) {
        data = (async () => ({
          storeId,
          yesterday: await storeDay(o.ch, { storeId, date }),
          month: m,
          store: await o.figures.storeSummary({ storeId, month: m }),
          team: await o.figures.storeSellers({ storeId, month: m }),
        }))();
        perStore.set(storeId, data);
      }
      const d = await data;
      await writeAudit(o.ch, {
        actor: w.actor,
        actorRole: "manager",
        action: "bot.daily_report",
        subjectKind: "seller",
        subjectIds: d.team.map((s) => s.sellerId),
      });
      say(chatId, msg.dailyReport(d));
      queued++;
    }
    log.info({ reports: queued, date }, "bot.daily_report");
    return queued;
  }

  let polling: Promise<void> | undefined;
  return {
    bot,
    outbox,
    links,
    async init() {
      await links.load();
      await bot.init();
    },
    startPolling() {
      polling = bot.start({ onStart: () => log.info({ links: links.all().length }, "bot.polling") });
      polling.catch((err: unknown) => log.error({ err: (err as Error).message }, "bot.polling.failed"));
    },
    async onFeedback(event) {
      const chats = links.chatsOf(event.seller_id);
      if (chats.length === 0) return 0;
      const manager = (await roleOf(event.seller_id)) === MANAGER;
      for (const chatId of chats) outbox.ping(chatId, { event, manager });
      return chats.length;
    },
    sendDailyReports,
    async stop() {
      if (bot.isRunning()) await bot.stop();
      await polling?.catch(() => undefined);
      outbox.close();
    },
  };
}
