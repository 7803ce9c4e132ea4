/**
 * `npm run bot` as a process: without TELEGRAM_BOT_TOKEN it logs one line and exits 0; with a
 * token (pointed at the Telegram emulator) it migrates, links a chat with a code, pings a sale
 * from `sales.feedback` and stops cleanly on SIGTERM; in webhook mode it answers updates that carry
 * the secret header and refuses the others. Own database and topic prefix.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClickHouse, exec } from "../../lib/clickhouse/clickhouse-client.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { createKafka } from "../../streams/kafka/kafka-factory.ts";
import { AvroSerde, valueSubject } from "../../streams/serde/avro-serde.ts";
import type { SaleFeedback } from "../../bot/feedback-event.ts";
import { issueLinkCode, redeemLinkCode } from "../../bot/link-codes.ts";
import { startTelegramEmulator, type TelegramEmulator } from "../../bot/testing/telegram-emulator.ts";
import { webhookSecret } from "../../bot/webhook.ts";
import { freePort } from "../setup/free-port.ts";
import { deleteTopicsUnder, isolatedEnv } from "../helpers/isolated-stack.ts";

const TOKEN = "654321:main-test-token-abcdefghijklmnop";
const env = isolatedEnv("botmain", { clickhouse: true });
const config = loadConfig(env);
const ch = createClickHouse(config.clickhouse);
const kafka = createKafka(config.kafka, createLogger({ name: "bot-main-test", level: "warn" }));
let tg: TelegramEmulator;
const children: ChildProcess[] = [];

function startBot(
  extra: NodeJS.ProcessEnv,
  args: string[] = [],
): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, "bot/main.ts"), ...args], {
    env: { ...env, LOG_LEVEL: "info", ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  return { child, output: () => out, exited };
}

async function waitFor(what: () => boolean, timeoutMs: number, label: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  tg = await startTelegramEmulator(TOKEN);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await tg?.stop().catch(() => undefined);
  await deleteTopicsUnder(kafka);
  await exec(ch, sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`);
  await ch.close();
});

describe("npm run bot", () => {
  it("stays off without a token: one log line, exit 0", async () => {
    const bot = startBot({ TELEGRAM_BOT_TOKEN: "" });
    expect(await bot.exited).toBe(0);
    const lines = bot.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("TELEGRAM_BOT_TOKEN is not set");
  });

  it("with a token: links a chat, pings a sale, stops on SIGTERM — and never logs the token or a code", async () => {
    const bot = startBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot });
    await waitFor(() => bot.output().includes("bot.started"), 60_000, "bot.started");
    await ch.insert({
      table: "ref_employees",
      format: "JSONEachRow",
      values: [
        {
          _topic: "raw.employees",
          _partition: 0,
          _offset: 0,
          id_employee: "7001",
          name: "Eva",
          surname: "Melo",
          cpf_pseudonym: "x",
          status: "ativo",
          role: "vendedor",
          initial_date: "2020-01-01",
          end_date: null,
          store_id: "101",
          source_file: "t.csv",
          source_line: 2,
        },
      ],
    });
    const { code } = await issueLinkCode(ch, { sellerId: "7001", issuedBy: "test" });
    expect(await tg.ask(918273645, `/start ${code}`)).toMatch(/^Pronto, Eva!/);

    const serde = new AvroSerde(config.schemaRegistry.url);
    const schema = JSON.parse(
      await readFile(resolve(REPO_ROOT, "schemas/sales-feedback.avsc"), "utf8"),
    ) as Parameters<AvroSerde["forSubject"]>[1];
    const feedback = await serde.forSubject<SaleFeedback>(valueSubject(kafka.topics.salesFeedback), schema);
    const producer = kafka.producer();
    await producer.connect();
    const event: SaleFeedback = {
      line_id: "101|1|500001",
      basket_id: "101|1",
      seller_id: "7001",
      store_id: "101",
      product_id: "500001",
      product_name: "",
      quantidade: 1,
      revenue: "1234.56",
      sale_time: new Date().toISOString(),
      month: "2026-12",
      high_margin: false,
      line_commission: "37.04",
      earned: "37.04",
      month_revenue: "1234.56",
      month_target: null,
      attainment: null,
      multiplier: "1.00",
      month_commission: "37.04",
      next_tier_attainment: null,
      next_tier_multiplier: null,
      revenue_to_next_tier: null,
      lines: 1,
      baskets: 1,
      crossed_tier: false,
      complements: [],
      processed_at: Date.now(),
    };
    await producer.send({
      topic: kafka.topics.salesFeedback,
      messages: [{ key: "7001", value: await feedback.encode(event) }],
    });
    await producer.disconnect();
    const [ping] = await tg.next(918273645, 1, 30_000);
    expect(ping?.split("\n")[0]).toBe("💰 Venda de R$\u00a01.234,56 — 1× produto 500001");
    expect(ping).toContain("Sem meta cadastrada para este mês.");

    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    const out = bot.output();
    expect(out).not.toContain(TOKEN.split(":")[1]);
    expect(out).not.toContain(code);
    expect(out).not.toContain("918273645");
  });

  it("npm run link-code prints a code for an active employee and refuses an unknown one", async () => {
    const run = (seller: string) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", resolve(REPO_ROOT, "bot/link-code-cli.ts"), "--seller", seller, "--ttl", "5"],
        { env, stdio: ["ignore", "pipe", "pipe"] },
      );
      children.push(child);
      let out = "";
      child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
      return new Promise<{ code: number | null; out: string }>((ok) =>
        child.once("exit", (code) => ok({ code, out })),
      );
    };
    const good = await run("7001");
    expect(good.code).toBe(0);
    const code = /code ([0-9A-Z]{10}) for seller 7001, valid until (\S+):/.exec(good.out);
    expect(code).not.toBeNull();
    expect(Date.parse(code![2]!) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    // The bot process is stopped here: redeem the printed code directly.
    expect(
      await redeemLinkCode(ch, { code: code![1]!, chatHash: "cli-test", accept: async () => true }),
    ).toEqual({
      ok: true,
      sellerId: "7001",
    });
    const bad = await run("424242");
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("VT_ERR_BOT_LINK_CODE_INVALID: no employee with id 424242");
  });

  it("webhook mode: an update with the secret header is answered, one without it is refused", async () => {
    const port = await freePort();
    const web = startBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot }, [
      "--webhook-url",
      `http://127.0.0.1:${port}/`,
      "--webhook-port",
      String(port),
    ]);
    await waitFor(() => web.output().includes("bot.started"), 60_000, "bot.started (webhook)");
    expect(web.output()).toContain('"mode":"webhook"');
    const chat = 918273646;
    const update = {
      update_id: 1,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chat, type: "private", first_name: "Teste" },
        from: { id: chat, is_bot: false, first_name: "Teste" },
        text: "/ajuda",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    };
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(update),
      });
    expect((await post({})).status).toBe(401);
    const ok = await post({
      "x-telegram-bot-api-secret-token": webhookSecret(TOKEN, config.pseudonymSecret),
    });
    expect(ok.status).toBe(200);
    expect((await tg.next(chat))[0]).toContain("/start CÓDIGO");
    expect(await tg.unseenAfter(chat, 500)).toBe(0);
    web.child.kill("SIGTERM");
    expect(await web.exited).toBe(0);
  });
});
