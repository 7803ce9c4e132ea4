/**
 * The REST contract (DESIGN §8) on the real stack: the API built with the real figures module
 * over its own ClickHouse database (silver sale lines and reference rows written here; gold by
 * the materialized views), the real audit log, the real connector's ingest status (a small file
 * replayed into this file's own Kafka namespace) and the bot's real link codes.
 *
 * For every route: no token / a bad / an expired token → 401; the wrong role or scope → 403; bad
 * parameters → 400 with a pt-BR message naming the parameter; and the right data, equal to an
 * independent computation in this file from the rows it wrote (plain bigint arithmetic, not the
 * figures module's code). Reads of a person's data leave audit rows (granted and refused).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import jwt from "@fastify/jwt";
import Fastify, { type FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../api/audit/audit-log.ts";
import { signToken } from "../../api/auth/tokens.ts";
import { buildServer } from "../../api/server.ts";
import { issueLinkCode } from "../../bot/link-codes.ts";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { ingestStatus } from "../../connectors/s3-source/ingest-status.ts";
import { S3SourceConnector } from "../../connectors/s3-source/source.ts";
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
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { createFigures } from "../../sql/figures/index.ts";
import { deleteTopicsUnder, isolatedEnv } from "../helpers/isolated-stack.ts";
import { uniqueName } from "../setup/test-config.ts";

const env = isolatedEnv("apiroutes", { clickhouse: true });
const config = loadConfig(env);
const log = createLogger({ name: "test", level: "silent" });
const MONTH = "2024-05";

// === Rows written by this test

let offset = 0;
const at = (topic: string) => ({ _topic: topic, _partition: 0, _offset: offset++ });
const prov = { source_file: "incoming/ref.csv", source_line: 2 };

const stores = [
  { nome_loja: "7", regiao: "Sul", diretoria: "D1", data_inauguracao: "2019-01-01" },
  { nome_loja: "8", regiao: "Sul", diretoria: "D1", data_inauguracao: "2019-01-01" },
];
const employee = (id: string, store: string, role = "vendedor") => ({
  id_employee: id,
  name: `Nome${id}`,
  surname: `Sobrenome${id}`,
  cpf_pseudonym: `p${id}`,
  status: "ativo",
  role,
  initial_date: "2020-01-01",
  end_date: null,
  store_id: store,
});
const employees = [
  employee("2001", "7"),
  employee("2002", "7"),
  employee("2003", "8"),
  employee("2900", "7", "gerente"),
];
const sellerTargets: Record<string, bigint> = { "2001": 100_000n, "2003": 10_000n }; // R$ 1000.00, R$ 100.00
const storeTargets: Record<string, bigint> = { "7": 459_996n }; // R$ 4599.96

interface Line {
  seller: string;
  store: string;
  basket: string;
  prod: string;
  qty: number;
  cents: bigint;
  high: boolean;
  hour: number;
  partners: string[];
  rejection?: string;
}
const lines: Line[] = [
  {
    seller: "2001",
    store: "7",
    basket: "B1",
    prod: "501",
    qty: 2,
    cents: 15_000n,
    high: true,
    hour: 14,
    partners: [],
  },
  {
    seller: "2001",
    store: "7",
    basket: "B1",
    prod: "502",
    qty: 1,
    cents: 50_000n,
    high: false,
    hour: 14,
    partners: ["501"],
  },
  {
    seller: "2001",
    store: "7",
    basket: "B2",
    prod: "501",
    qty: 1,
    cents: 25_000n,
    high: true,
    hour: 14,
    partners: [],
  },
  // A repeated line identity: a dead letter, never in the figures.
  {
    seller: "2001",
    store: "7",
    basket: "B1",
    prod: "501",
    qty: 2,
    cents: 15_000n,
    high: true,
    hour: 14,
    partners: [],
    rejection: "duplicate",
  },
  {
    seller: "2002",
    store: "7",
    basket: "B3",
    prod: "502",
    qty: 3,
    cents: 3_333n,
    high: false,
    hour: 15,
    partners: [],
  },
  {
    seller: "2003",
    store: "8",
    basket: "B4",
    prod: "503",
    qty: 1,
    cents: 12_000n,
    high: false,
    hour: 14,
    partners: [],
  },
  {
    seller: "2003",
    store: "8",
    basket: "B4",
    prod: "501",
    qty: 1,
    cents: 1_000n,
    high: false,
    hour: 14,
    partners: ["503"],
  },
];
const RATE = { base: 30_000n, high: 50_000n }; // millionths: 3 %, 3 % + 2 %

const silverRow = (l: Line, i: number) => {
  const revenue = BigInt(l.qty) * l.cents;
  const rate = l.high ? RATE.high : RATE.base;
  return {
    _topic: "sales.normalized",
    _partition: 0,
    _offset: i,
    line_id: `${l.store}|${l.basket}|${l.prod}`,
    basket_id: `${l.store}|${l.basket}`,
    seller_id: l.seller,
    seller_role: "vendedor",
    store_id: l.store,
    transaction_id: l.basket,
    product_id: l.prod,
    quantidade: l.qty,
    preco_cents: Number(l.cents),
    revenue_cents: Number(revenue),
    high_margin: l.high ? 1 : 0,
    commission_rate_micro: Number(rate),
    commission_micro: Number(revenue * rate),
    plan_version: 1,
    sale_time: `2024-05-10 ${String(l.hour + 3).padStart(2, "0")}:00:00`, // UTC of 14h/15h in São Paulo
    local_date: "2024-05-10", // a Friday
    month: MONTH,
    weekday: 5,
    hour: l.hour,
    source_file: "incoming/2024.csv",
    source_line: i + 2,
    rejection: l.rejection ?? "",
    pair_partners: l.partners,
  };
};

const pricePeriods = [
  { cod_prod: "501", data_inicio: "2024-01-01", data_fim: null, preco_cents: 15_000 },
  { cod_prod: "502", data_inicio: "2024-01-01", data_fim: "2024-04-30", preco_cents: 50_000 },
  { cod_prod: "502", data_inicio: "2024-05-01", data_fim: null, preco_cents: 44_000 }, // 12 % off: a promotion
  { cod_prod: "503", data_inicio: "2024-01-01", data_fim: null, preco_cents: 12_000 },
];
const costPeriods = [
  { cod_prod: "501", data_inicio: "2024-01-01", data_fim: null, custo_cents: 5_000 },
  { cod_prod: "502", data_inicio: "2024-01-01", data_fim: null, custo_cents: 40_000 },
  { cod_prod: "503", data_inicio: "2024-01-01", data_fim: null, custo_cents: 6_000 },
];
const stock = [
  { data: "2024-05-31", cod_loja: "7", cod_prod: "501", quantidade: 2 },
  { data: "2024-05-31", cod_loja: "7", cod_prod: "502", quantidade: 100 },
];

// === The independent computation

const money = (cents: bigint): string => {
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  return `${neg ? "-" : ""}${a / 100n}.${String(a % 100n).padStart(2, "0")}`;
};
/** n/d to 4 places, half away from zero (n, d ≥ 0). */
const ratio4 = (n: bigint, d: bigint): string => {
  const q = (n * 20_000n + d) / (2n * d);
  return `${q / 10_000n}.${String(q % 10_000n).padStart(4, "0")}`;
};
const accepted = lines.filter((l) => !l.rejection);

function expectedSeller(id: string) {
  const mine = accepted.filter((l) => l.seller === id);
  const revenue = mine.reduce((s, l) => s + BigInt(l.qty) * l.cents, 0n);
  const micro = mine.reduce((s, l) => s + BigInt(l.qty) * l.cents * (l.high ? RATE.high : RATE.base), 0n);
  const target = sellerTargets[id];
  const att = target ? (revenue * 10_000n) / target : undefined; // basis points, for the tier
  const mult = att === undefined || att < 10_000n ? 100n : att < 12_000n ? 125n : 150n;
  const commissionMicro = micro * mult; // × 100
  const cents = (commissionMicro + 50_000_000n) / 100_000_000n; // positive: half up = half away
  return {
    sellerId: id,
    storeId: employees.find((e) => e.id_employee === id)?.store_id,
    month: MONTH,
    revenue: money(revenue),
    target: target === undefined ? null : money(target),
    attainment: target === undefined ? null : ratio4(revenue, target),
    multiplier: `${mult / 100n}.${String(mult % 100n).padStart(2, "0")}00`, // ratios: four places
    commission: money(cents),
    lines: mine.length,
    baskets: new Set(mine.map((l) => l.basket)).size,
  };
}

function expectedStore(id: string) {
  const mine = accepted.filter((l) => l.store === id);
  const revenue = mine.reduce((s, l) => s + BigInt(l.qty) * l.cents, 0n);
  const baskets = BigInt(new Set(mine.map((l) => l.basket)).size);
  const target = storeTargets[id];
  return {
    storeId: id,
    month: MONTH,
    revenue: money(revenue),
    target: target === undefined ? null : money(target),
    attainment: target === undefined ? null : ratio4(revenue, target),
    baskets: Number(baskets),
    avgTicket: money((revenue * 2n + baskets) / (2n * baskets)),
  };
}

// === Harness

let ch: ClickHouseClient;
let app: FastifyInstance;
let audit: AuditLog;
const tokens: Record<string, string> = {};
let expired: string;
let foreign: string;
const ingestFile = `test/${uniqueName("apiroutes")}/incoming/2024.csv`;
const deps = connectorDeps(config, log);

const get = (url: string, token?: string) =>
  app.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = (url: string, body: unknown, token?: string) =>
  app.inject({
    method: "POST",
    url,
    payload: body as object,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

beforeAll(async () => {
  await migrate({ config: config.clickhouse, dir: `${REPO_ROOT}/sql/migrations` });
  ch = createClickHouse(config.clickhouse);
  const insert = (table: string, values: object[]) => ch.insert({ table, values, format: "JSONEachRow" });
  await insert(
    "ref_stores",
    stores.map((s) => ({ ...at("raw.stores"), ...s, ...prov })),
  );
  await insert(
    "ref_employees",
    employees.map((e) => ({ ...at("raw.employees"), ...e, ...prov })),
  );
  await insert(
    "ref_targets_salesperson",
    Object.entries(sellerTargets).map(([id, c]) => ({
      ...at("raw.targets_salesperson"),
      id_employee: id,
      month: MONTH,
      sales_target_cents: Number(c),
      ...prov,
    })),
  );
  await insert(
    "ref_targets_store",
    Object.entries(storeTargets).map(([id, c]) => ({
      ...at("raw.targets_store"),
      month: MONTH,
      store_id: id,
      sales_target_cents: Number(c),
      ...prov,
    })),
  );
  await insert(
    "ref_sku_dataset",
    ["501", "502", "503"].map((p) => ({
      ...at("raw.sku_dataset"),
      cod_prod: p,
      nome_abrev: `Produto ${p}`,
      nome_completo: `Produto ${p} completo`,
      descricao: "",
      categoria: "Maquiagem",
      sub_categoria: "Batom",
      marca: "Aurora",
      conteudo_valor: "3.5",
      conteudo_medida: "g",
      ...prov,
    })),
  );
  await insert(
    "ref_sku_status",
    ["501", "502", "503"].map((p) => ({
      ...at("raw.sku_status"),
      cod_prod: p,
      data_inicio: "2024-01-01",
      data_fim: null,
      ...prov,
    })),
  );
  await insert(
    "ref_sku_price",
    pricePeriods.map((r) => ({ ...at("raw.sku_price"), ...r, ...prov })),
  );
  await insert(
    "ref_sku_cost",
    costPeriods.map((r) => ({ ...at("raw.sku_cost"), ...r, ...prov })),
  );
  await insert(
    "ref_daily_stock",
    stock.map((r) => ({ ...at("raw.daily_stock"), ...r, ...prov })),
  );
  await insert("sales_lines", lines.map(silverRow));

  // A partner file through the real connector, for the ingest status: 3 accepted, 2 dead letters.
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: config.s3.bucket,
      Key: ingestFile,
      Body: [
        "data,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco",
        "2024-05-10 14:00:00,2001,7,900,1,501,150.00",
        "2024-05-10 14:00:00,2001,7,900,1,502,500.00",
        "2024-05-10,2001,7,901,0,501,150.00",
        "2024-05-10,2001,7,902,1,501,abc",
        "2024-05-11 10:00:00,2002,7,903,2,502,33.33",
        "",
      ].join("\n"),
    }),
  );
  const source = await S3SourceConnector.create(deps, uniqueName("apiroutes-tx"));
  try {
    await source.replay({ prefix: ingestFile });
  } finally {
    await source.close();
  }

  audit = new AuditLog(ch, { log, flushMs: 100 });
  app = await buildServer({
    adminToken: config.api.adminToken,
    checks: {},
    metrics: new Registry(),
    rateLimitPerMinute: 100_000,
    api: {
      jwtSecret: config.api.jwtSecret,
      figures: createFigures({ ch, plan: DEFAULT_PLAN }),
      audit,
      tz: config.tzBusiness,
      ingestStatus: () => ingestStatus(deps.kafka),
      issueLinkCode: (q) => issueLinkCode(ch, q),
    },
  });
  await app.ready();

  const s = config.api.jwtSecret;
  tokens.seller2001 = await signToken(s, { sub: "seller:2001", role: "seller", sellerId: "2001" }, "1h");
  tokens.seller2002 = await signToken(s, { sub: "seller:2002", role: "seller", sellerId: "2002" }, "1h");
  tokens.seller2003 = await signToken(s, { sub: "seller:2003", role: "seller", sellerId: "2003" }, "1h");
  tokens.manager7 = await signToken(s, { sub: "manager:7", role: "manager", storeId: "7" }, "1h");
  tokens.manager8 = await signToken(s, { sub: "manager:8", role: "manager", storeId: "8" }, "1h");
  tokens.admin = await signToken(s, { sub: "admin:ana", role: "admin" }, "1h");
  tokens.ops = config.api.adminToken;
  // An expired token (exp in the past, right secret) and a token signed with another secret.
  const signer = Fastify();
  await signer.register(jwt, { secret: s });
  await signer.ready();
  expired = signer.jwt.sign({
    sub: "seller:2001",
    role: "seller",
    sellerId: "2001",
    iat: 1_700_000_000,
    exp: 1_700_003_600,
  });
  await signer.close();
  foreign = await signToken(
    "another-secret-0123456789abcdef-0123456789",
    { sub: "admin", role: "admin" },
    "1h",
  );
}, 120_000);

afterAll(async () => {
  await app?.close();
  await audit?.close().catch(() => {});
  await ch?.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` }).catch(() => {});
  await ch?.close();
  await deleteTopicsUnder(deps.kafka);
  deps.s3.destroy();
});

// === Every route: auth, scope, parameters

interface RouteCase {
  readonly name: string;
  readonly method?: "GET" | "POST";
  readonly url: string;
  readonly body?: unknown;
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
  /** [url or body, the parameter the message must name] */
  readonly bad: readonly (readonly [string | object, string])[];
}

const M = `month=${MONTH}`;
const ROUTES: readonly RouteCase[] = [
  {
    name: "seller summary",
    url: `/api/sellers/2001/summary?${M}`,
    allowed: ["seller2001", "manager7", "admin", "ops"],
    denied: ["seller2002", "manager8"],
    bad: [
      ["/api/sellers/2001/summary?month=2024-13", "month"],
      ["/api/sellers/2001/summary?month=05%2F2024", "month"],
      ["/api/sellers/20%2001/summary", "id"],
    ],
  },
  {
    name: "store summary",
    url: `/api/stores/7/summary?${M}`,
    allowed: ["seller2001", "seller2002", "manager7", "admin"],
    denied: ["seller2003", "manager8"],
    bad: [["/api/stores/7/summary?month=2024-5", "month"]],
  },
  {
    name: "store ranking",
    url: `/api/stores/ranking?${M}`,
    allowed: ["seller2001", "manager8", "admin", "ops"],
    denied: [],
    bad: [["/api/stores/ranking?month=maio", "month"]],
  },
  {
    name: "store team",
    url: `/api/stores/7/sellers?${M}`,
    allowed: ["manager7", "admin"],
    denied: ["seller2001", "manager8"],
    bad: [["/api/stores/7/sellers?month=2024-00", "month"]],
  },
  {
    name: "staffing",
    url: "/api/stores/7/staffing?weeks=1&basketsPerSellerHour=2&until=2024-05-10",
    allowed: ["manager7", "admin"],
    denied: ["seller2001", "manager8"],
    bad: [
      ["/api/stores/7/staffing?weeks=0", "weeks"],
      ["/api/stores/7/staffing?basketsPerSellerHour=0", "basketsPerSellerHour"],
      ["/api/stores/7/staffing?until=10-05-2024", "until"],
    ],
  },
  {
    name: "stock alerts",
    url: "/api/stores/7/stock-alerts?leadDays=30&date=2024-05-31",
    allowed: ["manager7", "admin"],
    denied: ["seller2002", "manager8"],
    bad: [["/api/stores/7/stock-alerts?leadDays=abc", "leadDays"]],
  },
  {
    name: "network summary",
    url: `/api/network/summary?${M}`,
    allowed: ["seller2003", "manager7", "admin"],
    denied: [],
    bad: [["/api/network/summary?month=2024", "month"]],
  },
  {
    name: "complements",
    url: "/api/products/501/complements?limit=5",
    allowed: ["seller2001", "manager8", "admin"],
    denied: [],
    bad: [
      ["/api/products/501/complements?limit=0", "limit"],
      ["/api/products/501/complements?limit=101", "limit"],
      ["/api/products/501/complements?limit=abc", "limit"],
    ],
  },
  {
    name: "top margin",
    url: "/api/products/top-margin?limit=2&date=2024-05-15",
    allowed: ["seller2002", "manager7", "admin"],
    denied: [],
    bad: [["/api/products/top-margin?date=2024%2F05%2F15", "date"]],
  },
  {
    name: "promotions",
    url: "/api/products/promotions?date=2024-05-15",
    allowed: ["seller2003", "manager8", "admin"],
    denied: [],
    bad: [
      ["/api/products/promotions?date=ontem", "date"],
      ["/api/products/promotions?date=2024-02-31", "date"],
    ],
  },
  {
    name: "ingest status",
    url: "/api/ingest/status",
    allowed: ["admin", "ops"],
    denied: ["seller2001", "manager7"],
    bad: [],
  },
  { name: "me", url: "/api/me", allowed: ["seller2001", "manager7", "admin", "ops"], denied: [], bad: [] },
  {
    name: "link codes",
    method: "POST",
    url: "/api/telegram/link-codes",
    body: { sellerId: "2001" },
    allowed: ["manager7", "admin"],
    denied: ["seller2001", "manager8"],
    bad: [
      [{}, "sellerId"],
      [{ sellerId: "20 01" }, "sellerId"],
    ],
  },
];

const call = (r: RouteCase, token?: string, override?: string | object) =>
  r.method === "POST"
    ? post(r.url, typeof override === "object" ? override : r.body, token)
    : get(typeof override === "string" ? override : r.url, token);

describe("every /api route: 401, 403, 400", () => {
  for (const r of ROUTES) {
    it(`${r.name}: 401 without, with a bad, a foreign or an expired token`, async () => {
      for (const t of [undefined, "not-a-jwt", foreign, expired]) {
        const res = await call(r, t);
        expect(res.statusCode, `${r.name} with ${String(t).slice(0, 12)}`).toBe(401);
        expect(res.json()).toMatchObject({ code: "VT_ERR_API_UNAUTHENTICATED" });
        expect(res.json<{ message: string }>().message).toMatch(/Token/);
      }
      expect((await call(r, expired)).json<{ message: string }>().message).toContain("expirado");
    });

    it(`${r.name}: allowed roles get 200/201, the others 403`, async () => {
      for (const who of r.allowed) {
        const res = await call(r, tokens[who]);
        expect(res.statusCode, `${r.name} as ${who}: ${res.body}`).toBe(r.method === "POST" ? 201 : 200);
      }
      for (const who of r.denied) {
        const res = await call(r, tokens[who]);
        expect(res.statusCode, `${r.name} as ${who}`).toBe(403);
        expect(res.json()).toMatchObject({ code: "VT_ERR_API_FORBIDDEN" });
        expect(res.json<{ message: string }>().message).toMatch(/^Acesso negado/);
      }
    });

    if (r.bad.length > 0)
      it(`${r.name}: bad parameters → 400 naming the parameter`, async () => {
        for (const [bad, field] of r.bad) {
          const res = await call(r, tokens.admin, bad);
          expect(res.statusCode, `${JSON.stringify(bad)}: ${res.body}`).toBe(400);
          const body = res.json<{ code: string; message: string }>();
          expect(body.code).toBe("VT_ERR_API_BAD_REQUEST");
          expect(body.message).toContain(field);
          expect(body.message).toMatch(/Parâmetro/);
        }
      });
  }

  it("OpenAPI at /docs documents every route with the bearer scheme", async () => {
    const doc = (await get("/docs/json")).json<{
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    }>();
    for (const p of [
      "/api/sellers/{id}/summary",
      "/api/stores/{id}/summary",
      "/api/stores/ranking",
      "/api/stores/{id}/sellers",
      "/api/stores/{id}/staffing",
      "/api/stores/{id}/stock-alerts",
      "/api/network/summary",
      "/api/products/{id}/complements",
      "/api/products/top-margin",
      "/api/products/promotions",
      "/api/ingest/status",
      "/api/me",
      "/api/telegram/link-codes",
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(doc.components.securitySchemes).toHaveProperty("bearer");
    const ui = await get("/docs/");
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain("swagger");
  });

  it("an unknown route is a 404 with a code", async () => {
    const res = await get("/api/nope", tokens.admin);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: "VT_ERR_API_NOT_FOUND" });
  });
});

// === Right data

describe("figures equal an independent computation from the rows written", () => {
  it("seller summary: the §8 fields, money as decimal strings; unknown seller → 404", async () => {
    for (const id of ["2001", "2002", "2003"]) {
      const res = await get(`/api/sellers/${id}/summary?${M}`, tokens.admin);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject(expectedSeller(id));
    }
    // (hand check of the independent computation: 1.25 × (15.00 + 15.00 + 12.50) = 53.125 → 53.13)
    expect(expectedSeller("2001").commission).toBe("53.13");
    const missing = await get(`/api/sellers/9999/summary?${M}`, tokens.admin);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: "VT_ERR_API_NOT_FOUND" });
  });

  it("the month defaults to the current business month", async () => {
    const res = await get("/api/sellers/2001/summary", tokens.seller2001);
    const month = new Intl.DateTimeFormat("en-CA", {
      timeZone: config.tzBusiness,
      year: "numeric",
      month: "2-digit",
    })
      .format(new Date())
      .slice(0, 7);
    // A known seller without sales this month: zeros, for the current month.
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ sellerId: "2001", month, revenue: "0.00", lines: 0 });
  });

  it("store summary and ranking", async () => {
    const s7 = (await get(`/api/stores/7/summary?${M}`, tokens.manager7)).json();
    expect(s7).toMatchObject({ ...expectedStore("7"), rankNetwork: 1, rankRegion: 1 });
    const ranking = (await get(`/api/stores/ranking?${M}`, tokens.seller2003)).json<{ storeId: string }[]>();
    expect(ranking.map((s) => s.storeId)).toEqual(["7", "8"]);
    expect(ranking[1]).toMatchObject({ ...expectedStore("8"), rankNetwork: 2, rankRegion: 2 });
  });

  it("store team: the store's sellers by revenue", async () => {
    const team = (await get(`/api/stores/7/sellers?${M}`, tokens.manager7)).json<{ sellerId: string }[]>();
    const withSales = team.filter((s) => s.sellerId !== "2900");
    expect(withSales).toEqual([
      expect.objectContaining(expectedSeller("2001")),
      expect.objectContaining(expectedSeller("2002")),
    ]);
    expect(team.map((s) => s.sellerId)).not.toContain("2003");
  });

  it("network summary", async () => {
    const n = (await get(`/api/network/summary?${M}`, tokens.seller2001)).json();
    const revenue = accepted.reduce((s, l) => s + BigInt(l.qty) * l.cents, 0n);
    expect(n).toMatchObject({ month: MONTH, revenue: money(revenue), baskets: 4 });
  });

  it("complements: pair counts, ties by lower code; limit respected", async () => {
    const c = (await get("/api/products/501/complements?limit=5", tokens.seller2001)).json();
    expect(c).toEqual([
      expect.objectContaining({ codProd: "502", timesBoughtTogether: 1 }),
      expect.objectContaining({ codProd: "503", timesBoughtTogether: 1 }),
    ]);
    const one = (await get("/api/products/501/complements?limit=1", tokens.seller2001)).json<unknown[]>();
    expect(one).toHaveLength(1);
  });

  it("top margin and promotions at a date", async () => {
    const top = (await get("/api/products/top-margin?limit=2&date=2024-05-15", tokens.seller2001)).json();
    // 501: (150 − 50) / 150; 503: (120 − 60) / 120; 502: (440 − 400) / 440 comes third.
    expect(top).toEqual([
      expect.objectContaining({
        codProd: "501",
        listPrice: "150.00",
        cost: "50.00",
        margin: ratio4(100n, 150n),
      }),
      expect.objectContaining({ codProd: "503", listPrice: "120.00", cost: "60.00", margin: "0.5000" }),
    ]);
    const promos = (await get("/api/products/promotions?date=2024-05-15", tokens.seller2001)).json();
    expect(promos).toEqual([
      expect.objectContaining({
        codProd: "502",
        price: "440.00",
        previousPrice: "500.00",
        discount: "0.1200",
        start: "2024-05-01",
        end: null,
      }),
    ]);
  });

  it("staffing: expected baskets per weekday and hour, recommended sellers", async () => {
    const slots = (
      await get("/api/stores/7/staffing?weeks=1&basketsPerSellerHour=2&until=2024-05-10", tokens.manager7)
    ).json<{ weekday: number; hour: number; expectedBaskets: string; recommendedSellers: number }[]>();
    const busy = slots.filter((s) => s.expectedBaskets !== "0.00");
    // Friday 14h: baskets B1, B2; Friday 15h: B3 — one week.
    expect(busy).toEqual([
      { weekday: 5, hour: 14, expectedBaskets: "2.00", recommendedSellers: 1 },
      { weekday: 5, hour: 15, expectedBaskets: "1.00", recommendedSellers: 1 },
    ]);
  });

  it("stock alerts: days of cover below the lead time", async () => {
    const alerts = (
      await get("/api/stores/7/stock-alerts?leadDays=30&date=2024-05-31", tokens.manager7)
    ).json();
    // 501 in store 7: 2 on hand, 3 units sold in the last 28 days → 3/28 a day → 18.7 days.
    expect(alerts).toEqual([
      expect.objectContaining({
        storeId: "7",
        codProd: "501",
        onHand: 2,
        avgDailyUnits: "0.11",
        daysOfCover: "18.7",
      }),
    ]);
  });

  it("ingest status: the replayed file's rows and dead letters by reason, plus processing dead letters", async () => {
    const s = (await get("/api/ingest/status", tokens.ops)).json<{
      files: {
        key: string;
        accepted: number;
        deadLetters: number;
        deadLettersByReason: Record<string, number>;
      }[];
      totals: {
        files: number;
        accepted: number;
        deadLetters: number;
        deadLettersByReason: Record<string, number>;
      };
      processing: { total: number; byReason: Record<string, number> };
    }>();
    expect(s.files).toEqual([
      expect.objectContaining({
        key: ingestFile,
        accepted: 3,
        deadLetters: 2,
        deadLettersByReason: { quantity_out_of_range: 1, not_numeric: 1 },
      }),
    ]);
    expect(s.totals).toMatchObject({ files: 1, accepted: 3, deadLetters: 2 });
    expect(s.processing).toEqual({ total: 1, byReason: { duplicate: 1 } });
  });

  it("me: who the token is", async () => {
    expect((await get("/api/me", tokens.seller2002)).json()).toEqual({
      sub: "seller:2002",
      role: "seller",
      sellerId: "2002",
      storeId: "7",
      name: "Nome2002 Sobrenome2002",
    });
    expect((await get("/api/me", tokens.ops)).json()).toMatchObject({ role: "admin", sub: "operations" });
  });

  it("link codes: a one-time code with its expiry", async () => {
    const res = await post("/api/telegram/link-codes", { sellerId: "2002" }, tokens.manager7);
    expect(res.statusCode).toBe(201);
    const body = res.json<{ code: string; expiresAt: string }>();
    expect(body.code).toMatch(/^[0-9A-Z]{10}$/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
  });
});

// === Audit

describe("audit trail of reads of a person's data", () => {
  interface AuditRow {
    actor: string;
    actor_role: string;
    action: string;
    subject_kind: string;
    subject_id: string;
    request_id: string;
  }
  const rowsOf = async (requestId: string): Promise<AuditRow[]> => {
    await audit.flush();
    return queryRows<AuditRow>(
      ch,
      sql`SELECT actor, actor_role, action, subject_kind, subject_id, request_id FROM audit_log WHERE request_id = ${requestId}`,
    );
  };

  it("a granted read, a refused read, a team read and a link code each leave one row", async () => {
    const cases = [
      [
        get(`/api/sellers/2001/summary?${M}`, tokens.manager7),
        {
          actor: "manager:7",
          actor_role: "manager",
          action: "seller.summary",
          subject_kind: "seller",
          subject_id: "2001",
        },
      ],
      [
        get(`/api/sellers/2001/summary?${M}`, tokens.seller2002),
        {
          actor: "seller:2002",
          actor_role: "seller",
          action: "seller.summary.denied",
          subject_kind: "seller",
          subject_id: "2001",
        },
      ],
      [
        get(`/api/stores/7/sellers?${M}`, tokens.admin),
        {
          actor: "admin:ana",
          actor_role: "admin",
          action: "store.sellers",
          subject_kind: "store",
          subject_id: "7",
        },
      ],
      [
        post("/api/telegram/link-codes", { sellerId: "2001" }, tokens.manager7),
        {
          actor: "manager:7",
          actor_role: "manager",
          action: "telegram.link_code",
          subject_kind: "seller",
          subject_id: "2001",
        },
      ],
    ] as const;
    for (const [request, expected] of cases) {
      const res = await request;
      const id = String(res.headers["x-request-id"]);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await rowsOf(id)).toEqual([{ ...expected, request_id: id }]);
    }
  });

  it("non-personal reads leave no row", async () => {
    const res = await get(`/api/stores/ranking?${M}`, tokens.manager7);
    expect(await rowsOf(String(res.headers["x-request-id"]))).toEqual([]);
  });
});

describe("rate limit", () => {
  it("is per token and answers 429 with a code", async () => {
    const limited = await buildServer({
      adminToken: config.api.adminToken,
      checks: {},
      metrics: new Registry(),
      rateLimitPerMinute: 3,
      api: {
        jwtSecret: config.api.jwtSecret,
        figures: createFigures({ ch, plan: DEFAULT_PLAN }),
        audit,
        tz: config.tzBusiness,
        ingestStatus: () => ingestStatus(deps.kafka),
      },
    });
    try {
      const hit = (t: string) =>
        limited.inject({ url: "/api/me", headers: { authorization: `Bearer ${t}` } });
      for (let i = 0; i < 3; i++) expect((await hit(tokens.seller2001 as string)).statusCode).toBe(200);
      const over = await hit(tokens.seller2001 as string);
      expect(over.statusCode).toBe(429);
      expect(over.json()).toMatchObject({ code: "VT_ERR_API_RATE_LIMITED" });
      // Another token has its own budget.
      expect((await hit(tokens.seller2002 as string)).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
