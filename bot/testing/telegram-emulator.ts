/**
 * Test support: the telegram-test-api Bot API emulator on a free loopback port, behind a thin
 * proxy that (a) holds an empty getUpdates for a moment, as Telegram's long polling does (the
 * emulator answers at once, so grammY would spin), and (b) can answer the next sendMessage calls
 * with 429 + retry_after. Plus a chat probe: what the bot sent to a chat, waiting for new messages.
 *
 * @example
 *   const tg = await startTelegramEmulator(TOKEN);
 *   const bot = new Bot(TOKEN, { client: { apiRoot: tg.apiRoot } });
 *   expect(await tg.ask(5001, "/ajuda")).toMatch(/^O que eu sei fazer/);
 *   await tg.stop();
 */
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";

export interface ProxyState {
  /** sendMessage calls still to be answered with 429. */
  tooMany: number;
  /** retry_after (seconds) of those answers. */
  retryAfter: number;
  /** Epoch ms of every sendMessage attempt seen. */
  readonly sendAttempts: number[];
}

export type ChatType = "private" | "group";

export interface TelegramEmulator {
  readonly server: TelegramServer;
  /** Give this to grammY as `apiRoot`. */
  readonly apiRoot: string;
  readonly proxy: ProxyState;
  /** Everything the bot sent to a chat: text and emulator time (ms). */
  messagesTo(chatId: number): { text: string; time: number }[];
  /** Waits for `n` messages to the chat not returned before, and returns their texts. */
  next(chatId: number, n?: number, timeoutMs?: number): Promise<string[]>;
  /** Waits `ms` and returns how many unseen messages the chat got meanwhile (0 = quiet). */
  unseenAfter(chatId: number, ms: number): Promise<number>;
  /** Sends a command (text starting with /) or a message from a chat; returns the answer. */
  ask(chatId: number, text: string, type?: ChatType): Promise<string>;
  /** Sends without waiting for an answer. */
  send(chatId: number, text: string, type?: ChatType): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createNetServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a ? a.port : 0;
      srv.close(() => ok(port));
    });
  });
}

function startProxy(target: string, state: ProxyState, port: number): Promise<Server> {
  const server = createHttpServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = req.url ?? "/";
      if (url.endsWith("/sendMessage")) {
        state.sendAttempts.push(Date.now());
        if (state.tooMany > 0) {
          state.tooMany--;
          res.writeHead(429, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              ok: false,
              error_code: 429,
              description: `Too Many Requests: retry after ${state.retryAfter}`,
              parameters: { retry_after: state.retryAfter },
            }),
          );
          return;
        }
      }
      const upstream = await fetch(`${target}${url}`, {
        method: req.method,
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: Buffer.concat(chunks) }),
      });
      const text = await upstream.text();
      if (url.endsWith("/getUpdates") && text.includes('"result":[]')) await sleep(300);
      res.writeHead(upstream.status, { "content-type": "application/json" });
      res.end(text);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  return new Promise((ok) => server.listen(port, "127.0.0.1", () => ok(server)));
}

export async function startTelegramEmulator(token: string): Promise<TelegramEmulator> {
  const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  const proxy: ProxyState = { tooMany: 0, retryAfter: 1, sendAttempts: [] };
  const port = await freePort();
  const http = await startProxy(server.config.apiURL, proxy, port);
  const seen = new Map<number, number>();

  const messagesTo = (chatId: number): { text: string; time: number }[] =>
    server.storage.botMessages
      .filter((m) => String(m.message.chat_id) === String(chatId))
      .map((m) => ({ text: String(m.message.text), time: m.time }));

  const next = async (chatId: number, n = 1, timeoutMs = 15_000): Promise<string[]> => {
    const from = seen.get(chatId) ?? 0;
    const until = Date.now() + timeoutMs;
    while (messagesTo(chatId).length < from + n) {
      if (Date.now() > until)
        throw new Error(
          `chat ${chatId}: ${messagesTo(chatId).length - from} of ${n} messages in ${timeoutMs} ms`,
        );
      await sleep(50);
    }
    seen.set(chatId, from + n);
    return messagesTo(chatId)
      .slice(from, from + n)
      .map((m) => m.text);
  };

  const send = async (chatId: number, text: string, type: ChatType = "private"): Promise<void> => {
    const c = server.getClient(token, { chatId, userId: chatId, firstName: "Teste", type });
    if (text.startsWith("/")) await c.sendCommand(c.makeCommand(text));
    else await c.sendMessage(c.makeMessage(text));
  };

  return {
    server,
    apiRoot: `http://127.0.0.1:${port}`,
    proxy,
    messagesTo,
    next,
    async unseenAfter(chatId, ms) {
      await sleep(ms);
      return messagesTo(chatId).length - (seen.get(chatId) ?? 0);
    },
    async ask(chatId, text, type) {
      await send(chatId, text, type);
      return (await next(chatId))[0] ?? "";
    },
    send,
    async stop() {
      const closed = new Promise<void>((ok) => http.close(() => ok()));
      http.closeAllConnections();
      await closed;
      await server.stop();
    },
  };
}
