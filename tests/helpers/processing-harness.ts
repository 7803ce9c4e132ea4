/**
 * Shared machinery of the processing integration tests (each test file its own topic prefix and
 * ClickHouse database): a generated dataset on disk and in the bucket, replays through the real
 * connector, waiting until a processor group has committed everything, reading the processor's
 * outputs, and comparing gold and feedback with the independent computation.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { expect } from "vitest";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector, type ReplaySummary } from "../../connectors/s3-source/source.ts";
import type { S3SourceDeps } from "../../connectors/s3-source/source.ts";
import { generateDataset } from "../../generator/generate-dataset.ts";
import type { GeneratorOptions } from "../../generator/options.ts";
import { createDirectorySink } from "../../generator/sink.ts";
import {
  createClickHouse,
  exec,
  queryRows,
  type ClickHouseClient,
} from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { loadConfig, type Config } from "../../lib/config/config.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { uploadDir } from "../../lib/s3/upload-dir.ts";
import { readTopic } from "../setup/read-topic.ts";
import { uniqueName } from "../setup/test-config.ts";
import {
  independentFigures,
  loadOrder,
  money,
  type CsvFile,
  type Independent,
} from "./independent-figures.ts";
import { deleteTopicsUnder, isolatedEnv } from "./isolated-stack.ts";

export interface Harness {
  readonly env: NodeJS.ProcessEnv;
  readonly config: Config;
  readonly deps: S3SourceDeps;
  readonly ch: ClickHouseClient;
  readonly prefix: string;
  close(): Promise<void>;
}

/** @param extraEnv overrides, e.g. another `CLICKHOUSE_URL` */
export async function harness(name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Harness> {
  const env = { ...isolatedEnv(name, { clickhouse: true }), ...extraEnv };
  const config = loadConfig(env);
  const deps = connectorDeps(config, createLogger({ name: "test", level: "error" }));
  await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations") });
  const ch = createClickHouse(config.clickhouse);
  return {
    env,
    config,
    deps,
    ch,
    prefix: `test/${uniqueName(name)}/incoming/`,
    close: async () => {
      const server = createClickHouse(config.clickhouse, { database: null });
      await exec(server, sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`).catch(() => {});
      await server.close();
      await ch.close();
      deps.s3.destroy();
      await deleteTopicsUnder(deps.kafka);
    },
  };
}

/** Generates a dataset into a fresh folder; returns the folder. */
export async function generate(opts: Partial<GeneratorOptions>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-processing-"));
  await generateDataset(
    {
      seed: 5,
      from: "2024-04",
      to: "2024-05",
      stores: 3,
      sellersPerStore: 3,
      products: 40,
      lines: 20_000,
      dirtyRate: 0.02,
      ...opts,
    },
    createDirectorySink(dir),
  );
  return dir;
}

/** The folder's files as bucket keys under `prefix`, in the order a replay loads them. */
export function filesOf(dir: string, prefix: string): CsvFile[] {
  const names = loadOrder(readdirSync(dir).filter((n) => n.endsWith(".csv")));
  return names.map((n) => ({ name: prefix + n, text: readFileSync(join(dir, n), "utf8") }));
}

export const upload = (h: Harness, dir: string, prefix = h.prefix): Promise<string[]> =>
  uploadDir(h.deps.s3, h.config.s3.bucket, dir, prefix);

export async function replay(h: Harness, prefix = h.prefix): Promise<ReplaySummary> {
  const source = await S3SourceConnector.create(h.deps, uniqueName("test-tx"));
  try {
    return await source.replay({ prefix });
  } finally {
    await source.close();
  }
}

/** Waits until the group has committed the end of every raw.transactions partition. */
export async function waitCaughtUp(
  h: Harness,
  groupId: string,
  timeoutMs = 120_000,
  failed?: Promise<never>,
): Promise<void> {
  const topic = h.deps.kafka.topics.rawTransactions;
  const admin = h.deps.kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      // The connector writes in transactions, so the last record of a partition is a commit
      // marker: the processor, which commits after the last data record, is done at end − 1.
      if (ends.every((e) => BigInt(e.high) === 0n || (at.get(e.partition) ?? -1n) >= BigInt(e.high) - 1n))
        return;
      if (Date.now() > deadline) throw new Error(`processor group ${groupId} did not catch up`);
      await Promise.race([new Promise((r) => setTimeout(r, 250)), ...(failed ? [failed] : [])]);
    }
  } finally {
    await admin.disconnect();
  }
}

export interface Gold {
  seller: Map<string, { revenue: string; commissionMicro: string; lines: number; baskets: number }>;
  store: Map<string, { revenue: string; items: string; lines: number; baskets: number }>;
  pairs: Map<string, number>;
}

export async function gold(ch: ClickHouseClient): Promise<Gold> {
  const seller = await queryRows<{
    k: string;
    revenue: string;
    commission: string;
    lines: string;
    baskets: string;
  }>(
    ch,
    sql`SELECT concat(seller_id, '|', month) AS k, toString(sumMerge(revenue_cents)) AS revenue,
          toString(sumMerge(commission_base_micro) + sumMerge(commission_bonus_micro)) AS commission,
          toString(countMerge(lines)) AS lines, toString(uniqExactMerge(baskets)) AS baskets
        FROM seller_month GROUP BY seller_id, month`,
  );
  const store = await queryRows<{
    k: string;
    revenue: string;
    items: string;
    lines: string;
    baskets: string;
  }>(
    ch,
    sql`SELECT concat(store_id, '|', month) AS k, toString(sumMerge(revenue_cents)) AS revenue,
          toString(sumMerge(items)) AS items, toString(countMerge(lines)) AS lines,
          toString(uniqExactMerge(baskets)) AS baskets
        FROM store_month GROUP BY store_id, month`,
  );
  const pairs = await queryRows<{ product: string; other: string; n: string }>(
    ch,
    sql`SELECT product, other, toString(sum(baskets)) AS n FROM co_purchase WHERE product < other GROUP BY product, other`,
  );
  const reverse = await queryRows<{ n: string }>(
    ch,
    sql`SELECT toString(sum(baskets)) AS n FROM co_purchase WHERE product > other`,
  );
  const forward = pairs.reduce((a, p) => a + Number(p.n), 0);
  expect(Number(reverse[0]?.n ?? 0), "co_purchase holds both directions equally").toBe(forward);
  return {
    seller: new Map(
      seller.map((r) => [
        r.k,
        {
          revenue: r.revenue,
          commissionMicro: r.commission,
          lines: Number(r.lines),
          baskets: Number(r.baskets),
        },
      ]),
    ),
    store: new Map(
      store.map((r) => [
        r.k,
        { revenue: r.revenue, items: r.items, lines: Number(r.lines), baskets: Number(r.baskets) },
      ]),
    ),
    pairs: new Map(pairs.map((p) => [`${p.product}|${p.other}`, Number(p.n)])),
  };
}

export interface Outputs {
  readonly normalized: { line_id: string }[];
  readonly feedback: {
    line_id: string;
    seller_id: string;
    month: string;
    lines: number;
    month_revenue: string;
    month_target: string | null;
    attainment: string | null;
    multiplier: string;
    month_commission: string;
  }[];
  readonly deadLetters: {
    line_id: string;
    reason: string;
    source_file: string;
    source_line: number;
    raw: string;
  }[];
}

export async function outputs(h: Harness): Promise<Outputs> {
  const t = h.deps.kafka.topics;
  const read = async <T>(topic: string): Promise<T[]> =>
    Promise.all(
      (await readTopic(h.deps.kafka, topic, { timeoutMs: 120_000 })).map((m) =>
        h.deps.serde.decode<T>(m.value),
      ),
    );
  return {
    normalized: await read(t.salesNormalized),
    feedback: await read(t.salesFeedback),
    deadLetters: await read(t.dlqProcessing),
  };
}

/** Dead letters of the connector, by reason (transactions only). */
export function ingestDeadLetters(...summaries: ReplaySummary[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of summaries)
    for (const f of s.files)
      if (f.kind === "transactions" && !f.skipped)
        for (const [r, n] of Object.entries(f.rejected)) out.set(r, (out.get(r) ?? 0) + n);
  return out;
}

const ratio4 = (n: bigint | undefined): string | null =>
  n === undefined ? null : `${n / 10_000n}.${String(n % 10_000n).padStart(4, "0")}`;

/**
 * Gold, outputs and dead letters equal the independent computation: seller-month (revenue,
 * commission sum, lines, baskets) and store-month from gold; target, attainment, multiplier and
 * month commission from the feedback events that saw the whole month; co-purchase pairs; every
 * accepted line exactly once in sales.normalized and sales.feedback; duplicates in dlq.processing.
 */
export function expectExact(want: Independent, g: Gold, out: Outputs, ingestDead: Map<string, number>): void {
  expect(g.seller.size).toBe(want.sellerMonths.size);
  for (const [k, w] of want.sellerMonths) {
    expect(g.seller.get(k), k).toEqual({
      revenue: String(w.revenueCents),
      commissionMicro: String(w.commissionMicro),
      lines: w.lines,
      baskets: w.baskets.size,
    });
  }
  expect(g.store.size).toBe(want.storeMonths.size);
  for (const [k, w] of want.storeMonths)
    expect(g.store.get(k), k).toEqual({
      revenue: String(w.revenueCents),
      items: String(w.items),
      lines: w.lines,
      baskets: w.baskets.size,
    });
  expect(Object.fromEntries(g.pairs)).toEqual(Object.fromEntries(want.pairs));

  // Outputs exactly once.
  const ids = (l: { line_id: string }[]) => l.map((x) => x.line_id);
  expect(out.normalized.length, "sales.normalized: one per accepted line").toBe(want.acceptedLines);
  expect(new Set(ids(out.normalized))).toEqual(want.acceptedLineIds);
  expect(out.feedback.length, "sales.feedback: one per accepted line").toBe(want.acceptedLines);
  expect(new Set(ids(out.feedback)).size).toBe(want.acceptedLines);

  // Month figures as the seller sees them, from the events that saw the whole month.
  for (const [k, w] of want.sellerMonths) {
    const [seller, month] = k.split("|");
    const full = out.feedback.filter(
      (f) => f.seller_id === seller && f.month === month && f.lines === w.lines,
    );
    expect(full.length, `a feedback event saw all of ${k}`).toBeGreaterThan(0);
    for (const f of full)
      expect(
        {
          revenue: f.month_revenue,
          target: f.month_target,
          attainment: f.attainment,
          multiplier: f.multiplier,
          commission: f.month_commission,
        },
        k,
      ).toEqual({
        revenue: money(w.revenueCents),
        target: w.targetCents === undefined ? null : money(w.targetCents),
        attainment: ratio4(w.attainment4),
        multiplier: (w.multiplier / 100).toFixed(2),
        commission: money(w.commissionCents),
      });
  }

  // Dead letters by reason: the connector's plus the processor's duplicates.
  const got = new Map(ingestDead);
  for (const d of out.deadLetters) got.set(d.reason, (got.get(d.reason) ?? 0) + 1);
  expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want.deadLetters));
}

/** Runs `independentFigures` with the test's zone and clock. */
export const independent = (h: Harness, files: CsvFile[]): Independent =>
  independentFigures(files, { zone: h.config.tzBusiness, nowMs: Date.now() });

export type ProcessorChild = ChildProcess & { output: () => string };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Batches a processor child has reported so far (one `BATCH` line each). */
export const batchesIn = (child: ProcessorChild): number => (child.output().match(/BATCH /g) ?? []).length;

/** The partition count of a child's latest group assignment (undefined before its first join). */
export const assignedIn = (child: ProcessorChild): number | undefined => {
  const all = [...child.output().matchAll(/ASSIGNED (\d+)/g)];
  return all.length > 0 ? Number(all[all.length - 1]![1]) : undefined;
};

/** Waits until `ok()` holds, or the deadline (epoch ms) passed. */
export async function waitUntil(ok: () => boolean, deadline: number): Promise<void> {
  while (!ok() && Date.now() < deadline) await sleep(20);
}

/** Waits until a child has reported `count` batches, or the deadline (epoch ms) passed. */
export async function waitForBatches(child: ProcessorChild, count: number, deadline: number): Promise<void> {
  while (batchesIn(child) < count && Date.now() < deadline) await sleep(20);
}

/** Signals a child and waits for it to exit. */
export async function stopChild(child: ProcessorChild, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  await exited;
}

/** A processor in a child process (tests/helpers/processor-child.ts); resolves once it is READY. */
export function spawnProcessor(h: Harness, groupId: string): Promise<ProcessorChild> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", resolve(REPO_ROOT, "tests/helpers/processor-child.ts"), groupId],
      { cwd: REPO_ROOT, env: h.env, stdio: ["pipe", "pipe", "pipe"] },
    ) as ProcessorChild;
    let out = "";
    child.output = () => out;
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("READY")) done(child);
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", fail);
    child.on("exit", (code) => {
      if (!out.includes("READY")) fail(new Error(`processor child exited ${code}: ${out.slice(-2000)}`));
    });
    // Never outlive the test.
    setTimeout(() => child.kill("SIGKILL"), 600_000).unref();
  });
}
