/**
 * Exactly-once effect of the ClickHouse sink on the real servers: a materialized view that sums
 * the silver rows stays exact after kill -9 of the sink in the middle of the stream, and after a
 * replay of the whole topic by a consumer group that lost its offsets.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { ident, raw, sql } from "../../lib/clickhouse/sql.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { createKafka, ensureTopics } from "../../streams/kafka/kafka-factory.ts";
import { committedOffsets } from "../setup/read-topic.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

const config = testConfig();
const kafka = createKafka(config.kafka, createLogger({ name: "test", level: "error" }));
const database = uniqueName("test_sink");
const topic = uniqueName("test.sink");
const N = 20_000;
const server = createClickHouse(config.clickhouse, { database: null });
const ch = createClickHouse({ ...config.clickhouse, database });

const expected = new Map<string, number>();
const messages = Array.from({ length: N }, (_, i) => {
  const seller = String(10001 + (i % 37));
  const cents = ((i * 7919) % 100_000) - 5_000; // returns included
  expected.set(seller, (expected.get(seller) ?? 0) + cents);
  return { key: seller, value: JSON.stringify({ seller, cents }) };
});

/** Every sink process started, so that none outlives the test, whatever happens. */
const children = new Set<ChildProcess>();

/** Starts a sink process; `wrote` holds the rows each of its inserts added. */
const startSink = (group: string) => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", resolve(REPO_ROOT, "tests/helpers/sink-child.ts"), topic, group, database, "silver"],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, SINK_CHILD_DELAY_MS: "150" },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  children.add(child);
  child.on("exit", () => children.delete(child));
  const wrote: number[] = [];
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    wrote.splice(0, wrote.length, ...[...out.matchAll(/WROTE (\d+)/g)].map((m) => Number(m[1])));
  });
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  return {
    wrote,
    output: () => out,
    stop: async (signal: NodeJS.Signals) => {
      child.kill(signal);
      await exited;
    },
  };
};

const until = async (what: string, check: () => boolean | Promise<boolean>, output: () => string) => {
  for (let i = 0; i < 450; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}: ${output().slice(-2000)}`);
};

const committedBy = (group: string): Promise<number> => committedOffsets(kafka, group, topic);

const silverCount = async () =>
  Number((await queryRows<{ n: string }>(ch, raw("SELECT count() AS n FROM silver")))[0]?.n ?? 0);

describe("ClickHouse sink", () => {
  beforeAll(async () => {
    await exec(server, sql`CREATE DATABASE ${ident(database)}`);
    await exec(
      ch,
      raw(`CREATE TABLE silver (_topic String, _partition UInt32, _offset UInt64, seller String, revenue_cents Int64)
           ENGINE = MergeTree ORDER BY (_topic, _partition, _offset)`),
    );
    await exec(
      ch,
      raw("CREATE TABLE gold (seller String, revenue_cents Int64) ENGINE = SummingMergeTree ORDER BY seller"),
    );
    await exec(
      ch,
      raw("CREATE MATERIALIZED VIEW gold_mv TO gold AS SELECT seller, revenue_cents FROM silver"),
    );
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: 2 }]);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < N; i += 1000) await producer.send({ topic, messages: messages.slice(i, i + 1000) });
    await producer.disconnect();
  });

  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await server.close();
    await ch.close();
  });

  it("stays exact after kill -9 mid-stream and a replay of everything", { timeout: 240_000 }, async () => {
    const group = uniqueName("test-sink-group");
    // Kill -9 once a few inserts have landed, three times over.
    for (let i = 0; i < 3; i++) {
      const sink = startSink(group);
      await until("three inserts", () => sink.wrote.filter((n) => n > 0).length >= 3, sink.output);
      await sink.stop("SIGKILL");
    }
    // Then let it finish.
    const last = startSink(group);
    await until("every row in silver", async () => (await silverCount()) >= N, last.output);
    await until("offsets committed", async () => (await committedBy(group)) === N, last.output);
    await last.stop("SIGTERM");
    expect(await silverCount()).toBe(N);

    // A consumer group that lost every offset reads the whole topic again: nothing is added.
    const lost = uniqueName("test-sink-lost-offsets");
    const replay = startSink(lost);
    await until("the replay to reach the end", async () => (await committedBy(lost)) === N, replay.output);
    await replay.stop("SIGTERM");
    expect(replay.wrote.length).toBeGreaterThan(0);
    expect(replay.wrote.every((n) => n === 0)).toBe(true);

    const distinct = await queryRows<{ n: string; d: string }>(
      ch,
      raw("SELECT count() AS n, uniqExact(_partition, _offset) AS d FROM silver"),
    );
    expect(distinct[0]).toEqual({ n: String(N), d: String(N) });
    const gold = await queryRows<{ seller: string; cents: string }>(
      ch,
      raw("SELECT seller, sum(revenue_cents) AS cents FROM gold GROUP BY seller ORDER BY seller"),
    );
    expect(new Map(gold.map((g) => [g.seller, Number(g.cents)]))).toEqual(expected);
  });
});
