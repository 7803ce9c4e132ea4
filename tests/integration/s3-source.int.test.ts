/**
 * The S3 source connector against the real bucket, broker and registry: every rejection class
 * lands in `dlq.ingest` with its reason, accepted + rejected = rows read per file, accents and a
 * quoted `;` survive, no CPF in clear in any topic, and a kill -9 in the middle of a file followed
 * by a restart gives every row exactly once; replaying again adds nothing.
 */
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import { resolve } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSourceMetrics } from "../../connectors/s3-source/metrics.ts";
import { FILE_KINDS } from "../../connectors/s3-source/contract/file-kinds.ts";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector, type ReplaySummary } from "../../connectors/s3-source/source.ts";
import { ingestStatus } from "../../connectors/s3-source/ingest-status.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import type { IngestDeadLetter, Provenance, RawProduct, RawTransaction } from "../../schemas/raw-records.ts";
import { readTopic, topicEnds } from "../setup/read-topic.ts";
import { uniqueName } from "../setup/test-config.ts";
import { deleteTopicsUnder, isolatedEnv } from "../helpers/isolated-stack.ts";

/** This file's own topic namespace (child processes get the same environment). */
const env = isolatedEnv("s3src");
const config = loadConfig(env);
const deps = connectorDeps(config, createLogger({ name: "test", level: "error" }));
const topics = deps.kafka.topics;
const prefix = `test/${uniqueName("ingest")}/incoming/`;

const CPFS = ["529.982.247-25", "111.444.777-35", "123.456.789-00"];
const files: Record<string, string> = {
  "store_final.csv":
    "nome_loja,regiao,diretoria,data_inauguracao\n101,Sudeste,Diretoria São Paulo,2019-03-01\n102,Sul,Diretoria Sul,2020-07-15\n",
  "employee_final.csv": [
    "id_employee,name,surname,cpf,status,role,initial_date,end_date,store_id",
    `10001,Ana,Conceição,${CPFS[0]},ativo,vendedor,2020-01-15,,101`,
    `10002,João,Araújo,${CPFS[1]},ativo,gerente,2019-03-01,,101`,
    `10003,Márcia,Souza,${CPFS[2]},ativo,vendedor,2020-01-15,,102`,
    `10004,Lúcia,Prado,52998224725,ativo,estagiária,2020-01-15,,102`,
    "",
  ].join("\n"),
  "sku_dataset.csv": [
    "cod_prod;nome_abrev;nome_completo;descricao;categoria;sub_categoria;marca;conteudo_valor;conteudo_medida",
    '500001;Batom;Batom Matte Açaí;"Longa duração; não transfere, cor maçã";Maquiagem;Batom;Aurora;3.5;g',
    "500002;Shampoo;Shampoo Hidratação;Cabelos secos;Cabelos;Shampoo;Lumière;300;ml",
    "",
  ].join("\n"),
  "targets_salesperson_final.csv":
    "id_employee,sales_target,month\n10001,15000.00,05/2024\n10003,9000,2024-05\n",
  "2024.csv": [
    "data,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco",
    "2024-05-10 14:03:00,10001,101,555,2,500001,59.90", // 2 accepted
    "2024-05-10 14:03:00,10001,101,555,1,500002,29.9", //  3
    "2024-05-10,10001,101,556,1", // 4 column_count
    "2024-05-10,10001,101,557,1,500001,abc", // 5 not_numeric
    "2024-05-10,10001,101,558,0,500001,59.90", // 6 quantity_out_of_range
    "2024-05-10,10001,101,559,1,500001,0", // 7 price_out_of_range
    "2024-13-10,10001,101,560,1,500001,59.90", // 8 bad_date
    "1999-05-10,10001,101,561,1,500001,59.90", // 9 date_out_of_range
    "2024-05-10,,101,562,1,500001,59.90", // 10 missing_field
    '2024-05-10,10001,101,"563,1,500001,59.90', // 11 bad_quoting
    "2024-05-11T10:00:00-03:00,10001,101,564,-1,500001,59.90", // 12 accepted (return)
    "",
    "2024-05-12 09:00:00,10003,102,565,1,500002,29.90", // 14 accepted
  ].join("\n"),
  "notes_2024.csv": "a,b\n1,2\n",
};
const expected = {
  "2024.csv": {
    rows: 12,
    accepted: 4,
    reasons: {
      4: "column_count",
      5: "not_numeric",
      6: "quantity_out_of_range",
      7: "price_out_of_range",
      8: "bad_date",
      9: "date_out_of_range",
      10: "missing_field",
      11: "bad_quoting",
    },
  },
  "employee_final.csv": { rows: 4, accepted: 2, reasons: { 4: "bad_cpf", 5: "bad_value" } },
  "targets_salesperson_final.csv": { rows: 2, accepted: 1, reasons: { 3: "bad_month" } },
  "notes_2024.csv": { rows: 1, accepted: 0, reasons: { 2: "unknown_file" } },
} as const;

const put = (name: string, body: string) =>
  deps.s3.send(new PutObjectCommand({ Bucket: config.s3.bucket, Key: prefix + name, Body: body }));

const INGEST_TOPICS = [
  ...FILE_KINDS.map((k) => topics[k.topicKey]),
  topics.dlqIngest,
  topics.s3SourceCheckpoints,
];

describe("S3 source connector", () => {
  let first: ReplaySummary;
  const registry = new Registry();
  let before: Awaited<ReturnType<typeof topicEnds>>;
  /** What this test's replays wrote to a topic. */
  const written = (topic: string) => readTopic(deps.kafka, topic, { from: before.get(topic)! });

  beforeAll(async () => {
    before = await topicEnds(deps.kafka, INGEST_TOPICS);
    for (const [name, body] of Object.entries(files)) await put(name, body);
    const source = await S3SourceConnector.create(
      { ...deps, metrics: createSourceMetrics(registry) },
      uniqueName("test-tx"),
    );
    first = await source.replay({ prefix });
    await source.close();
  });

  it("counts rows and dead letters by reason in its metrics", async () => {
    const rows = (await registry.getMetricsAsJSON()).find((m) => m.name === "vitrine_ingest_rows_total");
    const dead = (await registry.getMetricsAsJSON()).find(
      (m) => m.name === "vitrine_ingest_dead_letters_total",
    );
    const value = (m: typeof rows, labels: Record<string, string>) =>
      (m?.values ?? []).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
    expect(value(rows, { kind: "transactions", outcome: "accepted" })).toBe(4);
    expect(value(rows, { kind: "transactions", outcome: "rejected" })).toBe(8);
    expect(value(dead, { kind: "transactions", reason: "bad_quoting" })).toBe(1);
    expect(value(dead, { kind: "employees", reason: "bad_cpf" })).toBe(1);
  });

  afterAll(() => deps.s3.destroy());

  it("loads reference files before transactions and counts every row once", () => {
    const order = first.files.map((f) => f.key.slice(prefix.length));
    expect(order.indexOf("store_final.csv")).toBeLessThan(order.indexOf("2024.csv"));
    expect(order.indexOf("employee_final.csv")).toBeLessThan(order.indexOf("2024.csv"));
    expect(order.at(-1)).toBe("notes_2024.csv");
    for (const f of first.files) {
      const rejected = Object.values(f.rejected).reduce((a, b) => a + b, 0);
      expect(f.accepted + rejected, f.key).toBe(f.rowsRead);
      const body = files[f.key.slice(prefix.length)]!;
      const dataLines = body
        .split("\n")
        .slice(1)
        .filter((l) => l.trim() !== "").length;
      expect(f.rowsRead, f.key).toBe(dataLines);
    }
  });

  it("sends every rejected row to dlq.ingest with file, line, raw text and reason", async () => {
    const dlq = (await written(topics.dlqIngest)).filter((m) => m.key.startsWith(prefix));
    const letters = await Promise.all(dlq.map((m) => deps.serde.decode<IngestDeadLetter>(m.value)));
    for (const [name, exp] of Object.entries(expected)) {
      const mine = letters.filter((l) => l.source_file === prefix + name);
      const got = Object.fromEntries(mine.map((l) => [l.source_line, l.reason]));
      expect(got, name).toEqual(
        Object.fromEntries(Object.entries(exp.reasons).map(([k, v]) => [Number(k), v])),
      );
      const summary = first.files.find((f) => f.key === prefix + name)!;
      expect(summary.rowsRead, name).toBe(exp.rows);
      expect(summary.accepted, name).toBe(exp.accepted);
      for (const l of mine) {
        const physical = files[name]!.split("\n")[Number(l.source_line) - 1]!;
        if (name !== "employee_final.csv") expect(l.raw).toBe(physical);
        expect(l.detail.length).toBeGreaterThan(5);
      }
    }
  });

  it("keeps UTF-8 accents and a quoted ; intact", async () => {
    const products = (await written(topics.rawSkuDataset)).filter((m) =>
      ["500001", "500002"].includes(m.key),
    );
    const decoded = await Promise.all(products.map((m) => deps.serde.decode<RawProduct>(m.value)));
    const mine = decoded.filter((p) => p.source_file === `${prefix}sku_dataset.csv`);
    expect(mine.find((p) => p.cod_prod === "500001")).toMatchObject({
      nome_completo: "Batom Matte Açaí",
      descricao: "Longa duração; não transfere, cor maçã",
      conteudo_medida: "g",
    });
    expect(mine.find((p) => p.cod_prod === "500002")?.nome_completo).toBe("Shampoo Hidratação");
  });

  it("produces accepted transactions keyed by basket, with exact prices", async () => {
    const msgs = await written(topics.rawTransactions);
    const decoded = await Promise.all(
      msgs.map(async (m) => ({ key: m.key, tx: await deps.serde.decode<RawTransaction>(m.value) })),
    );
    const mine = decoded.filter((d) => d.tx.source_file === `${prefix}2024.csv`);
    expect(mine.map((d) => d.tx.source_line).sort((a, b) => a - b)).toEqual([2, 3, 12, 14]);
    for (const d of mine) expect(d.key).toBe(`${d.tx.cod_loja}|${d.tx.cod_transacao}`);
    expect(mine.find((d) => d.tx.source_line === 3)?.tx.preco).toBe("29.90");
    expect(mine.find((d) => d.tx.source_line === 12)?.tx.quantidade).toBe(-1);
  });

  it("never lets a CPF reach Kafka in clear", async () => {
    const digits = CPFS.map((c) => c.replace(/\D/g, ""));
    const needles = [...CPFS, ...digits, "52998224725"];
    let scanned = 0;
    for (const topic of INGEST_TOPICS) {
      for (const m of await written(topic)) {
        const text = m.value.toString("latin1") + m.key;
        for (const n of needles) expect(text.includes(n), `${topic} holds ${n}`).toBe(false);
        scanned++;
      }
    }
    expect(scanned).toBeGreaterThan(20);
  });

  it("reports the files and counts in the ingest status", async () => {
    const status = await ingestStatus(deps.kafka);
    for (const f of first.files) {
      const st = status.files.find((x) => x.key === f.key);
      expect(st, f.key).toMatchObject({
        done: true,
        rowsRead: f.rowsRead,
        accepted: f.accepted,
        deadLetters: f.rowsRead - f.accepted,
      });
    }
    expect(status.totals.deadLettersByReason.bad_quoting).toBeGreaterThanOrEqual(1);
  });

  it("replaying the same objects again adds nothing", async () => {
    const countBefore = (await written(topics.rawTransactions)).length;
    const source = await S3SourceConnector.create(deps, uniqueName("test-tx"));
    const again = await source.replay({ prefix });
    await source.close();
    expect(again.files.every((f) => f.skipped)).toBe(true);
    expect((await written(topics.rawTransactions)).length).toBe(countBefore);
  });
});

describe("S3 source connector, kill -9 in the middle of a file", () => {
  const crashPrefix = `test/${uniqueName("crash")}/incoming/`;
  const txId = uniqueName("test-crash-tx");
  const LINES = 120_000;

  const runChild = (killAfterRows?: number): Promise<{ killed: boolean; out: string }> =>
    new Promise((done, fail) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", resolve(REPO_ROOT, "tests/helpers/replay-child.ts"), crashPrefix, txId, "3000"],
        { cwd: REPO_ROOT, env, stdio: ["pipe", "pipe", "pipe"] },
      );
      let out = "";
      let killed = false;
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const rows = [...out.matchAll(/PROGRESS (\d+)/g)].map((m) => Number(m[1]));
        if (killAfterRows !== undefined && !killed && rows.some((r) => r >= killAfterRows)) {
          killed = true;
          child.kill("SIGKILL");
        }
      });
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", fail);
      child.on("exit", () => done({ killed, out }));
      // Never outlive the test: a child still running after two minutes is killed.
      setTimeout(() => child.kill("SIGKILL"), 120_000).unref();
    });

  it("resumes without loss or duplicates", async () => {
    const before = await topicEnds(deps.kafka, [topics.rawTransactions]);
    const written = () =>
      readTopic(deps.kafka, topics.rawTransactions, {
        from: before.get(topics.rawTransactions)!,
        timeoutMs: 120_000,
      });
    const lines = function* () {
      yield "data,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco\n";
      for (let i = 1; i <= LINES; i++) {
        const day = String(1 + (i % 28)).padStart(2, "0");
        yield `2024-03-${day} 1${i % 10}:00:00,${10001 + (i % 40)},${101 + (i % 5)},${i},${1 + (i % 3)},${500001 + (i % 50)},${(i % 90) + 9}.90\n`;
      }
    };
    await new Upload({
      client: deps.s3,
      params: {
        Bucket: config.s3.bucket,
        Key: `${crashPrefix}transactions_crash.csv`,
        Body: Readable.from(lines()),
      },
    }).done();

    const crashed = await runChild(20_000);
    expect(crashed.killed, crashed.out).toBe(true);
    expect(crashed.out).not.toContain("DONE");

    const resumed = await runChild();
    const summary = JSON.parse(/DONE (.*)/.exec(resumed.out)?.[1] ?? "null") as ReplaySummary | null;
    expect(summary, resumed.out).not.toBeNull();
    expect(summary!.files[0]).toMatchObject({ rowsRead: LINES, accepted: LINES, skipped: false });

    const all = await written();
    const decoded = await Promise.all(all.map((m) => deps.serde.decode<Provenance>(m.value)));
    const crashLines = decoded
      .filter((p) => p.source_file === `${crashPrefix}transactions_crash.csv`)
      .map((p) => p.source_line);
    expect(crashLines.length).toBe(LINES);
    expect(new Set(crashLines).size).toBe(LINES);

    const again = await runChild();
    expect(again.out).toContain('"skipped":true');
    expect((await written()).length).toBe(all.length);
  });
});

afterAll(() => deleteTopicsUnder(deps.kafka));
