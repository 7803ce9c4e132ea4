/**
 * The live socket end to end on the real stack: the API process (`api/main.ts`, as `npm run api`
 * runs it, with its own ClickHouse database and Kafka namespace) consumes `sales.feedback`; this
 * test produces Avro feedback events through the real schema registry and checks, with real
 * WebSocket clients, that
 * - a client authenticates by first message or by header, and is refused (4401) with a bad token
 *   or none within 5 s;
 * - subscriptions are checked against the caller's rights (a seller cannot follow another seller,
 *   a manager follows only their store, only admins the network), refusals answer an error;
 * - an event reaches the subscribed clients (seller, store, network) as one `sale` message, the
 *   camelCase of the event with money as strings — and not an unsubscribed or refused client;
 * - each accepted subscription leaves an audit row, written even when the API is stopped right
 *   after (SIGTERM flushes the audit log);
 * - the metrics count connected clients and pushed messages.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import type { Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { signToken } from "../../api/auth/tokens.ts";
import type { SaleFeedbackEvent } from "../../api/live/sale-message.ts";
import {
  createClickHouse,
  queryRows,
  type ClickHouseClient,
} from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { sql } from "../../lib/clickhouse/sql.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { createKafka } from "../../streams/kafka/kafka-factory.ts";
import {
  AvroSerde,
  readSchemaFile,
  valueSubject,
  type SubjectSerde,
} from "../../streams/serde/avro-serde.ts";
import { deleteTopicsUnder, isolatedEnv } from "../helpers/isolated-stack.ts";
import { freePort } from "../setup/free-port.ts";

const env = isolatedEnv("wslive", { clickhouse: true });
const config = loadConfig(env);
const kafka = createKafka(config.kafka, createLogger({ name: "test", level: "error" }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let api: ChildProcess;
let output = "";
let base: string;
let ch: ClickHouseClient;
let producer: Producer;
let serde: SubjectSerde<SaleFeedbackEvent>;
const tokens: Record<string, string> = {};

function event(seller: string, store: string, n: number): SaleFeedbackEvent {
  return {
    line_id: `${store}|T${n}|501`,
    basket_id: `${store}|T${n}`,
    seller_id: seller,
    store_id: store,
    product_id: "501",
    product_name: "Batom Açaí",
    quantidade: 2,
    revenue: "119.80",
    sale_time: "2024-05-10T17:03:00.000Z",
    month: "2024-05",
    high_margin: true,
    line_commission: "5.99",
    earned: "7.49",
    month_revenue: "1234.56",
    month_target: "1000.00",
    attainment: "1.2346",
    multiplier: "1.50",
    month_commission: "55.55",
    next_tier_attainment: null,
    next_tier_multiplier: null,
    revenue_to_next_tier: null,
    lines: 12,
    baskets: 7,
    crossed_tier: false,
    complements: [{ product_id: "502", product_name: "Gloss", times_bought_together: 3 }],
    processed_at: Date.now(),
  };
}

const produce = async (e: SaleFeedbackEvent) =>
  producer.send({
    topic: kafka.topics.salesFeedback,
    messages: [{ key: e.seller_id, value: await serde.encode(e) }],
  });

/** A WebSocket client that records every message it gets. */
class Client {
  readonly messages: Record<string, unknown>[] = [];
  closeCode: number | undefined;
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(headers: Record<string, string> = {}) {
    this.ws = new WebSocket(`${base.replace("http", "ws")}/ws`, { headers });
    this.ws.on("message", (d) => this.messages.push(JSON.parse(String(d)) as Record<string, unknown>));
    this.opened = new Promise((r, j) => {
      this.ws.once("open", () => r());
      this.ws.once("error", j);
    });
    this.closed = new Promise((r) =>
      this.ws.once("close", (code) => {
        this.closeCode = code;
        r(code);
      }),
    );
  }

  send(m: object): void {
    this.ws.send(JSON.stringify(m));
  }

  /** Waits for the next message matching `pred` (among those not yet taken). */
  async next(
    pred: (m: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const t0 = Date.now();
    for (;;) {
      const i = this.messages.findIndex(pred);
      if (i >= 0) return this.messages.splice(i, 1)[0] as Record<string, unknown>;
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`no matching message; got ${JSON.stringify(this.messages)}`);
      await sleep(20);
    }
  }

  sales(): Record<string, unknown>[] {
    return this.messages.filter((m) => m.type === "sale");
  }
}

async function connect(token: string, via: "message" | "header" = "message"): Promise<Client> {
  const c = new Client(via === "header" ? { authorization: `Bearer ${token}` } : {});
  await c.opened;
  if (via === "message") c.send({ type: "auth", token });
  await c.next((m) => m.type === "ready");
  return c;
}

async function subscribe(c: Client, scope: string, id?: string): Promise<Record<string, unknown>> {
  c.send({ type: "subscribe", scope, ...(id ? { id } : {}) });
  return c.next((m) => m.type === "subscribed" || m.type === "error");
}

beforeAll(async () => {
  await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations") });
  ch = createClickHouse(config.clickhouse);
  const emp = (id: string, store: string, role: string, offset: number) => ({
    _topic: "raw.employees",
    _partition: 0,
    _offset: offset,
    id_employee: id,
    name: `Nome${id}`,
    surname: "S",
    cpf_pseudonym: `p${id}`,
    status: "ativo",
    role,
    initial_date: "2020-01-01",
    end_date: null,
    store_id: store,
    source_file: "incoming/employee_final.csv",
    source_line: offset + 2,
  });
  await ch.insert({
    table: "ref_employees",
    values: [
      emp("2001", "7", "vendedor", 0),
      emp("2002", "7", "vendedor", 1),
      emp("2003", "8", "vendedor", 2),
    ],
    format: "JSONEachRow",
  });

  const registry = new AvroSerde(config.schemaRegistry.url, config.schemaRegistry.auth);
  serde = await registry.forSubject<SaleFeedbackEvent>(
    valueSubject(kafka.topics.salesFeedback),
    await readSchemaFile(resolve(REPO_ROOT, "schemas/sales-feedback.avsc")),
  );
  producer = kafka.producer();
  await producer.connect();

  const s = config.api.jwtSecret;
  tokens.seller2001 = await signToken(s, { sub: "seller:2001", role: "seller", sellerId: "2001" }, "1h");
  tokens.seller2002 = await signToken(s, { sub: "seller:2002", role: "seller", sellerId: "2002" }, "1h");
  tokens.manager7 = await signToken(s, { sub: "manager:7", role: "manager", storeId: "7" }, "1h");
  tokens.manager8 = await signToken(s, { sub: "manager:8", role: "manager", storeId: "8" }, "1h");
  tokens.admin = await signToken(s, { sub: "admin:ana", role: "admin" }, "1h");

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, "api/main.ts")], {
    cwd: REPO_ROOT,
    env: { ...env, API_PORT: String(port), LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  api.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  api.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  // The API listens only once its feedback consumer has joined and resolved its offsets.
  for (let i = 0; i < 240; i++) {
    if (api.exitCode !== null) throw new Error(`API exited: ${output}`);
    try {
      await fetch(`${base}/health/live`);
      return;
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`API did not listen: ${output}`);
}, 120_000);

afterAll(async () => {
  if (api && api.exitCode === null) {
    api.kill("SIGTERM");
    await new Promise((r) => api.once("exit", r));
  }
  await producer?.disconnect();
  await ch?.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` }).catch(() => {});
  await ch?.close();
  await deleteTopicsUnder(kafka);
});

describe("WebSocket /ws against the real API process", () => {
  it("refuses a bad token and a silent client with 4401", async () => {
    const bad = new Client();
    await bad.opened;
    bad.send({ type: "auth", token: "nope" });
    expect(await bad.closed).toBe(4401);
    expect(bad.messages[0]).toMatchObject({ type: "error", code: "VT_ERR_API_UNAUTHENTICATED" });

    const badHeader = new Client({ authorization: "Bearer nope" });
    expect(await badHeader.closed).toBe(4401);

    const silent = new Client();
    await silent.opened;
    const t0 = Date.now();
    expect(await silent.closed).toBe(4401);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4500);
    expect(silent.messages[0]).toMatchObject({ type: "error", code: "VT_ERR_API_UNAUTHENTICATED" });
  }, 20_000);

  it("checks subscriptions against the caller's rights", async () => {
    const seller = await connect(tokens.seller2002 as string, "header");
    expect(await subscribe(seller, "seller", "2001")).toMatchObject({
      type: "error",
      code: "VT_ERR_API_FORBIDDEN",
    });
    expect(await subscribe(seller, "store", "7")).toMatchObject({
      type: "error",
      code: "VT_ERR_API_FORBIDDEN",
    });
    expect(await subscribe(seller, "network")).toMatchObject({ type: "error", code: "VT_ERR_API_FORBIDDEN" });
    expect(await subscribe(seller, "seller", "2002")).toMatchObject({
      type: "subscribed",
      scope: "seller",
      id: "2002",
    });

    const manager = await connect(tokens.manager8 as string);
    expect(await subscribe(manager, "store", "7")).toMatchObject({
      type: "error",
      code: "VT_ERR_API_FORBIDDEN",
    });
    expect(await subscribe(manager, "seller", "2001")).toMatchObject({
      type: "error",
      code: "VT_ERR_API_FORBIDDEN",
    });
    expect(await subscribe(manager, "seller", "2003")).toMatchObject({ type: "subscribed" });

    seller.send({ type: "subscribe", scope: "galaxy" });
    expect(await seller.next((m) => m.type === "error")).toMatchObject({ code: "VT_ERR_API_BAD_REQUEST" });
    seller.ws.close();
    manager.ws.close();
  });

  it("pushes a produced sale to the subscribed clients only, as camelCase with money strings", async () => {
    const mine = await connect(tokens.seller2001 as string); // by first message
    const other = await connect(tokens.seller2002 as string, "header");
    const idle = await connect(tokens.seller2001 as string); // authenticated, never subscribes
    const store = await connect(tokens.manager7 as string);
    const otherStore = await connect(tokens.manager8 as string);
    const network = await connect(tokens.admin as string);
    expect(await subscribe(mine, "seller", "2001")).toMatchObject({ type: "subscribed" });
    expect(await subscribe(other, "seller", "2002")).toMatchObject({ type: "subscribed" });
    expect(await subscribe(other, "seller", "2001")).toMatchObject({ type: "error" }); // refused: gets nothing
    expect(await subscribe(store, "store", "7")).toMatchObject({ type: "subscribed" });
    expect(await subscribe(store, "seller", "2001")).toMatchObject({ type: "subscribed" }); // also: still once
    expect(await subscribe(otherStore, "store", "8")).toMatchObject({ type: "subscribed" });
    expect(await subscribe(network, "network")).toMatchObject({ type: "subscribed", id: null });

    const e = event("2001", "7", 1);
    await produce(e);
    const got = await mine.next((m) => m.type === "sale");
    expect(got).toEqual({
      type: "sale",
      lineId: e.line_id,
      basketId: e.basket_id,
      sellerId: "2001",
      storeId: "7",
      productId: "501",
      productName: "Batom Açaí",
      quantidade: 2,
      revenue: "119.80",
      saleTime: e.sale_time,
      month: "2024-05",
      highMargin: true,
      lineCommission: "5.99",
      earned: "7.49",
      monthRevenue: "1234.56",
      monthTarget: "1000.00",
      attainment: "1.2346",
      multiplier: "1.50",
      monthCommission: "55.55",
      nextTierAttainment: null,
      nextTierMultiplier: null,
      revenueToNextTier: null,
      lines: 12,
      baskets: 7,
      crossedTier: false,
      complements: [{ productId: "502", productName: "Gloss", timesBoughtTogether: 3 }],
      processedAt: e.processed_at,
    });
    await store.next((m) => m.type === "sale" && m.lineId === e.line_id);
    await network.next((m) => m.type === "sale" && m.lineId === e.line_id);
    await sleep(500);
    expect(store.sales()).toEqual([]); // store + seller subscription: one message, not two
    expect(other.sales()).toEqual([]);
    expect(idle.sales()).toEqual([]);
    expect(otherStore.sales()).toEqual([]);

    // Unsubscribed: no more pushes; the store still gets the next sale.
    mine.send({ type: "unsubscribe", scope: "seller", id: "2001" });
    await mine.next((m) => m.type === "unsubscribed");
    const e2 = event("2001", "7", 2);
    await produce(e2);
    await store.next((m) => m.type === "sale" && m.lineId === e2.line_id);
    await sleep(500);
    expect(mine.sales()).toEqual([]);

    const metrics = await (
      await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${config.api.adminToken}` } })
    ).text();
    expect(metrics).toMatch(/^vitrine_ws_clients 6$/m);
    expect(Number(/^vitrine_ws_messages_pushed_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(5);
    for (const c of [mine, other, idle, store, otherStore, network]) c.ws.close();
  });

  it("audits subscriptions, and a stopped API still writes them", async () => {
    const c = await connect(tokens.manager7 as string);
    expect(await subscribe(c, "seller", "2002")).toMatchObject({ type: "subscribed" });
    // Stop right away: the audit log is flushed on SIGTERM, well before its 1 s batch timer.
    api.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => api.once("exit", r));
    expect(code, output).toBe(0);
    const rows = await queryRows<{
      actor: string;
      actor_role: string;
      action: string;
      subject_kind: string;
      subject_id: string;
    }>(
      ch,
      sql`SELECT actor, actor_role, action, subject_kind, subject_id FROM audit_log WHERE action = 'ws.subscribe' ORDER BY at, actor, subject_id`,
    );
    expect(rows).toContainEqual({
      actor: "manager:7",
      actor_role: "manager",
      action: "ws.subscribe",
      subject_kind: "seller",
      subject_id: "2002",
    });
    expect(rows).toContainEqual({
      actor: "seller:2001",
      actor_role: "seller",
      action: "ws.subscribe",
      subject_kind: "seller",
      subject_id: "2001",
    });
    expect(rows).toContainEqual({
      actor: "admin:ana",
      actor_role: "admin",
      action: "ws.subscribe",
      subject_kind: "network",
      subject_id: "*",
    });
    // A refused subscription is recorded as refused, never as a read.
    expect(rows.filter((r) => r.actor === "seller:2002" && r.subject_id === "2001")).toEqual([]);
    const denied = await queryRows<{ actor: string; subject_kind: string; subject_id: string }>(
      ch,
      sql`SELECT actor, subject_kind, subject_id FROM audit_log WHERE action = 'ws.subscribe.denied'`,
    );
    expect(denied).toContainEqual({ actor: "seller:2002", subject_kind: "seller", subject_id: "2001" });
    expect(denied).toContainEqual({ actor: "manager:8", subject_kind: "store", subject_id: "7" });
  });
});
