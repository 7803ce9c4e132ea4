/**
 * The socket's protection of the many from the few, with real sockets on loopback (the API built
 * in this process over its own ClickHouse database, events handed to its hub directly):
 * - a client that stops reading does not slow a reading one: the reader gets every sale, the
 *   stalled one gets a `{ type: "dropped", count }` notice and the newest sales when it reads again;
 * - a socket that stops answering pings is closed by the heartbeat;
 * - a socket is closed (4401) when its token expires.
 */
import { resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { AuditLog } from "../../api/audit/audit-log.ts";
import { signToken } from "../../api/auth/tokens.ts";
import { LiveHub, hubMetrics } from "../../api/live/live-hub.ts";
import type { SaleFeedbackEvent } from "../../api/live/sale-message.ts";
import { buildServer } from "../../api/server.ts";
import { createClickHouse, type ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { createFigures } from "../../sql/figures/index.ts";
import { isolatedEnv } from "../helpers/isolated-stack.ts";

const config = loadConfig(isolatedEnv("wsslow", { clickhouse: true }));
const log = createLogger({ name: "test", level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let ch: ClickHouseClient;
let audit: AuditLog;
let token: string;
/** Two servers: a normal heartbeat (the slow-reader test) and a fast one (the dead-socket test). */
const servers: { app: FastifyInstance; hub: LiveHub; url: string }[] = [];

const event = (n: number): SaleFeedbackEvent => ({
  line_id: `7|T${n}|501`,
  basket_id: `7|T${n}`,
  seller_id: "2001",
  store_id: "7",
  product_id: "501",
  product_name: "Batom Matte Açaí — edição limitada",
  quantidade: 1,
  revenue: "59.90",
  sale_time: "2024-05-10T17:00:00.000Z",
  month: "2024-05",
  high_margin: true,
  line_commission: "3.00",
  earned: "3.74",
  month_revenue: "4321.00",
  month_target: "5000.00",
  attainment: "0.8642",
  multiplier: "1.00",
  month_commission: "150.12",
  next_tier_attainment: "1.00",
  next_tier_multiplier: "1.25",
  revenue_to_next_tier: "679.00",
  lines: n,
  baskets: n,
  crossed_tier: false,
  complements: [
    { product_id: "502", product_name: "Gloss Labial Brilho Intenso", times_bought_together: 42 },
    { product_id: "503", product_name: "Delineador Preto à Prova d'Água", times_bought_together: 17 },
    { product_id: "504", product_name: "Base Líquida Cobertura Alta", times_bought_together: 9 },
  ],
  processed_at: Date.now(),
});

/** Authenticated and subscribed to seller 2001; records messages. */
async function client(
  url: string,
  t = token,
): Promise<{ ws: WebSocket; messages: Record<string, unknown>[]; closed: Promise<number> }> {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${t}` } });
  const messages: Record<string, unknown>[] = [];
  const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
  await new Promise<void>((ok, fail) => {
    ws.on("message", (d) => {
      const m = JSON.parse(String(d)) as Record<string, unknown>;
      messages.push(m);
      if (m.type === "ready") ws.send(JSON.stringify({ type: "subscribe", scope: "seller", id: "2001" }));
      if (m.type === "subscribed") ok();
      if (m.type === "error") fail(new Error(String(d)));
    });
    ws.once("error", fail);
  });
  return { ws, messages, closed };
}

/** The client's raw TCP socket (ws keeps it private). */
const tcp = (ws: WebSocket) => (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;

beforeAll(async () => {
  await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations") });
  ch = createClickHouse(config.clickhouse);
  audit = new AuditLog(ch, { log, flushMs: 200 });
  for (const heartbeatMs of [60_000, 300]) {
    const hub = new LiveHub(hubMetrics(new Registry()), 1_000_000);
    const app = await buildServer({
      adminToken: config.api.adminToken,
      checks: {},
      metrics: new Registry(),
      api: {
        jwtSecret: config.api.jwtSecret,
        figures: createFigures({ ch, plan: DEFAULT_PLAN }),
        audit,
        tz: config.tzBusiness,
        ingestStatus: async () => {
          throw new Error("not used here");
        },
        live: { hub, heartbeatMs, limits: { maxBufferedBytes: 64 * 1024, maxQueue: 50 } },
      },
    });
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    servers.push({ app, hub, url: `${address.replace("http", "ws")}/ws` });
  }
  token = await signToken(
    config.api.jwtSecret,
    { sub: "seller:2001", role: "seller", sellerId: "2001" },
    "1h",
  );
}, 60_000);

afterAll(async () => {
  for (const s of servers) await s.app.close();
  await audit?.close().catch(() => {});
  await ch?.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` }).catch(() => {});
  await ch?.close();
});

describe("slow and dead WebSocket clients", () => {
  it("a stalled reader loses the oldest sales with a notice; a reading one gets them all", async () => {
    const { hub, url } = servers[0]!;
    const reader = await client(url);
    const stalled = await client(url);
    tcp(stalled.ws).pause(); // stops reading: its kernel buffers fill, then the server's send buffer
    const total = 30_000;
    for (let n = 1; n <= total; n++) {
      hub.publish(event(n));
      if (n % 200 === 0) await sleep(2); // let the reader read
    }
    for (let i = 0; i < 300 && reader.messages.filter((m) => m.type === "sale").length < total; i++)
      await sleep(50);
    const readerSales = reader.messages.filter((m) => m.type === "sale");
    expect(readerSales).toHaveLength(total);
    expect(reader.messages.some((m) => m.type === "dropped")).toBe(false);

    tcp(stalled.ws).resume();
    for (let i = 0; i < 200; i++) {
      const last = stalled.messages.at(-1);
      if (last?.type === "sale" && last.lineId === `7|T${total}|501`) break;
      await sleep(50);
    }
    const dropped = stalled.messages.filter((m) => m.type === "dropped");
    const got = stalled.messages.filter((m) => m.type === "sale");
    expect(dropped.length).toBeGreaterThan(0);
    const droppedCount = dropped.reduce((s, m) => s + Number(m.count), 0);
    // Every sale is either received or counted as dropped, and the newest one arrived.
    expect(got.length + droppedCount).toBe(total);
    expect(got.at(-1)?.lineId).toBe(`7|T${total}|501`);
    reader.ws.close();
    stalled.ws.close();
  }, 60_000);

  it("closes a socket that stops answering pings", async () => {
    const { hub, url } = servers[1]!;
    const before = hub.size;
    const dead = await client(url);
    expect(hub.size).toBe(before + 1);
    tcp(dead.ws).pause(); // no more pongs
    for (let i = 0; i < 50 && hub.size > before; i++) await sleep(100);
    expect(hub.size).toBe(before);
    dead.ws.terminate();
  });

  it("closes the socket when its token expires", async () => {
    const short = await signToken(
      config.api.jwtSecret,
      { sub: "seller:2001", role: "seller", sellerId: "2001" },
      "2s",
    );
    const c = await client(servers[0]!.url, short);
    expect(await c.closed).toBe(4401);
    expect(c.messages.at(-1)).toMatchObject({ type: "error", code: "VT_ERR_API_UNAUTHENTICATED" });
  });
});
