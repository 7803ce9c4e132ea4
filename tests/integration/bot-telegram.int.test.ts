/**
 * The Telegram bot end to end: real ClickHouse (own database: silver rows → gold views → the
 * figures module), real Kafka and schema registry (own topic prefix: `sales.feedback` events in
 * Avro), and Telegram = the telegram-test-api emulator on a free port, reached through a thin
 * proxy that holds empty getUpdates a moment (as long polling does) and can answer one
 * sendMessage with 429 + retry_after.
 *
 * Covered: linking (good, used, expired, unknown code, inactive employee), an unlinked chat
 * refused, every command with figures equal to an independent computation from the rows written
 * here, audit rows, a ping per feedback event with its figures in pt-BR, coalescing, old sales
 * skipped, no re-ping after a restart, /sair, a 429 honoured, the manager commands and the daily
 * report at a fixed clock.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { createFigures } from "../../sql/figures/index.ts";
import { createKafka, ensureTopics } from "../../streams/kafka/kafka-factory.ts";
import { AvroSerde, valueSubject, type SubjectSerde } from "../../streams/serde/avro-serde.ts";
import type { SaleFeedback } from "../../bot/feedback-event.ts";
import { startFeedbackConsumer, type FeedbackConsumer } from "../../bot/feedback-consumer.ts";
import { issueLinkCode } from "../../bot/link-codes.ts";
import { chatHash } from "../../bot/links.ts";
import { startTelegramEmulator, type TelegramEmulator } from "../../bot/testing/telegram-emulator.ts";
import { createVitrineBot, type VitrineBot } from "../../bot/vitrine-bot.ts";
import { deleteTopicsUnder, isolatedConfig } from "../helpers/isolated-stack.ts";

const config = isolatedConfig("bot", { clickhouse: true });
const log = createLogger({ name: "bot-test", level: "warn" });
const ch = createClickHouse(config.clickhouse);
const kafka = createKafka(config.kafka, log);
const serde = new AvroSerde(config.schemaRegistry.url);
const TOKEN = "123456:test-token-abcdefghijklmnopqrstu";
/** The business clock of the figures: 09:00 in São Paulo on 2026-11-16. */
const CLOCK = new Date("2026-11-16T12:00:00Z");
const NBSP = (s: string): string => s.replace(/R\$ /g, "R$\u00a0");

const CHAT = { ana: 5001, bruno: 5002, carla: 5003, davi: 5004, stranger: 5009 } as const;

let tg: TelegramEmulator;
let vb: VitrineBot;
let feedback: FeedbackConsumer;
let producer: Producer;
let feedbackSerde: SubjectSerde<SaleFeedback>;

// === Data: reference rows and silver sale lines of November 2026 (store 101).

let offset = 0;
const ref = (table: string, rows: Record<string, unknown>[]) =>
  ch.insert({
    table,
    format: "JSONEachRow",
    values: rows.map((r) => ({
      _topic: table,
      _partition: 0,
      _offset: offset++,
      source_file: "test.csv",
      source_line: offset,
      ...r,
    })),
  });

interface Line {
  basket: string;
  seller: string;
  product: string;
  q: number;
  precoCents: number;
  high: boolean;
  date: string;
  partners: string[];
}
const LINES: Line[] = [
  {
    basket: "1",
    seller: "1001",
    product: "500001",
    q: 2,
    precoCents: 5000,
    high: true,
    date: "2026-11-10",
    partners: [],
  },
  {
    basket: "1",
    seller: "1001",
    product: "500002",
    q: 1,
    precoCents: 3000,
    high: false,
    date: "2026-11-10",
    partners: ["500001"],
  },
  {
    basket: "2",
    seller: "1001",
    product: "500003",
    q: 1,
    precoCents: 8000,
    high: false,
    date: "2026-11-15",
    partners: [],
  },
  {
    basket: "3",
    seller: "1002",
    product: "500001",
    q: 1,
    precoCents: 5000,
    high: true,
    date: "2026-11-15",
    partners: [],
  },
];
const TARGET_CENTS: Record<string, number> = { "1001": 100_000, "1002": 4_000 };

/** The independent computation (DESIGN §6) of a seller's month from LINES, in cents. */
function expected(seller: string) {
  const mine = LINES.filter((l) => l.seller === seller);
  const revenue = mine.reduce((s, l) => s + l.q * l.precoCents, 0);
  const microCents = mine.reduce((s, l) => s + l.q * l.precoCents * (l.high ? 50_000 : 30_000), 0);
  const target = TARGET_CENTS[seller]!;
  const multiplier = revenue * 100 >= target * 120 ? 1.5 : revenue >= target ? 1.25 : 1;
  const commission = Math.round((multiplier * microCents) / 1_000_000);
  const reais = (c: number) =>
    `R$\u00a0${Math.floor(c / 100).toLocaleString("pt-BR")},${String(c % 100).padStart(2, "0")}`;
  return {
    revenue: reais(revenue),
    target: reais(target),
    commission: reais(commission),
    toNext: reais(target - revenue),
  };
}

async function seed(): Promise<void> {
  const employee = (id: string, name: string, surname: string, role: string, status: string) => ({
    id_employee: id,
    name,
    surname,
    cpf_pseudonym: `p${id}`,
    status,
    role,
    initial_date: "2020-01-01",
    end_date: null,
    store_id: "101",
  });
  await ref("ref_employees", [
    employee("1001", "Ana", "Souza", "vendedor", "ativo"),
    employee("1002", "Bruno", "Lima", "vendedor", "ativo"),
    employee("2001", "Carla", "Dias", "gerente", "ativo"),
    employee("1009", "Davi", "Reis", "vendedor", "não ativo"),
  ]);
  await ref("ref_stores", [
    { nome_loja: "101", regiao: "SUDESTE", diretoria: "D1", data_inauguracao: "2015-01-01" },
    { nome_loja: "102", regiao: "SUL", diretoria: "D1", data_inauguracao: "2015-01-01" },
  ]);
  await ref("ref_targets_salesperson", [
    { id_employee: "1001", month: "2026-11", sales_target_cents: TARGET_CENTS["1001"] },
    { id_employee: "1002", month: "2026-11", sales_target_cents: TARGET_CENTS["1002"] },
  ]);
  await ref("ref_targets_store", [{ month: "2026-11", store_id: "101", sales_target_cents: 1_000_000 }]);
  const sku = (cod: string, name: string) => ({
    cod_prod: cod,
    nome_abrev: name,
    nome_completo: name,
    descricao: "",
    categoria: "MAQUIAGEM",
    sub_categoria: "",
    marca: "X",
    conteudo_valor: "1",
    conteudo_medida: "un",
  });
  await ref("ref_sku_dataset", [
    sku("500001", "Batom Matte"),
    sku("500002", "Delineador"),
    sku("500003", "Base Líquida"),
  ]);
  await ref(
    "ref_sku_status",
    ["500001", "500002", "500003"].map((c) => ({ cod_prod: c, data_inicio: "2020-01-01", data_fim: null })),
  );
  await ref("ref_sku_price", [
    { cod_prod: "500001", data_inicio: "2020-01-01", data_fim: null, preco_cents: 5000 },
    { cod_prod: "500002", data_inicio: "2020-01-01", data_fim: null, preco_cents: 3000 },
    { cod_prod: "500003", data_inicio: "2020-01-01", data_fim: "2026-11-05", preco_cents: 10000 },
    { cod_prod: "500003", data_inicio: "2026-11-06", data_fim: null, preco_cents: 8000 },
  ]);
  await ref("ref_sku_cost", [
    { cod_prod: "500001", data_inicio: "2020-01-01", data_fim: null, custo_cents: 2000 },
    { cod_prod: "500002", data_inicio: "2020-01-01", data_fim: null, custo_cents: 2100 },
    { cod_prod: "500003", data_inicio: "2020-01-01", data_fim: null, custo_cents: 4000 },
  ]);
  await ch.insert({
    table: "sales_lines",
    format: "JSONEachRow",
    values: LINES.map((l, i) => {
      const revenue = l.q * l.precoCents;
      const rate = l.high ? 50_000 : 30_000;
      return {
        _topic: "sales.normalized",
        _partition: 0,
        _offset: i,
        line_id: `101|${l.basket}|${l.product}`,
        basket_id: `101|${l.basket}`,
        seller_id: l.seller,
        seller_role: "vendedor",
        store_id: "101",
        transaction_id: l.basket,
        product_id: l.product,
        quantidade: l.q,
        preco_cents: l.precoCents,
        revenue_cents: revenue,
        high_margin: l.high ? 1 : 0,
        commission_rate_micro: rate,
        commission_micro: revenue * rate,
        plan_version: 1,
        sale_time: `${l.date} 15:00:00`,
        local_date: l.date,
        month: "2026-11",
        weekday: 1,
        hour: 12,
        source_file: "incoming/test.csv",
        source_line: i + 2,
        rejection: "",
        pair_partners: l.partners,
      };
    }),
  });
}

// === Telegram side

const ask = (chatId: number, text: string): Promise<string> => tg.ask(chatId, text);
const next = (chatId: number, n = 1): Promise<string[]> => tg.next(chatId, n);
/** Asserts that nothing more reaches the chat for `ms`. */
const quiet = async (chatId: number, ms = 1500): Promise<void> => {
  expect(await tg.unseenAfter(chatId, ms)).toBe(0);
};

// === Feedback events

let lineNo = 0;
function feedbackEvent(over: Partial<SaleFeedback>): SaleFeedback {
  lineNo++;
  return {
    line_id: `101|9${lineNo}|500001`,
    basket_id: `101|9${lineNo}`,
    seller_id: "1001",
    store_id: "101",
    product_id: "500001",
    product_name: "Batom Matte",
    quantidade: 1,
    revenue: "50.00",
    sale_time: new Date().toISOString(),
    month: "2026-12",
    high_margin: true,
    line_commission: "2.50",
    earned: "2.50",
    month_revenue: "260.00",
    month_target: "1000.00",
    attainment: "0.2600",
    multiplier: "1.00",
    month_commission: "10.80",
    next_tier_attainment: "1.00",
    next_tier_multiplier: "1.25",
    revenue_to_next_tier: "740.00",
    lines: 5,
    baskets: 4,
    crossed_tier: false,
    complements: [{ product_id: "500002", product_name: "Delineador", times_bought_together: 1 }],
    processed_at: Date.now(),
    ...over,
  };
}

async function produce(events: SaleFeedback[]): Promise<void> {
  await producer.send({
    topic: kafka.topics.salesFeedback,
    messages: events.map((e) => ({ key: e.seller_id, value: feedbackSerde.encodeSync(e) })),
  });
}

const startConsumer = () =>
  startFeedbackConsumer({ kafka, serde, log, onEvent: (e) => vb.onFeedback(e), maxAgeMs: 60 * 60_000 });

beforeAll(async () => {
  await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations") });
  await seed();

  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic: kafka.topics.salesFeedback, numPartitions: 2 }]);
  await admin.disconnect();
  const schema = JSON.parse(
    await readFile(resolve(REPO_ROOT, "schemas/sales-feedback.avsc"), "utf8"),
  ) as Parameters<AvroSerde["forSubject"]>[1];
  feedbackSerde = await serde.forSubject<SaleFeedback>(valueSubject(kafka.topics.salesFeedback), schema);
  producer = kafka.producer();
  await producer.connect();

  tg = await startTelegramEmulator(TOKEN);

  vb = createVitrineBot({
    token: TOKEN,
    apiRoot: tg.apiRoot,
    ch,
    figures: createFigures({ ch, plan: DEFAULT_PLAN }),
    log,
    secret: config.pseudonymSecret,
    tz: config.tzBusiness,
    now: () => CLOCK,
  });
  await vb.init();
  vb.startPolling();
  feedback = await startConsumer();
});

afterAll(async () => {
  await feedback?.stop().catch(() => undefined);
  await vb?.stop().catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  await tg?.stop().catch(() => undefined);
  await deleteTopicsUnder(kafka);
  await exec(ch, sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`);
  await ch.close();
});

describe("Telegram bot", () => {
  it("an unlinked chat learns nothing but how to link", async () => {
    for (const text of ["/meta", "/equipe", "oi, quanto vendi?", "/start"]) {
      const answer = await ask(CHAT.stranger, text);
      expect(answer).toContain("/start CÓDIGO");
      expect(answer).not.toMatch(/R\$/);
    }
  });

  it("a group chat is refused, linked or not (personal figures stay private)", async () => {
    expect(await tg.ask(-777, "/meta", "group")).toBe(
      "Por privacidade, eu só funciono em conversa privada. Fale comigo diretamente.",
    );
    expect(await tg.unseenAfter(-777, 0)).toBe(0);
  });

  it("links with a good code; refuses a used, expired, unknown code and an inactive employee", async () => {
    const { code } = await issueLinkCode(ch, { sellerId: "1001", issuedBy: "test" });
    expect(await ask(CHAT.ana, `/start ${code}`)).toMatch(/^Pronto, Ana! Este chat está vinculado/);
    expect(await ask(CHAT.stranger, `/start ${code}`)).toBe(
      "Este código já foi usado. Peça um novo ao seu gerente.",
    );
    const old = await issueLinkCode(ch, {
      sellerId: "1002",
      issuedBy: "test",
      ttlMinutes: 30,
      now: new Date(Date.now() - 3600_000),
    });
    expect(await ask(CHAT.stranger, `/start ${old.code}`)).toBe(
      "Este código expirou. Peça um novo ao seu gerente.",
    );
    expect(await ask(CHAT.stranger, "/start ABCDEFGHJK")).toMatch(/^Código não reconhecido/);
    const inactive = await issueLinkCode(ch, { sellerId: "1009", issuedBy: "test" });
    expect(await ask(CHAT.stranger, `/start ${inactive.code}`)).toMatch(/não está ativo/);
    expect(await ask(CHAT.ana, "/start OUTROCODIGO")).toMatch(/^Este chat já está vinculado/);
    const links = await queryRows<{ n: string }>(
      ch,
      sql`SELECT count() AS n FROM telegram_links WHERE seller_id = '1001' AND linked = 1`,
    );
    expect(Number(links[0]?.n)).toBe(1);
    const bruno = await issueLinkCode(ch, { sellerId: "1002", issuedBy: "test" });
    expect(await ask(CHAT.bruno, `/start ${bruno.code}`)).toMatch(/^Pronto, Bruno!/);
  });

  it("/meta and /comissao give the month's figures, equal to an independent computation, and are audited", async () => {
    const ana = expected("1001");
    const meta = await ask(CHAT.ana, "/meta");
    expect(meta).toBe(
      [
        "🎯 Sua meta de 11/2026",
        `Vendido: ${ana.revenue} em 2 atendimentos`,
        `Meta: 21% de ${ana.target}`,
        `Próxima faixa: 100% da meta (1,25×) — faltam ${ana.toNext}`,
      ].join("\n"),
    );
    expect(await ask(CHAT.ana, "/comissao")).toBe(
      [
        `💵 Sua comissão de 11/2026: ${ana.commission}`,
        `Multiplicador: 1,00× · vendido ${ana.revenue} em 3 itens e 2 atendimentos`,
      ].join("\n"),
    );
    const bruno = expected("1002");
    const top = await ask(CHAT.bruno, "/meta");
    expect(top).toContain(`Meta: 125% de ${bruno.target}`);
    expect(top).toContain("Você está na faixa máxima (1,50×).");
    expect(await ask(CHAT.bruno, "/comissao")).toContain(`Sua comissão de 11/2026: ${bruno.commission}`);
    const audit = await queryRows<{ actor: string; action: string; subject_id: string }>(
      ch,
      sql`SELECT actor, action, subject_id FROM audit_log WHERE subject_id = '1001' ORDER BY action`,
    );
    expect(audit).toEqual([
      {
        actor: `telegram:${chatHash(CHAT.ana, config.pseudonymSecret)}`,
        action: "bot.commission",
        subject_id: "1001",
      },
      {
        actor: `telegram:${chatHash(CHAT.ana, config.pseudonymSecret)}`,
        action: "bot.meta",
        subject_id: "1001",
      },
    ]);
  });

  it("/sugestoes, /margem, /promocoes, /ajuda; manager commands refused to a seller", async () => {
    expect(await ask(CHAT.ana, "/sugestoes 500001")).toBe(
      "🛍️ Quem leva o produto 500001 também leva:\n1. Delineador (500002) — 1 vez juntos",
    );
    expect(await ask(CHAT.ana, "/sugestoes")).toMatch(/^Envie \/sugestoes CÓDIGO_DO_PRODUTO/);
    expect(await ask(CHAT.ana, "/margem")).toBe(
      NBSP(
        [
          "📈 Produtos de maior margem hoje:",
          "1. Batom Matte (500001) — margem 60%, preço R$ 50,00",
          "2. Base Líquida (500003) — margem 50%, preço R$ 80,00",
          "3. Delineador (500002) — margem 30%, preço R$ 30,00",
        ].join("\n"),
      ),
    );
    expect(await ask(CHAT.ana, "/promocoes")).toBe(
      NBSP("🏷️ Promoções em vigor:\n• Base Líquida (500003): R$ 80,00 (antes R$ 100,00, −20%)"),
    );
    const help = await ask(CHAT.ana, "/ajuda");
    expect(help).toContain("/comissao");
    expect(help).not.toContain("/equipe");
    expect(await ask(CHAT.ana, "/equipe")).toBe("Este comando é só para gerentes.");
    expect(await ask(CHAT.ana, "/loja")).toBe("Este comando é só para gerentes.");
    expect(await ask(CHAT.ana, "bom dia")).toMatch(/^Não conheço esse comando/);
    // Davi leaves the company after linking: his chat gets no more figures.
    const { code } = await issueLinkCode(ch, { sellerId: "1009", issuedBy: "test" });
    await ref("ref_employees", [
      {
        id_employee: "1009",
        name: "Davi",
        surname: "Reis",
        cpf_pseudonym: "p1009",
        status: "ativo",
        role: "vendedor",
        initial_date: "2020-01-01",
        end_date: null,
        store_id: "101",
      },
    ]);
    expect(await ask(CHAT.davi, `/start ${code}`)).toMatch(/^Pronto, Davi!/);
    await ref("ref_employees", [
      {
        id_employee: "1009",
        name: "Davi",
        surname: "Reis",
        cpf_pseudonym: "p1009",
        status: "não ativo",
        role: "vendedor",
        initial_date: "2020-01-01",
        end_date: "2026-11-15",
        store_id: "101",
      },
    ]);
    expect(await ask(CHAT.davi, "/meta")).toMatch(/^Seu cadastro não está ativo/);
  });

  it("a manager gets /loja, /equipe and the 08:00 daily report (fixed clock)", async () => {
    const { code } = await issueLinkCode(ch, { sellerId: "2001", issuedBy: "test" });
    expect(await ask(CHAT.carla, `/start ${code}`)).toContain("relatório da loja todo dia às 8h");
    expect(await ask(CHAT.carla, "/ajuda")).toContain("/equipe");
    expect(await ask(CHAT.carla, "/loja")).toBe(
      NBSP(
        [
          "🏬 Loja 101 em 11/2026",
          "Faturamento: R$ 260,00 de R$ 10.000,00 (2,6% da meta)",
          "Atendimentos: 3 · ticket médio R$ 86,67 · 1,7 itens por atendimento",
          "Posição na rede: 1º · na região SUDESTE: 1º",
        ].join("\n"),
      ),
    );
    const ana = expected("1001");
    const bruno = expected("1002");
    const team = await ask(CHAT.carla, "/equipe");
    const lines = team.split("\n");
    expect(lines[0]).toBe("👥 Equipe da loja 101 em 11/2026");
    expect(lines[1]).toBe(`1. Ana Souza — ${ana.revenue} (21% da meta) · comissão ${ana.commission}`);
    expect(lines[2]).toBe(`2. Bruno Lima — ${bruno.revenue} (125% da meta) · comissão ${bruno.commission}`);

    const queued = await vb.sendDailyReports(new Date("2026-11-16T11:00:00Z"));
    expect(queued).toBe(1);
    const [report] = await next(CHAT.carla);
    expect(report?.split("\n").slice(0, 5)).toEqual([
      "☀️ Bom dia! Relatório da loja 101",
      NBSP("Ontem (15/11): R$ 130,00 em 2 atendimentos (2 itens)"),
      NBSP("Mês até agora (11/2026): R$ 260,00 de R$ 10.000,00 (2,6% da meta) · 1º na rede"),
      "Ranking da equipe:",
      `1. Ana Souza — ${ana.revenue} (21% da meta) · comissão ${ana.commission}`,
    ]);
    await produce([
      feedbackEvent({ seller_id: "2001", revenue: "45.00", earned: "0.00", month_commission: "0.00" }),
    ]);
    expect((await next(CHAT.carla))[0]).toBe(
      NBSP(
        "💰 Venda de R$ 45,00 — 1× Batom Matte\n" +
          "Gerentes não recebem comissão: suas vendas (R$ 260,00 no mês) contam para a loja.",
      ),
    );
    const audited = await queryRows<{ n: string }>(
      ch,
      sql`SELECT count() AS n FROM audit_log WHERE action IN ('bot.team', 'bot.daily_report') AND actor_role = 'manager'`,
    );
    expect(Number(audited[0]?.n)).toBeGreaterThanOrEqual(4);
  });

  it("pings each sale with its figures in pt-BR; old sales are skipped", async () => {
    await produce([
      feedbackEvent({ sale_time: new Date(Date.now() - 2 * 3600_000).toISOString(), revenue: "999.00" }),
      feedbackEvent({ quantidade: 2, revenue: "100.00", earned: "5.00", month_commission: "13.30" }),
    ]);
    expect(await next(CHAT.ana)).toEqual([
      NBSP(
        [
          "💰 Venda de R$ 100,00 — 2× Batom Matte",
          "Você ganhou R$ 5,00 com ela.",
          "Comissão do mês: R$ 13,30 (multiplicador 1,00×)",
          "Meta: 26% de R$ 1.000,00",
          "Próxima faixa: 100% da meta (1,25×) — faltam R$ 740,00",
          "💡 Ofereça também: Delineador (comprados juntos 1 vez)",
        ].join("\n"),
      ),
    ]);
    await quiet(CHAT.ana);
    expect(feedback.counts.skippedOld).toBe(1);
    await quiet(CHAT.bruno, 0);
  });

  it("coalesces sales that come faster than one message per second, and celebrates a tier", async () => {
    const t = Date.now();
    await produce([
      feedbackEvent({ seller_id: "1002", revenue: "10.00", earned: "0.30" }),
      feedbackEvent({ seller_id: "1002", revenue: "20.00", earned: "0.60" }),
      feedbackEvent({ seller_id: "1002", revenue: "30.00", earned: "0.90" }),
      feedbackEvent({
        seller_id: "1002",
        revenue: "40.10",
        earned: "21.33",
        multiplier: "1.25",
        month_commission: "31.33",
        attainment: "1.0001",
        next_tier_attainment: "1.20",
        next_tier_multiplier: "1.50",
        revenue_to_next_tier: "199.90",
        crossed_tier: true,
      }),
    ]);
    const [first, merged] = await next(CHAT.bruno, 2);
    expect(first).toMatch(/^💰 Venda de R\$\u00a010,00/);
    expect(merged?.split("\n")).toEqual([
      NBSP("💰 3 vendas: R$ 20,00 + R$ 30,00 + R$ 40,10 = R$ 90,10"),
      NBSP("Você ganhou R$ 22,83 com elas."),
      NBSP("Comissão do mês: R$ 31,33 (multiplicador 1,25×)"),
      NBSP("Meta: 100% de R$ 1.000,00"),
      NBSP("Próxima faixa: 120% da meta (1,50×) — faltam R$ 199,90"),
      "🎉 Parabéns! Você subiu de faixa: sua comissão do mês agora vale 1,25×!",
      "💡 Ofereça também: Delineador (comprados juntos 1 vez)",
    ]);
    const times = tg
      .messagesTo(CHAT.bruno)
      .slice(-2)
      .map((m) => m.time);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
  });

  it("a restarted consumer does not ping again, and pings what is new", async () => {
    await feedback.stop();
    feedback = await startConsumer();
    await quiet(CHAT.ana, 2500);
    await quiet(CHAT.bruno, 0);
    await produce([feedbackEvent({ revenue: "7.00", earned: "0.21" })]);
    expect((await next(CHAT.ana))[0]).toMatch(/^💰 Venda de R\$\u00a07,00/);
  });

  it("honours a 429 with retry_after", async () => {
    await sleep(1100);
    tg.proxy.tooMany = 1;
    tg.proxy.retryAfter = 2;
    const before = tg.proxy.sendAttempts.length;
    const retried = vb.outbox.stats.retried429;
    const answer = await ask(CHAT.ana, "/ajuda");
    expect(answer).toMatch(/^O que eu sei fazer/);
    const attempts = tg.proxy.sendAttempts.slice(before);
    expect(attempts.length).toBe(2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(2000);
    expect(vb.outbox.stats.retried429).toBe(retried + 1);
  });

  it("/sair unlinks: the chat gets nothing more", async () => {
    expect(await ask(CHAT.ana, "/sair")).toMatch(/^Pronto, desvinculei este chat/);
    await produce([feedbackEvent({ revenue: "8.00" })]);
    await quiet(CHAT.ana, 2500);
    expect(await ask(CHAT.ana, "/meta")).toContain("/start CÓDIGO");
    vb.links.all().forEach(([chat]) => expect(chat).not.toBe(CHAT.ana));
    // The unlink is durable: a fresh load agrees.
    await vb.links.load();
    expect(vb.links.sellerOf(CHAT.ana)).toBeUndefined();
    expect(vb.links.sellerOf(CHAT.bruno)).toBe("1002");
  });
});
