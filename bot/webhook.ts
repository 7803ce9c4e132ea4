/**
 * Webhook mode (optional; long polling is the default): an HTTP server that hands Telegram's
 * update POSTs to grammY. Telegram sends the `secret_token` given to setWebhook in the
 * `X-Telegram-Bot-Api-Secret-Token` header; any other request is refused (401), so nobody but
 * Telegram can inject updates.
 *
 * @example
 *   const hook = await startWebhook(bot, { host: "127.0.0.1", port: 8443, secretToken });
 *   await bot.api.setWebhook("https://bot.example.com/tg", { secret_token: secretToken });
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { webhookCallback, type Bot } from "grammy";

/** A stable webhook secret derived from the bot token and a server secret (Telegram: 1–256 of A-Za-z0-9_-). */
export const webhookSecret = (botToken: string, serverSecret: string): string =>
  createHmac("sha256", serverSecret).update(`webhook:${botToken}`).digest("hex").slice(0, 48);

export interface Webhook {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export async function startWebhook(
  bot: Bot,
  o: { host: string; port: number; secretToken: string },
): Promise<Webhook> {
  const server = createServer(webhookCallback(bot, "http", { secretToken: o.secretToken }));
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(o.port, o.host, () => ok());
  });
  const addr = server.address();
  return {
    server,
    port: typeof addr === "object" && addr ? addr.port : o.port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
