import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import avro from "avsc";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../lib/paths.ts";
import { FILE_KINDS, kindOf, type FileKind, type ValidationContext } from "./contract/file-kinds.ts";
import { LocalTimeConverter } from "./contract/field-rules.ts";
import { cpfPseudonymizer } from "./pseudonymize.ts";
import { validateRow, type RowOutcome } from "./validate-row.ts";

const ctx: ValidationContext = {
  tz: new LocalTimeConverter("America/Sao_Paulo"),
  nowMs: Date.UTC(2024, 11, 31, 12),
  pseudonymize: cpfPseudonymizer("test-secret-test-secret-test-secret!!"),
};
const kind = (name: string): FileKind => FILE_KINDS.find((k) => k.kind === name)!;
const run = (k: string, raw: string, fields?: string[]): RowOutcome =>
  validateRow(
    "incoming/f.csv",
    kind(k),
    { line: 7, raw, fields: fields ?? raw.split(kind(k).delimiter) },
    ctx,
  );
const reasonOf = (o: RowOutcome): string => (o.ok ? "accepted" : o.deadLetter.reason);

describe("file kinds", () => {
  it("recognise the partner's file names", () => {
    expect(kindOf("incoming/2023.csv")?.kind).toBe("transactions");
    expect(kindOf("incoming/x/transactions_2024_05.csv")?.kind).toBe("transactions");
    expect(kindOf("incoming/sku_dataset.csv")?.kind).toBe("sku_dataset");
    expect(kindOf("incoming/sku_status_dataset.csv")?.kind).toBe("sku_status");
    expect(kindOf("incoming/store_final.csv")?.kind).toBe("stores");
    expect(kindOf("incoming/employee_final_v2.csv")?.kind).toBe("employees");
    expect(kindOf("incoming/targets_salesperson_final.csv")?.kind).toBe("targets_salesperson");
    expect(kindOf("incoming/target_store_final.csv")?.kind).toBe("targets_store");
    expect(kindOf("incoming/daily_stock_2024.csv")?.kind).toBe("daily_stock");
    expect(kindOf("incoming/readme.csv")).toBeUndefined();
    expect(FILE_KINDS.at(-1)?.kind).toBe("transactions");
  });
});

describe("transaction rows (DESIGN §5)", () => {
  const good = "2024-05-10 14:03:00,10001,101,555,2,500001,59.9";
  it("accepts a valid line and canonicalizes the price", () => {
    const o = run("transactions", good);
    expect(o.ok && o.record).toMatchObject({
      cod_vendedor: "10001",
      quantidade: 2,
      preco: "59.90",
      source_line: 7,
    });
    expect(o.ok && o.key).toBe("101|555"); // keyed by basket: cod_loja|cod_transacao
  });
  it.each([
    ["2024-05-10,10001,101,555,2,500001", "column_count"],
    [",10001,101,555,2,500001,59.90", "missing_field"],
    ["2024-05-10,10001,101,555,,500001,59.90", "missing_field"],
    ["2024-05-10,V1,101,555,2,500001,59.90", "not_numeric"],
    ["2024-05-10,10001,101,555,dois,500001,59.90", "not_numeric"],
    ["2024-05-10,10001,101,555,2,500001,59,90", "column_count"],
    ["2024-05-10,10001,101,555,2,500001,abc", "not_numeric"],
    ["2024-05-10,10001,101,555,0,500001,59.90", "quantity_out_of_range"],
    ["2024-05-10,10001,101,555,1001,500001,59.90", "quantity_out_of_range"],
    ["2024-05-10,10001,101,555,-1001,500001,59.90", "quantity_out_of_range"],
    ["2024-05-10,10001,101,555,2,500001,0.00", "price_out_of_range"],
    ["2024-05-10,10001,101,555,2,500001,-3.00", "price_out_of_range"],
    ["2024-05-10,10001,101,555,2,500001,100000.01", "price_out_of_range"],
    ["10/05/2024,10001,101,555,2,500001,59.90", "bad_date"],
    ["2024-02-30,10001,101,555,2,500001,59.90", "bad_date"],
    ["1999-12-31 23:59:59,10001,101,555,2,500001,59.90", "date_out_of_range"],
    ["2025-01-02 13:00:00,10001,101,555,2,500001,59.90", "date_out_of_range"],
  ])("%s → %s", (raw, reason) => {
    expect(reasonOf(run("transactions", raw))).toBe(reason);
  });
  it("accepts returns, 1000 units, 100000.00, ISO offsets and the start of 2000 local time", () => {
    expect(reasonOf(run("transactions", "2024-05-10,10001,101,555,-1,500001,59.90"))).toBe("accepted");
    expect(reasonOf(run("transactions", "2024-05-10,10001,101,555,1000,500001,100000.00"))).toBe("accepted");
    expect(reasonOf(run("transactions", "2024-05-10T14:03:00-03:00,10001,101,555,1,500001,9.99"))).toBe(
      "accepted",
    );
    expect(reasonOf(run("transactions", "2000-01-01 00:00:00,10001,101,555,1,500001,9.99"))).toBe("accepted");
    expect(reasonOf(run("transactions", "2025-01-01 08:00:00,10001,101,555,1,500001,9.99"))).toBe("accepted");
  });
  it("reports broken quoting from the parser", () => {
    const o = validateRow(
      "f.csv",
      kind("transactions"),
      { line: 3, raw: '2024-05-10,"10001', fields: undefined, error: "unbalanced quote" },
      ctx,
    );
    expect(reasonOf(o)).toBe("bad_quoting");
    expect(!o.ok && o.deadLetter).toMatchObject({
      source_file: "f.csv",
      source_line: 3,
      raw: '2024-05-10,"10001',
    });
  });
});

describe("reference rows", () => {
  const cpf = "529.982.247-25";
  const employee = `10001,Ana,Conceição,${cpf},ativo,vendedor,2020-01-15,,101`;
  it("pseudonymizes the CPF of an employee and never keeps it", () => {
    const o = run("employees", employee);
    expect(o.ok).toBe(true);
    expect(JSON.stringify(o)).not.toContain("529");
    expect(o.ok && o.record.cpf_pseudonym).toBe(ctx.pseudonymize("52998224725"));
  });
  it("masks CPFs in the raw text of rejected rows", () => {
    const o = run("employees", `10001,Ana,Conceição,${cpf},ativo,estagiária,2020-01-15,,101`);
    expect(reasonOf(o)).toBe("bad_value");
    expect(JSON.stringify(o)).not.toContain("982.247");
    expect(!o.ok && o.deadLetter.raw).toContain("cpf:");
  });
  it.each([
    ["employees", "10001,Ana,Silva,123.456.789-00,ativo,vendedor,2020-01-15,,101", "bad_cpf"],
    ["employees", `10001,Ana,Silva,${cpf},inativo,vendedor,2020-01-15,,101`, "bad_value"],
    ["employees", `10001,Ana,Silva,${cpf},não ativo,gerente,2020-01-15,2019-01-01,101`, "bad_period"],
    ["targets_salesperson", "10001,15000.00,2024-05", "bad_month"],
    ["targets_salesperson", "10001,15000.00,13/2024", "bad_month"],
    ["targets_store", "05/2024,101,quinze mil", "not_numeric"],
    ["sku_price", "500001,2024-01-01,,0", "price_out_of_range"],
    ["sku_cost", "500001,2024-01-01,2023-12-31,10.00", "bad_period"],
    ["daily_stock", "2024-05-10,101,500001,-3", "quantity_out_of_range"],
    ["stores", "101,Sudeste,,2019-03-01", "missing_field"],
  ])("%s %s → %s", (k, raw, reason) => {
    expect(reasonOf(run(k, raw))).toBe(reason);
  });
  it("normalizes MM/YYYY months to YYYY-MM", () => {
    const o = run("targets_store", "05/2024,101,150000.5");
    expect(o.ok && o.record).toMatchObject({ month: "2024-05", sales_target: "150000.50", store_id: "101" });
    expect(o.ok && o.key).toBe("101|2024-05");
  });
});

describe("records match their Avro schemas", () => {
  const samples: Record<string, string> = {
    transactions: "2024-05-10 14:03:00,10001,101,555,2,500001,59.90",
    sku_dataset:
      "500001;Batom;Batom Matte Vermelho;Longa duração; sem transferência;Maquiagem;Batom;Aurora;3.5;g",
    sku_price: "500001,2024-01-01,,59.90",
    sku_cost: "500001,2024-01-01,2024-12-31,20.00",
    sku_status: "500001;2024-01-01;",
    stores: "101,Sudeste,Diretoria São Paulo,2019-03-01",
    employees: "10001,Ana,Conceição,529.982.247-25,não ativo,gerente,2020-01-15,2024-02-01,101",
    targets_salesperson: "10001,15000.00,05/2024",
    targets_store: "05/2024,101,150000.00",
    daily_stock: "2024-05-10,101,500001,12",
  };
  for (const k of FILE_KINDS) {
    it(`${k.kind} → ${k.schemaFile}`, () => {
      const raw = samples[k.kind]!;
      const fields =
        k.kind === "sku_dataset"
          ? [
              "500001",
              "Batom",
              "Batom Matte Vermelho",
              "Longa duração; sem transferência",
              "Maquiagem",
              "Batom",
              "Aurora",
              "3.5",
              "g",
            ]
          : raw.split(k.delimiter);
      const o = validateRow("f.csv", k, { line: 2, raw, fields }, ctx);
      expect(o.ok, JSON.stringify(o)).toBe(true);
      const schema = JSON.parse(
        readFileSync(resolve(REPO_ROOT, "schemas/raw", k.schemaFile), "utf8"),
      ) as avro.Schema;
      const type = avro.Type.forSchema(schema);
      const errors: string[] = [];
      const valid = type.isValid(o.ok ? o.record : {}, { errorHook: (path) => errors.push(path.join(".")) });
      expect(valid, errors.join(", ")).toBe(true);
      expect(Object.keys(o.ok ? o.record : {}).sort()).toEqual(
        (schema as { fields: { name: string }[] }).fields.map((f) => f.name).sort(),
      );
    });
  }
});
