/**
 * `npm start`: the product on one machine.
 *
 * 1. brings the local stack up (installing what is missing) and applies the ClickHouse migrations;
 * 2. loads sample history once: when the bucket has nothing under `incoming/`, the generator writes
 *    the last twelve complete months of a fictional chain into `incoming/history/`;
 *    Sellers and stores also get targets for the current month (carried over from the latest
 *    month in the bucket, once), so the live sales of this month move real progress bars;
 * 3. runs, until Ctrl-C: the API with the live dashboard, the S3 → Kafka connector following
 *    `incoming/` (history first, then every new file), the sales processor into ClickHouse, and
 *    the point-of-sale simulator writing live sales into `incoming/live/`;
 * 4. once the API answers, prints the dashboard URL, the bot's status and demo tokens (admin, the
 *    manager of one store and one of its sellers, from the employee file in the bucket), signed
 *    with `JWT_SECRET` exactly as the token CLI signs them (`api/auth/tokens.ts`).
 * The stack keeps running after Ctrl-C (`npm run stack:down` stops it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { DateTime } from "luxon";
import { signToken } from "../api/auth/tokens.ts";
import { generateDataset } from "../generator/generate-dataset.ts";
import { createS3Sink } from "../generator/s3-sink.ts";
import { migrate } from "../lib/clickhouse/migrate.ts";
import { loadConfig, type Config } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { createLogger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { createS3, ensureBucket } from "../lib/s3/s3-client.ts";
import { localStack, upStack } from "../stack/stack.ts";
import { processorNodeFlags } from "../processors/pipeline/node-flags.ts";

/** Loopback Prometheus ports of the connector and the processor in `npm start`. */
const CONNECTOR_METRICS_PORT = 9464;
const PROCESSOR_METRICS_PORT = 9465;

/** `YYYY-MM` of the month `offset` months from now (negative = past). */
const monthFromNow = (offset: number): string => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + offset);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
};

/** The sample history: the last twelve complete months (generator defaults otherwise). */
const HISTORY = { from: () => monthFromNow(-12), to: () => monthFromNow(-1) };

async function loadSampleHistory(config: Config): Promise<void> {
  const s3 = createS3(config.s3);
  try {
    await ensureBucket(s3, config.s3.bucket);
    const existing = await s3.send(
      new ListObjectsV2Command({ Bucket: config.s3.bucket, Prefix: "incoming/", MaxKeys: 1 }),
    );
    if ((existing.KeyCount ?? 0) > 0) {
      console.log("  ✓ the bucket already holds partner files under incoming/");
      return;
    }
    const summary = await generateDataset(
      {
        from: monthFromNow(-12),
        to: monthFromNow(-1),
        lines: 100_000,
        dirtyRate: 0.005,
        timeZone: config.tzBusiness,
      },
      createS3Sink(s3, config.s3.bucket, "incoming/history/"),
    );
    const lines = summary.files.reduce((a, f) => a + f.dataLines, 0);
    console.log(
      `  ✓ ${summary.files.length} files, ${lines} lines (${summary.firstDay} … ${summary.lastDay}) in ${summary.location}`,
    );
  } finally {
    s3.destroy();
  }
}

// === Reference files in the bucket (demo people, current-month targets)

/** Keys of every object under `prefix` (paginated). */
async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

const baseName = (key: string): string => key.slice(key.lastIndexOf("/") + 1);

/** Rows (header first) of every bucket CSV whose base name matches, in key order. */
async function readCsvRows(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  name: RegExp,
  delimiter: string,
): Promise<string[][][]> {
  const files: string[][][] = [];
  for (const key of keys.filter((k) => name.test(baseName(k))).sort()) {
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await obj.Body?.transformToString("utf8")) ?? "";
    files.push(parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][]);
  }
  return files;
}

/** The demo people: one store with an active manager and an active seller. */
interface DemoPeople {
  readonly storeId: string;
  readonly managerId: string;
  readonly sellerId: string;
}

/** Picks the first store (by code) that has an active gerente and an active vendedor. */
function pickDemoPeople(employeeFiles: string[][][]): DemoPeople | undefined {
  const latest = new Map<string, Record<string, string>>(); // later row wins (DESIGN §6)
  for (const [header, ...rows] of employeeFiles) {
    if (!header) continue;
    for (const r of rows) {
      const e = Object.fromEntries(header.map((h, i) => [h.trim(), (r[i] ?? "").trim()]));
      if (e.id_employee) latest.set(e.id_employee, e);
    }
  }
  const active = [...latest.values()].filter((e) => e.status === "ativo" && !e.end_date && e.store_id);
  const stores = [...new Set(active.map((e) => e.store_id as string))].sort((a, b) =>
    a.localeCompare(b, "en", { numeric: true }),
  );
  for (const storeId of stores) {
    const here = active.filter((e) => e.store_id === storeId);
    const manager = here.find((e) => e.role === "gerente");
    const seller = here.find((e) => e.role === "vendedor");
    if (manager?.id_employee && seller?.id_employee)
      return { storeId, managerId: manager.id_employee, sellerId: seller.id_employee };
  }
  return undefined;
}

/**
 * Writes this month's seller and store targets when the bucket has none (the sample history ends
 * last month): the latest month's targets, carried over, as two small reference files under
 * `incoming/demo/`. Returns what it did, for the start-up log.
 */
async function ensureCurrentMonthTargets(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  tz: string,
): Promise<string> {
  const current = DateTime.now().setZone(tz).toFormat("MM/yyyy");
  const kinds = [
    { file: "targets_salesperson_final", re: /^targets_salesperson_final.*\.csv$/i, monthCol: "month" },
    { file: "target_store_final", re: /^target_store_final.*\.csv$/i, monthCol: "month" },
  ];
  const done: string[] = [];
  for (const k of kinds) {
    const files = await readCsvRows(s3, bucket, keys, k.re, ",");
    const header = files.find((f) => f[0])?.[0];
    if (!header) continue;
    const col = header.findIndex((h) => h.trim() === k.monthCol);
    // Well-formed rows of months up to the current one (a dirty row such as "13/2026" is skipped).
    const monthKey = (m: string): string => `${m.slice(3)}-${m.slice(0, 2)}`;
    const rows = files
      .flatMap((f) => f.slice(1))
      .filter((r) => r.length === header.length && /^(0[1-9]|1[0-2])\/\d{4}$/.test(r[col] ?? ""))
      .filter((r) => monthKey(r[col] as string) <= monthKey(current));
    if (col < 0 || rows.some((r) => r[col] === current)) continue;
    const last = rows
      .map((r) => r[col] as string)
      .sort((a, b) => monthKey(a).localeCompare(monthKey(b)))
      .at(-1);
    if (!last) continue;
    const carried = rows
      .filter((r) => r[col] === last)
      .map((r) => r.map((v, i) => (i === col ? current : v)));
    const body = stringify([header, ...carried]);
    const key = `incoming/demo/${k.file}_${monthKey(current)}.csv`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "text/csv" }));
    done.push(
      `${carried.length} ${k.file === "target_store_final" ? "store" : "seller"} targets (from ${last})`,
    );
  }
  return done.length > 0
    ? `${done.join(", ")} for ${current} in incoming/demo/`
    : `targets for ${current} in place`;
}

/** Demo tokens, signed like the token CLI does (12 h). */
async function demoTokens(config: Config, people: DemoPeople | undefined): Promise<[string, string][]> {
  const ttl = "12h";
  const secret = config.api.jwtSecret;
  const out: [string, string][] = [
    ["admin", await signToken(secret, { sub: "demo:admin", role: "admin" }, ttl)],
  ];
  if (people) {
    out.push([
      `manager of store ${people.storeId} (employee ${people.managerId})`,
      await signToken(
        secret,
        { sub: `demo:manager:${people.managerId}`, role: "manager", storeId: people.storeId },
        ttl,
      ),
    ]);
    out.push([
      `seller ${people.sellerId} (store ${people.storeId})`,
      await signToken(
        secret,
        {
          sub: `demo:seller:${people.sellerId}`,
          role: "seller",
          sellerId: people.sellerId,
          storeId: people.storeId,
        },
        ttl,
      ),
    ]);
  }
  return out;
}

/** Waits until the API answers `/health/live` (or gives up after `ms`). */
async function waitForApi(url: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/health/live`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ name: "start", level: config.logLevel });
  console.log("▶ local stack (Kafka, schema registry, ClickHouse, S3)");
  await upStack(localStack(config), {
    onEvent: (e) => {
      if (e.kind === "install") console.log(`  • ${e.service}: installing (first time only)…`);
      if (e.kind === "installed") console.log(`  ✓ ${e.service}: installed in ${(e.ms / 1000).toFixed(1)} s`);
      if (e.kind === "healthy") console.log(`  ✓ ${e.service}: up in ${(e.ms / 1000).toFixed(1)} s`);
      if (e.kind === "already-running") console.log(`  ✓ ${e.service}: already running`);
    },
  });
  console.log("▶ ClickHouse migrations");
  const m = await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations"), log });
  console.log(`  ✓ ${m.applied.length} applied, ${m.alreadyApplied} already in place`);
  console.log("▶ sample data");
  await loadSampleHistory(config);
  const s3 = createS3(config.s3);
  let people: DemoPeople | undefined;
  try {
    const keys = (await listKeys(s3, config.s3.bucket, "incoming/")).filter(
      (k) => !k.startsWith("incoming/live/"),
    );
    console.log(`  ✓ ${await ensureCurrentMonthTargets(s3, config.s3.bucket, keys, config.tzBusiness)}`);
    people = pickDemoPeople(await readCsvRows(s3, config.s3.bucket, keys, /^employee_final.*\.csv$/i, ","));
  } finally {
    s3.destroy();
  }

  const children: ChildProcess[] = [];
  const run = (name: string, script: string, args: string[] = [], nodeFlags: string[] = []): void => {
    const child = spawn(
      process.execPath,
      [...nodeFlags, "--import", "tsx", resolve(REPO_ROOT, script), ...args],
      {
        stdio: "inherit",
        env: process.env,
      },
    );
    child.on("exit", (code, signal) => {
      if (!stopping) console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping the app`);
      stop();
    });
    children.push(child);
  };
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const c of children) c.kill("SIGTERM");
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  console.log("▶ connector: replaying incoming/ into Kafka, then following new files");
  run("connector", "connectors/s3-source/replay-cli.ts", [
    "--prefix",
    "incoming/",
    "--follow",
    "--metrics-port",
    String(CONNECTOR_METRICS_PORT),
  ]);
  console.log("▶ processor: sales into ClickHouse (silver sales_lines, gold seller_month / store_month)");
  run(
    "processor",
    "processors/pipeline/process-cli.ts",
    ["--metrics-port", String(PROCESSOR_METRICS_PORT)],
    processorNodeFlags(),
  );
  if (existsSync(resolve(REPO_ROOT, "generator/live-cli.ts"))) {
    console.log("▶ point of sale: live sales into incoming/live/");
    // Same model options as the history above, so live sales use its stores, sellers and prices.
    run("point of sale", "generator/live-cli.ts", [
      "--prefix",
      "incoming/live/",
      "--from",
      HISTORY.from(),
      "--to",
      HISTORY.to(),
    ]);
  }
  // Without a token the bot exits at once (and a child's exit stops the app), so it runs only with one.
  if (config.telegram.botToken && existsSync(resolve(REPO_ROOT, "bot/main.ts"))) {
    console.log("▶ Telegram bot: a ping per sale, commands, managers' 08:00 report (long polling)");
    run("bot", "bot/main.ts");
  }
  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  console.log(`▶ API and dashboard on ${apiUrl}`);
  run("api", "api/main.ts");

  if (!(await waitForApi(apiUrl, 60_000))) {
    console.error(`  ✗ the API did not answer on ${apiUrl} within 60 s`);
    return;
  }
  const bot = config.telegram.botToken
    ? existsSync(resolve(REPO_ROOT, "bot/main.ts"))
      ? "on (TELEGRAM_BOT_TOKEN is set)"
      : "off (bot/main.ts is not in this tree yet)"
    : "off (set TELEGRAM_BOT_TOKEN to turn it on)";
  const tokens = await demoTokens(config, people);
  console.log(
    [
      "",
      "════════════════════════════════════════════════════════════════════════",
      ` Vitrine is running (Ctrl-C stops the app; the stack keeps running)`,
      `   dashboard   ${apiUrl}/dashboard/`,
      `   API docs    ${apiUrl}/docs`,
      `   health      ${apiUrl}/health`,
      `   metrics     ${apiUrl}/metrics (admin token), connector http://127.0.0.1:${CONNECTOR_METRICS_PORT}/metrics, processor http://127.0.0.1:${PROCESSOR_METRICS_PORT}/metrics`,
      `   Telegram    ${bot}`,
      people ? "" : "   (no employee file in the bucket yet: only the admin token below)",
      " Demo tokens (valid 12 h; paste one into the dashboard's login):",
      ...tokens.flatMap(([who, token]) => [`   ${who}:`, `     ${token}`]),
      "════════════════════════════════════════════════════════════════════════",
      "",
    ]
      .filter((l) => l !== "")
      .join("\n"),
  );
}

runMain(main);
