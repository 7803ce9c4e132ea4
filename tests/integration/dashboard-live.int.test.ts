/**
 * The live dashboard in headless Chromium against the real API process (`api/main.ts`, as
 * `npm start` runs it) on its own ClickHouse database and Kafka topic prefix: silver sale lines and
 * reference rows are written into the real tables, the page logs in with a token, shows what the
 * token's rights allow, and a sale produced to `sales.feedback` (Avro through the registry) moves
 * the feed, the team leaderboard and the seller's bar WITHOUT a reload; the store figures follow
 * from REST. Then the API is stopped and started again: the page says the socket dropped,
 * reconnects, re-authenticates and re-subscribes by itself, and the next sale arrives.
 *
 * Expected figures are computed here from the rows (integer cents), not read from the API.
 * Screenshots: `test-results/dashboard.png` (desktop, manager) and `dashboard-phone.png`
 * (phone, seller).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../api/auth/tokens.ts";
import { createClickHouse, exec } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { createKafka } from "../../streams/kafka/kafka-factory.ts";
import { AvroSerde, readSchemaFile, valueSubject } from "../../streams/serde/avro-serde.ts";
import { deleteTopicsUnder, isolatedEnv } from "../helpers/isolated-stack.ts";
import { launchChromium } from "../setup/chromium.ts";
import { freePort } from "../setup/free-port.ts";

type Row = Record<string, string | number | null | string[]>;
const NB = "\u00a0";
const brl = (cents: bigint): string => {
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  const int = (a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${neg ? "-" : ""}R$${NB}${int},${String(a % 100n).padStart(2, "0")}`;
};
const money = (cents: bigint): string => `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
/** Half-up division of non-negative integers. */
const div = (n: bigint, d: bigint): bigint => (2n * (n % d) >= d ? n / d + 1n : n / d);

// === Rows of the current business month

const env = isolatedEnv("dash", { clickhouse: true });
const config = loadConfig(env);
const now = DateTime.now().setZone(config.tzBusiness);
const MONTH = now.toFormat("yyyy-MM");
const FIRST = now.startOf("month").toISODate() as string;

let offset = 0;
const coords = (topic: string): Row => ({ _topic: topic, _partition: 0, _offset: offset++ });
const prov = { source_file: "incoming/test.csv", source_line: 2 };
const ref = (topic: string, rows: Row[]): Row[] => rows.map((r) => ({ ...coords(topic), ...r, ...prov }));

const STORE = "101";
const PEOPLE = {
  manager: { id: "20001", name: "Gabriela", surname: "Gomes", role: "gerente", store: STORE },
  ana: { id: "20002", name: "Ana", surname: "Lima", role: "vendedor", store: STORE },
  bruno: { id: "20003", name: "Bruno", surname: "Costa", role: "vendedor", store: STORE },
  carla: { id: "20004", name: "Carla", surname: "Dias", role: "vendedor", store: STORE },
  davi: { id: "20005", name: "Davi", surname: "Reis", role: "vendedor", store: "102" },
};
const TARGET_CENTS: Record<string, bigint> = {
  "20002": 100_000n,
  "20003": 100_000n,
  "20004": 200_000n,
  "20005": 100_000n,
};
const PRODUCTS: Record<string, { name: string; price: number; cost: number }> = {
  "1001": { name: "Batom Matte", price: 4990, cost: 1500 },
  "1002": { name: "Gloss Labial", price: 2990, cost: 2000 },
  "1003": { name: "Base Líquida", price: 8990, cost: 3000 },
  "1004": { name: "Perfume Floral", price: 19900, cost: 12000 },
};

const reference: [string, Row[]][] = [
  [
    "ref_stores",
    ref("raw.stores", [
      { nome_loja: "101", regiao: "Sul", diretoria: "D1", data_inauguracao: "2019-01-01" },
      { nome_loja: "102", regiao: "Sul", diretoria: "D1", data_inauguracao: "2019-01-01" },
    ]),
  ],
  [
    "ref_employees",
    ref(
      "raw.employees",
      Object.values(PEOPLE).map((p) => ({
        id_employee: p.id,
        name: p.name,
        surname: p.surname,
        cpf_pseudonym: `pseudo${p.id}`,
        status: "ativo",
        role: p.role,
        initial_date: "2020-01-01",
        end_date: null,
        store_id: p.store,
      })),
    ),
  ],
  [
    "ref_targets_salesperson",
    ref(
      "raw.targets_salesperson",
      Object.entries(TARGET_CENTS).map(([id, c]) => ({
        id_employee: id,
        month: MONTH,
        sales_target_cents: Number(c),
      })),
    ),
  ],
  [
    "ref_targets_store",
    ref("raw.targets_store", [
      { month: MONTH, store_id: "101", sales_target_cents: 500_000 },
      { month: MONTH, store_id: "102", sales_target_cents: 200_000 },
    ]),
  ],
  [
    "ref_sku_dataset",
    ref(
      "raw.sku_dataset",
      Object.entries(PRODUCTS).map(([id, p]) => ({
        cod_prod: id,
        nome_abrev: p.name,
        nome_completo: p.name,
        descricao: "",
        categoria: "Maquiagem",
        sub_categoria: "",
        marca: "M",
        conteudo_valor: "10",
        conteudo_medida: "ml",
      })),
    ),
  ],
  [
    "ref_sku_price",
    ref(
      "raw.sku_price",
      Object.entries(PRODUCTS).map(([id, p]) => ({
        cod_prod: id,
        data_inicio: "2020-01-01",
        data_fim: null,
        preco_cents: p.price,
      })),
    ),
  ],
  [
    "ref_sku_cost",
    ref(
      "raw.sku_cost",
      Object.entries(PRODUCTS).map(([id, p]) => ({
        cod_prod: id,
        data_inicio: "2020-01-01",
        data_fim: null,
        custo_cents: p.cost,
      })),
    ),
  ],
  [
    "ref_sku_status",
    ref(
      "raw.sku_status",
      Object.keys(PRODUCTS).map((id) => ({ cod_prod: id, data_inicio: "2020-01-01", data_fim: null })),
    ),
  ],
];

interface Item {
  prod: string;
  q: number;
  cents: number;
  high: boolean;
}
const lines: Row[] = [];
let basketNo = 0;
/** One basket of silver lines (pair partners: the distinct earlier products with quantity > 0). */
function basket(seller: string, store: string, items: Item[], at = `${FIRST} 10:00:00`): Row[] {
  const tx = `T${++basketNo}`;
  const held: string[] = [];
  const out: Row[] = [];
  for (const it of items) {
    const revenue = it.q * it.cents;
    const rate = it.high ? 50_000 : 30_000;
    out.push({
      _topic: "sales.normalized",
      _partition: 0,
      _offset: lines.length + out.length,
      line_id: `${store}|${tx}|${it.prod}`,
      basket_id: `${store}|${tx}`,
      seller_id: seller,
      seller_role: "vendedor",
      store_id: store,
      transaction_id: tx,
      product_id: it.prod,
      quantidade: it.q,
      preco_cents: it.cents,
      revenue_cents: revenue,
      high_margin: it.high ? 1 : 0,
      commission_rate_micro: rate,
      commission_micro: revenue * rate,
      plan_version: 1,
      sale_time: at,
      local_date: at.slice(0, 10),
      month: MONTH,
      weekday: 1,
      hour: 10,
      source_file: "incoming/test.csv",
      source_line: lines.length + out.length + 2,
      rejection: "",
      pair_partners: it.q > 0 ? held.filter((x) => x !== it.prod) : [],
    });
    if (it.q > 0 && !held.includes(it.prod)) held.push(it.prod);
  }
  lines.push(...out);
  return out;
}

// Ana 1 050,00 (105 % → 1,25×), Bruno 800,00 (80 %), Carla 300,00 (15 %); store 102: Davi 900,00.
basket(PEOPLE.ana.id, STORE, [
  { prod: "1001", q: 10, cents: 4990, high: true },
  { prod: "1002", q: 5, cents: 2990, high: false },
  { prod: "1003", q: 4, cents: 8990, high: true },
]);
basket(PEOPLE.ana.id, STORE, [{ prod: "1002", q: 1, cents: 4190, high: false }]);
basket(PEOPLE.bruno.id, STORE, [{ prod: "1004", q: 4, cents: 20000, high: false }]);
basket(PEOPLE.carla.id, STORE, [{ prod: "1001", q: 6, cents: 5000, high: true }]);
basket(PEOPLE.davi.id, "102", [{ prod: "1003", q: 10, cents: 9000, high: true }]);

/** A seller's month from the silver rows: revenue, Σ commission (micro-cents), lines, baskets. */
function month(seller: string): { revenue: bigint; micro: bigint; lines: number; baskets: number } {
  const mine = lines.filter((l) => l.seller_id === seller);
  return {
    revenue: mine.reduce((a, l) => a + BigInt(l.revenue_cents as number), 0n),
    micro: mine.reduce((a, l) => a + BigInt(l.commission_micro as number), 0n),
    lines: mine.length,
    baskets: new Set(mine.map((l) => l.basket_id)).size,
  };
}
/** Multiplier in hundredths by attainment (DESIGN §6), commission in cents (rounded once). */
function tier(revenue: bigint, target: bigint): bigint {
  if (revenue * 100n >= target * 120n) return 150n;
  if (revenue >= target) return 125n;
  return 100n;
}
const commission = (micro: bigint, mult: bigint): bigint => div(micro * mult, 100_000_000n);
const multText = (m: bigint): string => `${m / 100n}.${String(m % 100n).padStart(2, "0")}`;
const pct4 = (revenue: bigint, target: bigint): string => {
  const t = div(revenue * 10_000n, target);
  return `${t / 10_000n}.${String(t % 10_000n).padStart(4, "0")}`;
};

/**
 * Appends a live sale of `seller` (one line, its own basket) to the silver rows and returns the
 * `sales.feedback` event the processor would produce for it, with figures computed here.
 */
function liveSale(seller: string, item: Item, complements: [string, number][]): Record<string, unknown> {
  const before = month(seller);
  const target = TARGET_CENTS[seller] as bigint;
  const store = Object.values(PEOPLE).find((p) => p.id === seller)?.store ?? STORE;
  const [line] = basket(seller, store, [item], now.toUTC().toFormat("yyyy-MM-dd HH:mm:ss"));
  const after = month(seller);
  const mBefore = tier(before.revenue, target);
  const mAfter = tier(after.revenue, target);
  const next =
    mAfter === 100n
      ? { a: "1.00", m: "1.25", at: target }
      : mAfter === 125n
        ? { a: "1.20", m: "1.50", at: (target * 120n) / 100n }
        : undefined;
  const revenue = BigInt(item.q * item.cents);
  return {
    line_id: line?.line_id,
    basket_id: line?.basket_id,
    seller_id: seller,
    store_id: store,
    product_id: item.prod,
    product_name: PRODUCTS[item.prod]?.name ?? "",
    quantidade: item.q,
    revenue: money(revenue),
    sale_time: now.toUTC().toISO(),
    month: MONTH,
    high_margin: item.high,
    line_commission: money(div(revenue * (item.high ? 50_000n : 30_000n), 1_000_000n)),
    earned: money(commission(after.micro, mAfter) - commission(before.micro, mBefore)),
    month_revenue: money(after.revenue),
    month_target: money(target),
    attainment: pct4(after.revenue, target),
    multiplier: multText(mAfter),
    month_commission: money(commission(after.micro, mAfter)),
    next_tier_attainment: next?.a ?? null,
    next_tier_multiplier: next?.m ?? null,
    revenue_to_next_tier: next ? money(next.at - after.revenue) : null,
    lines: after.lines,
    baskets: after.baskets,
    crossed_tier: mAfter > mBefore,
    complements: complements.map(([id, times]) => ({
      product_id: id,
      product_name: PRODUCTS[id]?.name ?? "",
      times_bought_together: times,
    })),
    processed_at: Date.now(),
  };
}

// === The test

/** A Brazilian browser: pt-BR, business time zone. */
const BR = { locale: "pt-BR", timezoneId: config.tzBusiness } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("live dashboard in headless Chromium", () => {
  const log = createLogger({ name: "dashboard-test", level: "silent" });
  const ch = createClickHouse(config.clickhouse);
  const server = createClickHouse(config.clickhouse, { database: null });
  const kafka = createKafka(config.kafka, log);
  const producer = kafka.producer();
  const serde = new AvroSerde(config.schemaRegistry.url);
  let encode: (v: Record<string, unknown>) => Promise<Buffer>;
  let browser: Browser;
  let api: ChildProcess | undefined;
  let apiUrl = "";
  let port = 0;
  let apiOutput = "";

  async function startApi(): Promise<void> {
    apiOutput = "";
    const child = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, "api/main.ts")], {
      cwd: REPO_ROOT,
      env: { ...env, API_PORT: String(port), LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    api = child;
    child.stdout?.on("data", (d: Buffer) => (apiOutput += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (apiOutput += d.toString()));
    for (let i = 0; i < 240; i++) {
      if (child.exitCode !== null) throw new Error(`API exited: ${apiOutput}`);
      try {
        if ((await fetch(`${apiUrl}/health/live`)).ok) return;
      } catch {
        // not yet listening
      }
      await sleep(250);
    }
    throw new Error(`API did not listen: ${apiOutput}`);
  }

  async function stopApi(): Promise<void> {
    const child = api;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }

  /** Writes the sales' silver rows, then produces their events; returns when the send began. */
  async function produce(...events: Record<string, unknown>[]): Promise<number> {
    // The silver rows first (REST figures), then the events (the socket), as the processor does.
    const ids = new Set(events.map((e) => String(e.line_id)));
    await ch.insert({
      table: "sales_lines",
      format: "JSONEachRow",
      values: lines.filter((l) => ids.has(String(l.line_id))),
    });
    const messages = await Promise.all(
      events.map(async (e) => ({ key: String(e.seller_id), value: await encode(e) })),
    );
    const sentAt = Date.now();
    await producer.send({ topic: kafka.topics.salesFeedback, messages });
    return sentAt;
  }

  async function login(page: Page, token: string): Promise<void> {
    await page.goto(`${apiUrl}/dashboard/`);
    await page.locator("#token").fill(token);
    await page.getByRole("button", { name: "Entrar" }).click();
  }

  beforeAll(async () => {
    await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations"), log });
    for (const [table, rows] of reference) await ch.insert({ table, format: "JSONEachRow", values: rows });
    await ch.insert({ table: "sales_lines", format: "JSONEachRow", values: [...lines] });
    port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    [browser] = await Promise.all([launchChromium(), startApi()]);
    const schema = await readSchemaFile(resolve(REPO_ROOT, "schemas/sales-feedback.avsc"));
    const subject = await serde.forSubject<Record<string, unknown>>(
      valueSubject(kafka.topics.salesFeedback),
      schema,
    );
    encode = (v) => subject.encode(v);
    await producer.connect();
    mkdirSync(resolve(REPO_ROOT, "test-results"), { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stopApi();
    await producer.disconnect();
    await deleteTopicsUnder(kafka);
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`);
    await ch.close();
    await server.close();
  });

  it("a manager sees the team leaderboard, and a new sale re-ranks it and fills the feed without reload", async () => {
    const token = await signToken(
      config.api.jwtSecret,
      { sub: "test:manager", role: "manager", storeId: STORE },
      "1h",
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, ...BR });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await login(page, token);

    // Before: Ana, Bruno, Carla (and the gerente, who sells nothing), by month revenue.
    const rows = page.locator("#team-body li");
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(4);
    const ana = month(PEOPLE.ana.id);
    const anaMult = tier(ana.revenue, TARGET_CENTS[PEOPLE.ana.id] as bigint);
    expect(anaMult).toBe(125n);
    const first = (await rows.nth(0).innerText()).replace(/[ \t\r\n]+/g, " ");
    expect(first).toContain("Ana Lima");
    expect(first).toContain(brl(ana.revenue));
    expect(first).toContain("1,25×");
    expect(first).toContain(`comissão ${brl(commission(ana.micro, anaMult))}`);
    expect(first).toContain("105,0% da meta");
    expect(await rows.nth(1).innerText()).toContain("Bruno Costa");
    expect(await rows.nth(3).innerText()).toContain("(gerente)");
    await expect
      .poll(() => page.locator("#live-status").innerText(), { timeout: 20_000 })
      .toContain("ao vivo");
    await expect.poll(() => page.locator("#feed-empty").isVisible()).toBe(true);
    const storeBefore = lines
      .filter((l) => l.store_id === STORE)
      .reduce((a, l) => a + BigInt(l.revenue_cents as number), 0n);
    await expect
      .poll(() => page.locator("#store-body").innerText(), { timeout: 10_000 })
      .toContain(brl(storeBefore));
    expect(await page.locator("#margin-body").innerText()).toContain("Batom Matte");

    // A sale of Bruno: 3 × Base Líquida takes him past 100 % and past Ana. A marker a reload would lose, and the moment the first feed line appears (a figure, printed).
    await page.evaluate(`(() => {
      window.__noReload = 42;
      new MutationObserver((_m, obs) => {
        window.__firstLineAt = Date.now();
        obs.disconnect();
      }).observe(document.getElementById("feed"), { childList: true });
    })()`);
    const event = liveSale(PEOPLE.bruno.id, { prod: "1003", q: 3, cents: 8990, high: true }, [["1001", 7]]);
    expect(event.crossed_tier).toBe(true);
    const sentAt = await produce(event);

    const feed = page.locator("#feed li").first();
    await expect.poll(() => feed.innerText().catch(() => ""), { timeout: 15_000 }).toContain("Base Líquida");
    const feedText = (await feed.innerText()).replace(/[ \t\r\n]+/g, " ");
    expect(feedText).toContain(brl(26_970n));
    expect(feedText).toContain("Bruno Costa");
    expect(feedText).toContain("subiu para 1,25×");
    const shownAt = Number(await page.evaluate("window.__firstLineAt"));
    console.log(
      `[dashboard] sale produced → feed line on the page: ${shownAt - sentAt} ms ` +
        "(Kafka, API consumer, socket, the page's 150 ms render batch)",
    );
    const bruno = month(PEOPLE.bruno.id);
    const top = (await rows.nth(0).innerText()).replace(/[ \t\r\n]+/g, " ");
    expect(top).toContain("Bruno Costa");
    expect(top).toContain(brl(bruno.revenue));
    expect(top).toContain("1,25×");
    expect(top).toContain(`faltam ${brl(120_000n - bruno.revenue)} para 1,50×`);
    expect(await rows.nth(1).innerText()).toContain("Ana Lima");
    expect(await page.evaluate(() => (globalThis as unknown as { __noReload?: number }).__noReload)).toBe(42);
    // The cross-sell pair of the message, and the store figures refreshed from REST.
    expect(await page.locator("#pairs-body").innerText()).toContain("Batom Matte + Base Líquida");
    const storeAfter = storeBefore + 26_970n;
    await expect
      .poll(() => page.locator("#store-body").innerText(), { timeout: 15_000 })
      .toContain(brl(storeAfter));

    await page.screenshot({ path: resolve(REPO_ROOT, "test-results/dashboard.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a seller on a phone sees their own bar and tier, and it stays live across an API restart", async () => {
    const seller = PEOPLE.bruno.id;
    const token = await signToken(
      config.api.jwtSecret,
      { sub: "test:seller", role: "seller", sellerId: seller },
      "1h",
    );
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await login(page, token);

    const card = page.locator("#me-body");
    const target = TARGET_CENTS[seller] as bigint;
    let m = month(seller);
    await expect.poll(() => card.innerText().catch(() => ""), { timeout: 20_000 }).toContain(brl(m.revenue));
    expect(await card.innerText()).toContain(`Faltam ${brl((target * 120n) / 100n - m.revenue)} para 1,50×`);
    expect(await page.locator("#team-card").isVisible()).toBe(false); // a team is not a seller's to see
    await expect
      .poll(() => page.locator("#live-status").innerText(), { timeout: 20_000 })
      .toContain("ao vivo");

    // A sale past 120 %: top tier, the bar's figures from the message.
    const event = liveSale(seller, { prod: "1001", q: 3, cents: 4990, high: true }, [["1003", 2]]);
    await produce(event);
    m = month(seller);
    await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain(brl(m.revenue));
    const text = (await card.innerText()).replace(/[ \t\r\n]+/g, " ");
    expect(tier(m.revenue, target)).toBe(150n);
    expect(text).toContain("1,50×");
    expect(text).toContain("Faixa máxima");
    expect(text).toContain(brl(commission(m.micro, 150n)));
    expect(await page.locator("#me-body [role=progressbar]").getAttribute("aria-valuetext")).toContain(
      "1,50×",
    );
    await page.screenshot({ path: resolve(REPO_ROOT, "test-results/dashboard-phone.png"), fullPage: true });

    // The socket drops: the page says so, then reconnects, re-authenticates and re-subscribes.
    await stopApi();
    await expect
      .poll(() => page.locator("#live-status").innerText(), { timeout: 15_000 })
      .toContain("reconectando");
    await startApi();
    await expect
      .poll(() => page.locator("#live-status").innerText(), { timeout: 45_000 })
      .toContain("ao vivo");
    await produce(liveSale(seller, { prod: "1002", q: 2, cents: 2990, high: false }, []));
    await expect.poll(() => page.locator("#feed").innerText(), { timeout: 15_000 }).toContain("Gloss Labial");

    // Logging out forgets what was shown; the next person logs in on a clean page.
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.getByRole("button", { name: "Sair" }).click();
    expect(await page.locator("#login-view").isVisible()).toBe(true);
    expect(await page.locator("#feed li").count()).toBe(0);
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }
        ).sessionStorage.getItem("vitrine.token"),
      ),
    ).toBeNull();
    const manager = await signToken(
      config.api.jwtSecret,
      { sub: "test:manager", role: "manager", storeId: STORE },
      "1h",
    );
    await page.locator("#token").fill(manager);
    await page.getByRole("button", { name: "Entrar" }).click();
    await expect.poll(() => page.locator("#team-body li").count(), { timeout: 20_000 }).toBe(4);
    expect(await page.locator("#me-card").isVisible()).toBe(false);
    expect(errors, errors.join("\n")).toEqual([]);
    await context.close();
  });

  it("an admin picks a store, follows the whole network live, and a month without sales says so", async () => {
    const token = await signToken(config.api.jwtSecret, { sub: "test:admin", role: "admin" }, "1h");
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 }, ...BR });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await login(page, token);
    const picker = page.locator("#store-picker");
    await expect
      .poll(() => picker.locator("option").allInnerTexts(), { timeout: 20_000 })
      .toEqual(["Loja 101", "Loja 102"]);
    await picker.selectOption("102");
    const rows = page.locator("#team-body li");
    await expect
      .poll(
        () =>
          rows
            .first()
            .innerText()
            .catch(() => ""),
        { timeout: 10_000 },
      )
      .toContain("Davi Reis");
    await expect
      .poll(() => page.locator("#live-status").innerText(), { timeout: 20_000 })
      .toContain("ao vivo");

    // The network feed carries every store's sales; store 102's team is not touched by store 101's.
    await produce(liveSale(PEOPLE.carla.id, { prod: "1004", q: 1, cents: 19900, high: false }, []));
    await expect
      .poll(() => page.locator("#feed").innerText(), { timeout: 15_000 })
      .toContain("Perfume Floral");
    expect(await rows.count()).toBe(1);

    // A burst of 120 sales at once: the feed keeps the 40 newest, newest first, and the shown
    // store's leaderboard ends on the last message's month figures.
    const burst = Array.from({ length: 120 }, (_, i) =>
      liveSale(PEOPLE.davi.id, { prod: "1002", q: i + 1, cents: 100, high: false }, []),
    );
    await produce(...burst);
    const feedItems = page.locator("#feed li");
    await expect
      .poll(
        () =>
          feedItems
            .first()
            .innerText()
            .catch(() => ""),
        { timeout: 15_000 },
      )
      .toContain("120× Gloss Labial");
    expect(await feedItems.count()).toBe(40);
    expect(await feedItems.nth(39).innerText()).toContain("81× Gloss Labial");
    const davi = month(PEOPLE.davi.id);
    await expect.poll(() => rows.first().innerText(), { timeout: 10_000 }).toContain(brl(davi.revenue));

    // A month before any sale: a clear "no data yet" state, no error.
    const before = now.minus({ months: 3 }).toFormat("yyyy-MM");
    await page.locator("#month").fill(before);
    await expect.poll(() => page.locator("#banner").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator("#banner").innerText()).toContain("Ainda não há vendas neste mês");
    expect(await page.locator("#dash-title").innerText()).toContain(
      now.minus({ months: 3 }).setLocale("pt-BR").toFormat("LLLL"),
    );
    expect(await page.locator(".problem").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
