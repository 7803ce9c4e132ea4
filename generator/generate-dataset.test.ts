import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isValidCpf } from "./cpf.ts";
import { generateFixture, type GeneratedFixture } from "./test-fixture.ts";
import { TRANSACTION_DIRTY_CLASSES, type DirtyClass } from "./summary.ts";

const BASE = {
  seed: 42,
  lines: 30_000,
  stores: 6,
  sellersPerStore: 5,
  products: 120,
  from: "2023-11",
  to: "2024-02",
};

const HEADERS: Record<string, [string, "," | ";"]> = {
  "store_final.csv": ["nome_loja,regiao,diretoria,data_inauguracao", ","],
  "employee_final.csv": ["id_employee,name,surname,cpf,status,role,initial_date,end_date,store_id", ","],
  "sku_dataset.csv": [
    "cod_prod;nome_abrev;nome_completo;descricao;categoria;sub_categoria;marca;conteudo_valor;conteudo_medida",
    ";",
  ],
  "sku_status_dataset.csv": ["cod_prod;data_inicio;data_fim", ";"],
  "sku_price.csv": ["cod_prod,data_inicio,data_fim,preco", ","],
  "sku_cost.csv": ["cod_prod,data_inicio,data_fim,custo", ","],
  "targets_salesperson_final.csv": ["id_employee,sales_target,month", ","],
  "target_store_final.csv": ["month,store_id,sales_target", ","],
  "daily_stock.csv": ["data,cod_loja,cod_prod,quantidade", ","],
  "transactions_2023.csv": ["data,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco", ","],
  "transactions_2024.csv": ["data,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco", ","],
};

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONEY = /^\d+\.\d{2}$/;
const MONTH = /^(0[1-9]|1[0-2])\/\d{4}$/;

/** An independent reading of DESIGN §5 for transaction rows: the reason of each bad line. */
function classifyTransactions(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (k: string): void => void (counts[k] = (counts[k] ?? 0) + 1);
  const records = parse(text, {
    delimiter: ",",
    relax_quotes: false,
    relax_column_count: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (err) => {
      bump(err?.code === "INVALID_OPENING_QUOTE" ? "bad_quoting" : `other:${err?.code}`);
      return undefined;
    },
  }) as unknown as { record: string[]; info: { lines: number } }[];
  const seen = new Set<string>();
  const now = Date.now();
  for (const { record, info } of records) {
    if (info.lines === 1) continue;
    if (record.length !== 7) {
      bump("column_count");
      continue;
    }
    const [data, seller, store, txn, qty, prod, price] = record as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (record.some((f) => f.trim() === "")) {
      bump("missing_field");
      continue;
    }
    if (
      ![seller, store, txn, prod].every((v) => /^\d+$/.test(v)) ||
      !/^-?\d+$/.test(qty) ||
      !/^-?\d+(\.\d{1,2})?$/.test(price)
    ) {
      bump("not_numeric");
      continue;
    }
    if (Number(qty) === 0 || Math.abs(Number(qty)) > 1000) {
      bump("quantity_out_of_range");
      continue;
    }
    if (Number(price) <= 0 || Number(price) > 100_000) {
      bump("price_out_of_range");
      continue;
    }
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:([ T])(\d{2}):(\d{2}):(\d{2})([+-]\d{2}:\d{2})?)?$/.exec(data);
    const [y, mo, d, h, mi, sec] = [1, 2, 3, 5, 6, 7].map((i) => Number(m?.[i] ?? 0)) as number[];
    const ms = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, sec ?? 0);
    const back = new Date(ms);
    const valid =
      m !== null &&
      (m[4] === undefined || (m[4] === " ") === (m[8] === undefined)) &&
      back.getUTCDate() === d &&
      back.getUTCMonth() + 1 === mo &&
      (h ?? 0) < 24;
    if (!valid) {
      bump("bad_date");
      continue;
    }
    if ((y ?? 0) < 2000 || ms > now + 2 * 86_400_000) {
      bump("date_out_of_range");
      continue;
    }
    const identity = `${store}|${txn}|${prod}`;
    if (seen.has(identity)) bump("duplicate");
    else seen.add(identity);
  }
  return counts;
}

/** Bad rows of the reference files, by class. */
function classifyReference(name: string, rows: string[][]): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (k: string): void => void (counts[k] = (counts[k] ?? 0) + 1);
  for (const r of rows) {
    if (name === "employee_final.csv") {
      if (!["ativo", "não ativo"].includes(r[4] ?? "") || !["vendedor", "gerente"].includes(r[5] ?? ""))
        bump("bad_value");
      else if (!isValidCpf(r[3] ?? "")) bump("bad_cpf");
    } else if (name === "targets_salesperson_final.csv" && !MONTH.test(r[2] ?? "")) bump("bad_month");
    else if (name === "target_store_final.csv" && !MONTH.test(r[0] ?? "")) bump("bad_month");
    else if ((name === "sku_price.csv" || name === "sku_cost.csv") && !MONEY.test(r[3] ?? ""))
      bump("not_numeric");
  }
  return counts;
}

let clean: GeneratedFixture;
let again: GeneratedFixture;
let other: GeneratedFixture;
let dirty: GeneratedFixture;

beforeAll(async () => {
  [clean, again, other, dirty] = await Promise.all([
    generateFixture(BASE),
    generateFixture(BASE),
    generateFixture({ ...BASE, seed: 43 }),
    generateFixture({ ...BASE, dirtyRate: 0.05 }),
  ]);
}, 120_000);

afterAll(() => {
  for (const f of [clean, again, other, dirty]) f?.remove();
});

describe("generateDataset: files", () => {
  it("writes every partner file, one transaction file per year", () => {
    expect(readdirSync(clean.dir).sort()).toEqual(Object.keys(HEADERS).sort());
    expect(clean.summary.files.map((f) => f.name).sort()).toEqual(Object.keys(HEADERS).sort());
  });

  it("is deterministic: the same seed gives byte-identical files, another seed other files", () => {
    for (const name of Object.keys(HEADERS)) {
      const a = readFileSync(join(clean.dir, name));
      expect(a.equals(readFileSync(join(again.dir, name))), name).toBe(true);
    }
    expect(clean.text("transactions_2024.csv")).not.toBe(other.text("transactions_2024.csv"));
    expect(clean.text("employee_final.csv")).not.toBe(other.text("employee_final.csv"));
  });

  it("writes the exact header and delimiter, and the same column count on every clean row", () => {
    for (const [name, [header, delimiter]] of Object.entries(HEADERS)) {
      const text = clean.text(name);
      expect(text.split("\n")[0], name).toBe(header);
      expect(text.endsWith("\n")).toBe(true);
      const width = header.split(delimiter).length;
      const rows = clean.rows(name, delimiter);
      expect(rows.length, name).toBe(clean.summary.files.find((f) => f.name === name)?.dataLines);
      expect(rows.filter((r) => r.length !== width).slice(0, 3), name).toEqual([]);
    }
  });

  it("counts lines and bytes in the summary as they are on disk", () => {
    for (const f of dirty.summary.files) {
      const buf = readFileSync(join(dirty.dir, f.name));
      expect(buf.length, f.name).toBe(f.bytes);
      expect(buf.toString("utf8").split("\n").length - 2, f.name).toBe(f.dataLines);
      expect(f.cleanLines + f.dirtyLines).toBe(f.dataLines);
    }
  });

  it("formats dates, months, money and ids as the contract says", () => {
    const bad: string[] = [];
    const check = (ok: boolean, what: string): void => void (ok || bad.push(what));
    for (const r of clean.rows("store_final.csv", ","))
      check(/^\d+$/.test(r[0] ?? "") && DATE.test(r[3] ?? ""), r.join());
    for (const name of ["sku_price.csv", "sku_cost.csv"])
      for (const r of clean.rows(name, ","))
        check(
          /^\d+$/.test(r[0] ?? "") &&
            DATE.test(r[1] ?? "") &&
            (r[2] === "" || DATE.test(r[2] ?? "")) &&
            MONEY.test(r[3] ?? ""),
          r.join(),
        );
    for (const r of clean.rows("sku_status_dataset.csv", ";"))
      check(DATE.test(r[1] ?? "") && (r[2] === "" || DATE.test(r[2] ?? "")), r.join());
    for (const r of clean.rows("targets_salesperson_final.csv", ","))
      check(MONEY.test(r[1] ?? "") && MONTH.test(r[2] ?? ""), r.join());
    for (const r of clean.rows("target_store_final.csv", ","))
      check(MONTH.test(r[0] ?? "") && MONEY.test(r[2] ?? ""), r.join());
    for (const r of clean.rows("sku_dataset.csv", ";"))
      check(/^\d+(\.\d+)?$/.test(r[7] ?? "") && ["ml", "g", "oz"].includes(r[8] ?? ""), r.join());
    for (const r of clean.rows("daily_stock.csv", ","))
      check(DATE.test(r[0] ?? "") && /^\d+$/.test(r[3] ?? ""), r.join());
    const formats = { local: 0, date: 0, iso: 0 };
    const tz = "America/Sao_Paulo";
    for (const r of clean.rows("transactions_2024.csv", ",")) {
      const [data = "", seller = "", store = "", txn = "", qty = "", prod = "", price = ""] = r;
      check(
        [seller, store, txn, prod].every((id) => /^\d+$/.test(id)),
        r.join(),
      );
      check(/^-?[1-9]\d*$/.test(qty) && MONEY.test(price), r.join());
      if (DATE.test(data)) formats.date++;
      else if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(data)) formats.local++;
      else {
        const local = DateTime.fromFormat(data.slice(0, 19), "yyyy-MM-dd'T'HH:mm:ss", { zone: tz });
        check(
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[23]:00$/.test(data) &&
            data.slice(19) === local.toFormat("ZZ"),
          data,
        );
        formats.iso++;
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    const total = formats.local + formats.date + formats.iso;
    expect(formats.date / total).toBeGreaterThan(0.01);
    expect(formats.date / total).toBeLessThan(0.035);
    expect(formats.iso / total).toBeGreaterThan(0.01);
    expect(formats.iso / total).toBeLessThan(0.035);
  });

  it("prints ISO offsets of the zone at that instant, daylight-saving time included", async () => {
    const old = await generateFixture({
      ...BASE,
      lines: 20_000,
      from: "2017-12",
      to: "2018-03",
      stockProducts: 0,
    });
    try {
      const offsets = new Set(
        old.rows("transactions_2018.csv", ",").flatMap((r) => (r[0]?.includes("T") ? [r[0].slice(19)] : [])),
      );
      expect([...offsets].sort()).toEqual(["-02:00", "-03:00"]); // Brazilian summer time ended 2018-02-18
    } finally {
      old.remove();
    }
  });

  it("quotes descriptions holding the delimiter, and they parse back with csv-parse, accents intact", () => {
    const text = clean.text("sku_dataset.csv");
    const rows = clean.rows("sku_dataset.csv", ";");
    const withSemicolon = rows.filter((r) => r[3]?.includes(";"));
    expect(withSemicolon.length).toBeGreaterThan(5);
    const accented = withSemicolon.find((r) => /[éçãõ]/.test(r[3] ?? ""));
    expect(accented).toBeDefined();
    expect(text).toContain(`;"${accented?.[3]?.replace(/"/g, '""')}";`);
    expect(rows.some((r) => /[ÁÉÍÓÚÂÊÔÃÕÇáéíóúâêôãõç]/.test(r[2] ?? ""))).toBe(true);
    expect(new Set(rows.map((r) => r[4]))).toContain("Cuidados com a Pele");
  });
});

describe("generateDataset: dirty rows", () => {
  it("mixes in every transaction class in about equal numbers, and counts them right", () => {
    for (const f of dirty.summary.files.filter((x) => x.name.startsWith("transactions_"))) {
      const counts = Object.values(f.dirtyByClass);
      expect(Object.keys(f.dirtyByClass).sort()).toEqual([...TRANSACTION_DIRTY_CLASSES].sort());
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      expect(f.dirtyLines / f.cleanLines).toBeGreaterThan(0.04);
      expect(f.dirtyLines / f.cleanLines).toBeLessThan(0.06);
      expect(classifyTransactions(dirty.text(f.name))).toEqual(f.dirtyByClass);
    }
  });

  it("puts a few bad rows in reference files, counted per class", () => {
    const expected: Record<string, DirtyClass[]> = {
      "employee_final.csv": ["bad_cpf", "bad_value"],
      "targets_salesperson_final.csv": ["bad_month"],
      "target_store_final.csv": ["bad_month"],
      "sku_price.csv": ["not_numeric"],
      "sku_cost.csv": ["not_numeric"],
    };
    for (const f of dirty.summary.files.filter((x) => !x.name.startsWith("transactions_"))) {
      const delimiter = HEADERS[f.name]?.[1] ?? ",";
      expect(Object.keys(f.dirtyByClass).sort(), f.name).toEqual(expected[f.name] ?? []);
      expect(f.dirtyLines).toBeLessThanOrEqual(25);
      expect(classifyReference(f.name, dirty.rows(f.name, delimiter)), f.name).toEqual(f.dirtyByClass);
    }
  });

  it("reports a bad_quoting row as one csv-parse error on its own line, the next line intact", () => {
    const lines = dirty.text("transactions_2024.csv").split("\n");
    const index = lines.findIndex((l) => l.includes('"') && !l.includes(',"'));
    expect(index).toBeGreaterThan(0);
    const errors: { code?: string; lines?: number }[] = [];
    const records = parse(lines.slice(0, index + 2).join("\n"), {
      relax_quotes: false,
      relax_column_count: true,
      skip_records_with_error: true,
      info: true,
      on_skip: (err) => {
        errors.push({ code: err?.code, lines: (err as { lines?: number } | undefined)?.lines });
        return undefined;
      },
    }) as unknown as { info: { lines: number } }[];
    expect(errors).toEqual([{ code: "INVALID_OPENING_QUOTE", lines: index + 1 }]);
    expect(records.at(-1)?.info.lines).toBe(index + 2);
  });

  it("leaves the clean data identical whatever the dirty rate", () => {
    expect(dirty.summary.baskets).toBe(clean.summary.baskets);
    expect(dirty.summary.revenueCents).toBe(clean.summary.revenueCents);
    for (const f of clean.summary.files) {
      const d = dirty.summary.files.find((x) => x.name === f.name);
      expect(d?.cleanLines, f.name).toBe(f.cleanLines);
      const a = clean.text(f.name).split("\n");
      const b = dirty.text(f.name).split("\n");
      // Clean lines are a subsequence of the dirty file; what is left over is the dirty lines.
      let i = 0;
      for (const line of b) if (i < a.length && line === a[i]) i++;
      expect(i, f.name).toBe(a.length);
      expect(b.length - a.length, f.name).toBe(d?.dirtyLines);
    }
  });
});
