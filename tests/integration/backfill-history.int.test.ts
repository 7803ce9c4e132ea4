/**
 * The Spark backfill on the real servers (DESIGN §10): generated history of 2022–2023 backfilled
 * by Spark, plus 2024 streamed (connector → Kafka → sales processor), gives gold figures equal to
 * an independent computation over all the files (plain parsing here, none of the pipeline's
 * code); re-running a month changes nothing; dead letters match the connector's and the
 * generator's counts per reason; months the stream wrote, and the current month, are refused.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { DateTime } from "luxon";
import { afterAll, describe, expect, it } from "vitest";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector } from "../../connectors/s3-source/source.ts";
import { generateDataset } from "../../generator/generate-dataset.ts";
import { createDirectorySink } from "../../generator/sink.ts";
import type { DatasetSummary } from "../../generator/summary.ts";
import {
  createClickHouse,
  exec,
  queryRows,
  type ClickHouseClient,
} from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { uploadDir } from "../../lib/s3/upload-dir.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { backfill, type BackfillSummary } from "../../spark/backfill.ts";
import { deleteTopicsUnder, isolatedConfig } from "../helpers/isolated-stack.ts";
import { streamPrefix } from "../helpers/stream-prefix.ts";
import { uniqueName } from "../setup/test-config.ts";

// === Independent computation from the files (plain parsing; none of the pipeline's code)

const MONEY = /^\d+\.\d{2}$/;
const cents = (s: string): bigint => BigInt(s.replace(".", ""));

interface Cost {
  start: string;
  end: string;
  cost: bigint;
  seq: number;
}

function costsOf(dir: string): Map<string, Cost[]> {
  const out = new Map<string, Cost[]>();
  let seq = 0;
  for (const line of readFileSync(join(dir, "sku_cost.csv"), "utf8").trim().split("\n").slice(1)) {
    const f = line.split(",");
    seq++;
    // Dirty rows (a quoted decimal comma, "R$ …", "n/d", …) are rejected by the connector.
    if (f.length !== 4 || !MONEY.test(f[3]!)) continue;
    const list = out.get(f[0]!) ?? [];
    list.push({ start: f[1]!, end: f[2]!, cost: cents(f[3]!), seq });
    out.set(f[0]!, list);
  }
  return out;
}

function costAt(periods: Cost[] | undefined, date: string): bigint | undefined {
  let best: Cost | undefined;
  for (const p of periods ?? []) {
    if (p.start > date || (p.end !== "" && p.end < date)) continue;
    if (!best || p.start > best.start || (p.start === best.start && p.seq > best.seq)) best = p;
  }
  return best?.cost;
}

interface SellerMonth {
  revenue: bigint;
  base: bigint;
  bonus: bigint;
  lines: number;
  baskets: Set<string>;
}

/**
 * Seller-month figures and co-purchase pairs of every transaction file. The generator's dirty rows
 * carry a cod_transacao from 9000000000 up (or a broken one), duplicates are exact copies of an
 * earlier line: clean lines are the 7-field lines with a plain cod_transacao below that, first
 * occurrence of each (store, transaction, product).
 */
function independent(dir: string) {
  const costs = costsOf(dir);
  const sellers = new Map<string, SellerMonth>();
  const baskets = new Map<string, { month: string; products: Set<string> }>();
  const seen = new Set<string>();
  const files = readdirSync(dir)
    .filter((f) => f.startsWith("transactions"))
    .sort();
  for (const file of files) {
    for (const line of readFileSync(join(dir, file), "utf8").trim().split("\n").slice(1)) {
      const f = line.split(",");
      if (f.length !== 7 || !/^\d+$/.test(f[3]!) || Number(f[3]) >= 9_000_000_000) continue;
      const [data, seller, store, txn, qtyText, prod, preco] = f as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const id = `${store}|${txn}|${prod}`;
      if (seen.has(id)) continue;
      seen.add(id);
      // Local times, or ISO times with São Paulo's own offset: the first ten characters are the local date.
      const date = data.slice(0, 10);
      const month = data.slice(0, 7);
      const qty = BigInt(qtyText);
      const p = cents(preco);
      const revenue = qty * p;
      const cost = costAt(costs.get(prod), date);
      const high = cost !== undefined && (p - cost) * 1_000_000n >= 500_000n * p;
      const key = `${month}|${seller}`;
      const s = sellers.get(key) ?? { revenue: 0n, base: 0n, bonus: 0n, lines: 0, baskets: new Set() };
      s.revenue += revenue;
      if (high) s.bonus += revenue * 50_000n;
      else s.base += revenue * 30_000n;
      s.lines++;
      s.baskets.add(`${store}|${txn}`);
      sellers.set(key, s);
      if (qty > 0n) {
        const b = baskets.get(`${store}|${txn}`) ?? { month, products: new Set<string>() };
        b.products.add(prod);
        baskets.set(`${store}|${txn}`, b);
      }
    }
  }
  const pairs = new Map<string, number>();
  for (const b of baskets.values()) {
    const ps = [...b.products].sort();
    for (let i = 0; i < ps.length; i++)
      for (let j = i + 1; j < ps.length; j++) {
        const k = `${b.month}|${ps[i]}|${ps[j]}`;
        pairs.set(k, (pairs.get(k) ?? 0) + 1);
      }
  }
  return { sellers, pairs };
}

// === Gold as the live database holds it

async function goldSellers(ch: ClickHouseClient): Promise<Map<string, Record<string, string>>> {
  const rows = await queryRows<Record<string, string>>(
    ch,
    sql`SELECT month, seller_id, toString(sumMerge(revenue_cents)) AS revenue,
          toString(sumMerge(commission_base_micro)) AS base, toString(sumMerge(commission_bonus_micro)) AS bonus,
          toString(countMerge(lines)) AS lines, toString(uniqExactMerge(baskets)) AS baskets
        FROM seller_month GROUP BY month, seller_id ORDER BY month, seller_id`,
  );
  return new Map(rows.map((r) => [`${r.month}|${r.seller_id}`, r]));
}

async function goldPairs(ch: ClickHouseClient): Promise<Map<string, number>> {
  const rows = await queryRows<{ month: string; product: string; other: string; n: string }>(
    ch,
    sql`SELECT month, product, other, toString(sum(baskets)) AS n FROM co_purchase
        WHERE product < other GROUP BY month, product, other`,
  );
  return new Map(rows.map((r) => [`${r.month}|${r.product}|${r.other}`, Number(r.n)]));
}

/** Every gold and silver figure of the database, to compare two states. */
async function snapshot(ch: ClickHouseClient): Promise<unknown> {
  const silver = await queryRows(
    ch,
    sql`SELECT month, _topic, rejection, toString(count()) AS n, toString(sum(revenue_cents)) AS revenue,
          toString(sum(commission_micro)) AS commission, toString(sum(length(pair_partners))) AS partners,
          toString(uniqExact(_partition, _offset)) AS coordinates
        FROM sales_lines GROUP BY month, _topic, rejection ORDER BY month, _topic, rejection`,
  );
  const store = await queryRows(
    ch,
    sql`SELECT month, store_id, toString(sumMerge(revenue_cents)) AS revenue, toString(sumMerge(items)) AS items,
          toString(countMerge(lines)) AS lines, toString(uniqExactMerge(baskets)) AS baskets
        FROM store_month GROUP BY month, store_id ORDER BY month, store_id`,
  );
  return { silver, store, sellers: [...(await goldSellers(ch))], pairs: [...(await goldPairs(ch))].sort() };
}

const sumDirty = (s: DatasetSummary, names: (n: string) => boolean): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const f of s.files.filter((x) => names(x.name)))
    for (const [cls, n] of Object.entries(f.dirtyByClass ?? {})) out[cls] = (out[cls] ?? 0) + n;
  return out;
};

describe("Spark backfill", () => {
  const config = isolatedConfig("backfill", { clickhouse: true });
  const database = config.clickhouse.database;
  const log = createLogger({ name: "test", level: "error" });
  const deps = connectorDeps(config, log);
  const ch = createClickHouse(config.clickhouse);
  const server = createClickHouse(config.clickhouse, { database: null });
  const root = `test/${uniqueName("backfill")}/`;
  const deadLetterPath = `s3a://${config.s3.bucket}/${root}dead-letters/`;
  let dir = "";
  let generated: DatasetSummary;
  let first: BackfillSummary;

  afterAll(async () => {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await server.close();
    await ch.close();
    deps.s3.destroy();
    await deleteTopicsUnder(deps.kafka);
  });

  it(
    "backfilled 2022–2023 plus streamed 2024 equal an independent computation over all files",
    { timeout: 900_000 },
    async () => {
      dir = mkdtempSync(join(tmpdir(), "vitrine-backfill-"));
      generated = await generateDataset(
        {
          seed: 23,
          from: "2022-01",
          to: "2024-02",
          stores: 3,
          sellersPerStore: 2,
          products: 30,
          lines: 5000,
          dirtyRate: 0.01,
          stockProducts: 5,
        },
        createDirectorySink(dir),
      );
      const history = `${root}history/`;
      const live = `${root}live/`;
      // History: reference files and the 2022–2023 sales; the stream: reference files and 2024.
      await uploadDir(deps.s3, config.s3.bucket, dir, history);
      await uploadDir(deps.s3, config.s3.bucket, dir, live);
      for (const [prefix, drop] of [
        [history, "transactions_2024.csv"],
        [live, "transactions_2022.csv"],
        [live, "transactions_2023.csv"],
      ] as const)
        await deps.s3.send(
          new DeleteObjectCommand({
            Bucket: config.s3.bucket,
            Key: `${prefix}${drop}`,
          }),
        );

      // The stream: 2024 through connector, Kafka and the sales processor.
      await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations") });
      const { lines: streamLines } = await streamPrefix({ config, deps, ch, log }, live);

      // The history: 2022–2023 through Spark.
      first = await backfill(config, {
        from: "2022-01",
        to: "2023-12",
        prefix: history,
        plan: DEFAULT_PLAN,
        deadLetterPath,
      });
      expect(first.monthsReplaced).toHaveLength(24);

      const want = independent(dir);
      // Not a comparison of nothing: two years of sellers, baskets with pairs, the stream's 2024.
      expect(want.sellers.size).toBeGreaterThan(100);
      expect(want.pairs.size).toBeGreaterThan(100);
      expect(streamLines).toBeGreaterThan(100);
      const got = await goldSellers(ch);
      expect([...got.keys()].sort()).toEqual([...want.sellers.keys()].sort());
      for (const [key, w] of want.sellers)
        expect(got.get(key), key).toEqual({
          month: key.split("|")[0],
          seller_id: key.split("|")[1],
          revenue: String(w.revenue),
          base: String(w.base),
          bonus: String(w.bonus),
          lines: String(w.lines),
          baskets: String(w.baskets.size),
        });
      expect(await goldPairs(ch)).toEqual(want.pairs);
      // Backfilled months hold backfill rows only, the streamed ones stream rows only.
      const topics = await queryRows<{ month: string; t: string }>(
        ch,
        sql`SELECT month, _topic AS t FROM sales_lines GROUP BY month, _topic ORDER BY month`,
      );
      for (const r of topics) expect(r.t === "backfill", r.month).toBe(r.month < "2024-01");
      expect(topics.filter((r) => r.t !== "backfill").map((r) => r.month)).toEqual(["2024-01", "2024-02"]);
    },
  );

  it(
    "dead letters: the connector's counts per reason, the generator's duplicates, no CPF in clear",
    { timeout: 300_000 },
    async () => {
      const source = await S3SourceConnector.create(
        connectorDeps(isolatedConfig("backfill_dl"), log),
        uniqueName("test-backfill-dl"),
      );
      let replayDead: Record<string, number>;
      try {
        replayDead = { ...(await source.replay({ prefix: `${root}history/` })).deadLetters };
      } finally {
        await source.close();
      }
      expect(first.deadLetters).toEqual(replayDead);
      const dirty = sumDirty(generated, (n) => n !== "transactions_2024.csv");
      const { duplicate, ...validation } = dirty;
      expect(Object.keys(validation).length).toBeGreaterThanOrEqual(10);
      expect(duplicate).toBeGreaterThan(0);
      expect(first.deadLetters).toEqual(validation);
      expect(Object.values(first.months).reduce((n, m) => n + m.duplicate, 0)).toBe(duplicate);

      // The dead-letter file in the bucket: one JSON line per dead letter, CPFs pseudonymized.
      const bucketPrefix = deadLetterPath.replace(`s3a://${config.s3.bucket}/`, "");
      const listed = await deps.s3.send(
        new ListObjectsV2Command({ Bucket: config.s3.bucket, Prefix: bucketPrefix }),
      );
      let text = "";
      for (const o of (listed.Contents ?? []).filter((x) => x.Key!.endsWith(".json"))) {
        const body = await deps.s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: o.Key! }));
        text += await body.Body!.transformToString();
      }
      const letters = text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { reason: string; raw: string });
      expect(letters.length).toBe(Object.values(replayDead).reduce((a, b) => a + b, 0));
      expect(text).not.toMatch(/\d{3}\.\d{3}\.\d{3}-\d{2}/);
    },
  );

  it("re-running a month changes nothing, and leaves no staging database", { timeout: 600_000 }, async () => {
    const before = await snapshot(ch);
    await backfill(config, {
      from: "2023-06",
      to: "2023-06",
      prefix: `${root}history/`,
      plan: DEFAULT_PLAN,
      deadLetterPath,
    });
    expect(await snapshot(ch)).toEqual(before);
    const left = await queryRows<{ n: string }>(
      server,
      sql`SELECT count() AS n FROM system.databases WHERE startsWith(name, ${`${database}_backfill_`})`,
    );
    expect(Number(left[0]!.n)).toBe(0);
  });

  it("refuses months the stream wrote and the current month, unless forced", async () => {
    await expect(
      backfill(config, { from: "2023-12", to: "2024-01", prefix: `${root}history/`, plan: DEFAULT_PLAN }),
    ).rejects.toThrow(/VT_ERR_BACKFILL_REFUSED|stream has written 2024-01/);
    const now = DateTime.now().setZone(config.tzBusiness).toFormat("yyyy-MM");
    await expect(
      backfill(config, { from: now, to: now, prefix: `${root}history/`, plan: DEFAULT_PLAN }),
    ).rejects.toThrow(/current business month/);
  });
});
