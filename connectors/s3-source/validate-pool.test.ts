/**
 * The validation worker (a real worker thread) against the inline path: for the same file bytes,
 * cut anywhere, it must accept and reject exactly the rows `csvRows` + `headerMatches` +
 * `validateRow` do, with the same records, keys, dead letters and line numbers.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import avro from "avsc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../lib/paths.ts";
import { FILE_KINDS, type FileKind, type ValidationContext } from "./contract/file-kinds.ts";
import { LocalTimeConverter } from "./contract/field-rules.ts";
import { csvRows } from "./csv-rows.ts";
import { cpfPseudonymizer } from "./pseudonymize.ts";
import { ValidatePool, type ValidateResponse } from "./validate-pool.ts";
import { badHeaderDeadLetter, headerMatches, validateRow } from "./validate-row.ts";

const TZ = "America/Sao_Paulo";
const SECRET = "worker-test-secret-worker-test-secret";
const NOW = Date.UTC(2024, 11, 31, 12);
const ctx: ValidationContext = {
  tz: new LocalTimeConverter(TZ),
  nowMs: NOW,
  pseudonymize: cpfPseudonymizer(SECRET),
};
const schemaOf = (file: string): object =>
  JSON.parse(readFileSync(resolve(REPO_ROOT, file), "utf8")) as object;
const kindNamed = (name: string): FileKind => FILE_KINDS.find((k) => k.kind === name)!;
const dlqType = avro.Type.forSchema(schemaOf("schemas/dlq-ingest.avsc") as avro.Schema);

interface Verdict {
  line?: number;
  key?: string;
  record?: unknown;
  reason?: string;
  deadLetter?: unknown;
}

/** What the inline path makes of a file. */
async function inline(file: string, kind: FileKind, text: string, startAfterLine = 0): Promise<Verdict[]> {
  const out: Verdict[] = [];
  let headerOk = true;
  for await (const rows of csvRows(Readable.from([Buffer.from(text)]), {
    delimiter: kind.delimiter,
    startAfterLine,
  }))
    for (const row of rows) {
      if (row.line === 1) {
        headerOk = row.fields !== undefined && headerMatches(kind, row.fields);
        continue;
      }
      const o = headerOk
        ? validateRow(file, kind, row, ctx)
        : ({ ok: false, deadLetter: badHeaderDeadLetter(file, kind, row, ctx) } as const);
      out.push(
        o.ok
          ? { line: row.line, key: o.key, record: o.record }
          : { line: row.line, reason: o.deadLetter.reason, deadLetter: o.deadLetter },
      );
    }
  return out;
}

/** Decodes the worker's answers into the same verdicts (accepted rows carry their line). */
function decode(
  kind: FileKind,
  answers: ValidateResponse[],
): { verdicts: Verdict[]; rows: number; lastLine: number } {
  const type = avro.Type.forSchema(schemaOf(`schemas/raw/${kind.schemaFile}`) as avro.Schema);
  const verdicts: Verdict[] = [];
  let rows = 0;
  let lastLine = 0;
  for (const a of answers) {
    rows += a.rowsRead;
    if (a.lastLine > 0) lastLine = a.lastLine;
    const values = Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength);
    let start = 0;
    a.keys.forEach((key, i) => {
      const framed = values.subarray(start, a.ends[i]);
      start = a.ends[i]!;
      expect(framed[0]).toBe(0);
      expect(framed.readInt32BE(1)).toBe(7);
      const record = { ...(type.fromBuffer(framed.subarray(5)) as Record<string, unknown>) };
      record.source_line = Number(record.source_line);
      verdicts.push({ line: record.source_line as number, key, record });
    });
    for (const r of a.rejects) {
      const framed = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      expect(framed.readInt32BE(1)).toBe(9);
      const dl = { ...(dlqType.fromBuffer(framed.subarray(5)) as Record<string, unknown>) };
      dl.source_line = Number(dl.source_line);
      verdicts.push({ line: dl.source_line as number, reason: r.reason, deadLetter: dl });
    }
  }
  verdicts.sort((x, y) => x.line! - y.line!);
  return { verdicts, rows, lastLine };
}

let pool: ValidatePool;
beforeAll(() => {
  const schemas: Record<string, { schemaId: number; schema: object }> = {};
  for (const k of FILE_KINDS)
    schemas[k.kind] = { schemaId: 7, schema: schemaOf(`schemas/raw/${k.schemaFile}`) };
  pool = ValidatePool.start({
    tz: TZ,
    secret: SECRET,
    schemas,
    deadLetter: { schemaId: 9, schema: schemaOf("schemas/dlq-ingest.avsc") },
  });
});
afterAll(() => pool.close());

/** Sends a file to the worker cut into chunks of `size` bytes. */
async function viaWorker(file: string, kind: FileKind, text: string, size: number, startAfterLine = 0) {
  const bytes = Buffer.from(text);
  const answers: Promise<ValidateResponse>[] = [];
  for (let at = 0; at < bytes.length || at === 0; at += size) {
    const end = at + size >= bytes.length;
    answers.push(
      pool.validate({
        file,
        kind: kind.kind,
        nowMs: NOW,
        bytes: [bytes.subarray(at, at + size)],
        end,
        ...(at === 0 ? { startAfterLine } : {}),
      }),
    );
    if (end) break;
  }
  return decode(kind, await Promise.all(answers));
}

const TRANSACTIONS = [
  "\ufeffdata,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco",
  "2024-03-01 10:00:00,10001,101,1,2,500001,19.90",
  "2024-03-01T10:00:00-03:00,10001,101,1,1,500002,059.9",
  "2024-03-01,10001,101,2,0,500001,19.90",
  '2024-03-01,10001,101,3,1,"500003",7.5',
  '2024-03-01,10001,101,4,1,"5000,03",7.5',
  "2024-03-01,10001,101,5,1,500004",
  "",
  "2024-03-01,10001,101,6,-1,500004,120000.00",
  '2024-03-01,"10001,101,7,1,500004,1.00',
  "1999-12-31 23:59:59,10001,101,8,1,500004,1.00",
  "2024-03-01 10:00:00,,101,9,1,500004,1.00\r",
  "2024-03-02 11:30:00,10002,102,10,3,500005,0.01",
].join("\n");

describe("validation worker", () => {
  it("gives the inline path's verdicts for transactions, whatever the chunking", async () => {
    const file = "incoming/w/transactions_w.csv";
    const kind = kindNamed("transactions");
    const expected = await inline(file, kind, TRANSACTIONS);
    expect(expected.map((v) => v.reason ?? "ok")).toContain("ok");
    expect(new Set(expected.map((v) => v.reason)).size).toBeGreaterThan(4);
    for (const size of [1, 3, 17, 64, 1 << 20]) {
      const got = await viaWorker(file, kind, TRANSACTIONS, size);
      expect(got.verdicts).toEqual(expected);
      expect(got.rows).toBe(expected.length);
      expect(got.lastLine).toBe(13);
    }
  });

  it("resumes after a line, pseudonymizes CPFs, keeps accents and quoted delimiters", async () => {
    const text = [
      "id_employee,name,surname,cpf,status,role,initial_date,end_date,store_id",
      "10001,João,Sá,529.982.247-25,ativo,gerente,2020-01-01,,101",
      '10002,"Ana, Maria",Conceição,52998224725,não ativo,vendedor,2020-01-01,2021-01-01,101',
      "10003,Bia,Luz,111.111.111-11,ativo,vendedor,2020-01-01,,101",
      "10004,Caio,Reis,529.982.247-25,ativo,vendedor,2020-01-01,,102",
    ].join("\n");
    const kind = kindNamed("employees");
    const file = "incoming/w/employee_final.csv";
    for (const after of [0, 3]) {
      const expected = await inline(file, kind, text, after);
      const got = await viaWorker(file, kind, text, 5, after);
      expect(got.verdicts).toEqual(expected);
      expect(JSON.stringify(got.verdicts)).not.toMatch(/529\.?982\.?247-?25/);
    }
    expect((await viaWorker(file, kind, text, 5, 3)).verdicts.map((v) => v.line)).toEqual([4, 5]);
  });

  it("rejects every row under a bad header and says so", async () => {
    const kind = kindNamed("targets_store");
    const text = "month;store_id;sales_target\n01/2024;101;1000.00\n";
    const expected = await inline("incoming/target_store_final.csv", kind, text);
    const bytes = Buffer.from(text);
    const a = await pool.validate({
      file: "incoming/target_store_final.csv",
      kind: kind.kind,
      nowMs: NOW,
      bytes: [bytes],
      end: true,
      startAfterLine: 0,
    });
    expect(a.badHeader).toBe("month;store_id;sales_target");
    expect(decode(kind, [a]).verdicts).toEqual(expected);
    expect(expected.map((v) => v.reason)).toEqual(["bad_header"]);
  });
});
