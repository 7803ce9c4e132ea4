/** Reference records become silver rows: exact cents, open periods as NULL, provenance kept. */
import { describe, expect, it } from "vitest";
import { REFERENCE_TABLES } from "./reference-tables.ts";

const prov = { source_file: "incoming/sku_price.csv", source_line: 7 };

describe("reference tables", () => {
  it("turns money into integer cents without a float", () => {
    expect(
      REFERENCE_TABLES.rawSkuPrice.toRow({
        cod_prod: "9",
        data_inicio: "2024-01-01",
        data_fim: null,
        preco: "59.9",
        ...prov,
      }),
    ).toEqual({ cod_prod: "9", data_inicio: "2024-01-01", data_fim: null, preco_cents: 5990, ...prov });
    expect(
      REFERENCE_TABLES.rawTargetsSalesperson.toRow({
        id_employee: "1",
        sales_target: "18000.05",
        month: "2024-05",
        ...prov,
      }),
    ).toMatchObject({ sales_target_cents: 1_800_005, month: "2024-05" });
    expect(
      REFERENCE_TABLES.rawSkuCost.toRow({
        cod_prod: "9",
        data_inicio: "2024-01-01",
        data_fim: "2024-02-01",
        custo: "0.07",
        ...prov,
      }),
    ).toMatchObject({ custo_cents: 7, data_fim: "2024-02-01" });
  });

  it("keeps the pseudonym, never a CPF field", () => {
    const row = REFERENCE_TABLES.rawEmployees.toRow({
      id_employee: "1",
      name: "Ana",
      surname: "Lima",
      cpf_pseudonym: "ab".repeat(32),
      status: "ativo",
      role: "vendedor",
      initial_date: "2020-01-01",
      end_date: null,
      store_id: "101",
      ...prov,
    });
    expect(row).toMatchObject({ cpf_pseudonym: "ab".repeat(32), end_date: null, store_id: "101" });
    expect(Object.keys(row)).not.toContain("cpf");
  });

  it("maps every reference topic to its own ref_ table", () => {
    const tables = Object.values(REFERENCE_TABLES).map((t) => t.table);
    expect(new Set(tables).size).toBe(9);
    for (const t of tables) expect(t).toMatch(/^ref_/);
  });
});
