/**
 * `npm run bot` — the Telegram bot (DESIGN §9) until Ctrl-C: long polling by default
 * (`--webhook-url URL --webhook-port N` for a webhook), sale pings from `sales.feedback`, and the
 * managers' report every day at 08:00 `TZ_BUSINESS`. Without `TELEGRAM_BOT_TOKEN` it says so in
 * one log line and exits 0.
 *
 * Options: `--max-age-minutes N` (60: older sales are not pinged), `--plan FILE` (commission
 * plan of the figures), `--webhook-url`, `--webhook-host` (127.0.0.1), `--webhook-port`.
 */
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { createClickHouse } from "../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../lib/clickhouse/migrate.ts";
import { loadConfig } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { createLogger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { DEFAULT_PLAN, loadPlan } from "../processors/domain/commission-plan.ts";
import { createFigures } from "../sql/figures/index.ts";
import { createKafka, ensureTopics } from "../streams/kafka/kafka-factory.ts";
import { AvroSerde } from "../streams/serde/avro-serde.ts";
import { processingTopicSpecs } from "../streams/topic-specs.ts";
import { scheduleDaily } from "./daily-schedule.ts";
import { startFeedbackConsumer } from "./feedback-consumer.ts";
import { createVitrineBot } from "./vitrine-bot.ts";
import { startWebhook, webhookSecret, type Webhook } from "./webhook.ts";

const positive = (v: string): number => {
  if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError("must be a positive whole number");
  return Number(v);
};

/** The commands Telegram shows in its menu (pt-BR). */
const MENU = [
  { command: "meta", description: "Seu progresso na meta do mês" },
  { command: "comissao", description: "Sua comissão do mês" },
  { command: "sugestoes", description: "Produtos para oferecer junto" },
  { command: "margem", description: "Produtos de maior margem" },
  { command: "promocoes", description: "Promoções em vigor" },
  { command: "ajuda", description: "O que eu sei fazer" },
  { command: "sair", description: "Desvincular este chat" },
];

runMain(async () => {
  const opts = new Command("bot")
    .option("--max-age-minutes <n>", "do not ping sales older than this", positive, 60)
    .option("--plan <file>", "commission plan (JSON) of the figures")
    .option("--webhook-url <url>", "receive updates on this public HTTPS URL instead of long polling")
    .option("--webhook-host <host>", "where the webhook server listens", "127.0.0.1")
    .option("--webhook-port <port>", "port of the webhook server", positive)
    .parse()
    .opts<{
      maxAgeMinutes: number;
      plan?: string;
      webhookUrl?: string;
      webhookHost: string;
      webhookPort?: number;
    }>();
  const config = loadConfig(process.env);
  const log = createLogger({ name: "bot", level: config.logLevel });
  const token = config.telegram.botToken;
  if (!token) {
    log.info("bot.off: TELEGRAM_BOT_TOKEN is not set, the Telegram bot stays off");
    return;
  }
  if (opts.webhookUrl && !opts.webhookPort)
    throw new InvalidArgumentError("--webhook-url needs --webhook-port");

  await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations"), log });
  const ch = createClickHouse(config.clickhouse);
  const kafka = createKafka(config.kafka, log);
  const serde = new AvroSerde(config.schemaRegistry.url, config.schemaRegistry.auth);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      processingTopicSpecs(kafka.topics).filter((t) => t.topic === kafka.topics.salesFeedback),
    );
  } finally {
    await admin.disconnect();
  }

  const plan = opts.plan ? loadPlan(opts.plan) : DEFAULT_PLAN;
  const vb = createVitrineBot({
    token,
    apiRoot: config.telegram.apiRoot,
    ch,
    figures: createFigures({ ch, plan }),
    log,
    secret: config.pseudonymSecret,
    tz: config.tzBusiness,
  });
  await vb.init();
  await vb.bot.api.setMyCommands(MENU).catch((err: unknown) => {
    log.warn({ err: (err as Error).message }, "bot.menu.failed");
  });

  let server: Webhook | undefined;
  if (opts.webhookUrl && opts.webhookPort) {
    // Telegram sends this secret in a header, so only Telegram can post updates.
    const secretToken = webhookSecret(token, config.pseudonymSecret);
    server = await startWebhook(vb.bot, { host: opts.webhookHost, port: opts.webhookPort, secretToken });
    await vb.bot.api.setWebhook(opts.webhookUrl, { secret_token: secretToken });
    log.info({ port: server.port }, "bot.webhook");
  } else {
    await vb.bot.api.deleteWebhook();
    vb.startPolling();
  }

  const feedback = await startFeedbackConsumer({
    kafka,
    serde,
    log,
    maxAgeMs: opts.maxAgeMinutes * 60_000,
    onEvent: (e) => vb.onFeedback(e),
  });
  const stopDaily = scheduleDaily({
    tz: config.tzBusiness,
    hour: 8,
    task: (at) => vb.sendDailyReports(at),
    onError: (err) => log.error({ err: (err as Error).message }, "bot.daily_report.failed"),
  });
  log.info({ mode: server ? "webhook" : "polling", maxAgeMinutes: opts.maxAgeMinutes }, "bot.started");

  const stop = async (): Promise<void> => {
    stopDaily();
    await feedback.stop().catch(() => undefined);
    await vb.stop();
    await server?.close();
    await ch.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
});
