import { describe, expect, it } from "vitest";
import type { RawTransaction } from "../../schemas/raw-records.ts";
import { DEFAULT_PLAN } from "../domain/commission-plan.ts";
import { normalizeSale } from "../normalize/normalize-sale.ts";
import { enrichSale } from "./enrich-sale.ts";
import { ReferenceState } from "./reference-state.ts";

const prov = { source_file: "f.csv", source_line: 2 };
const state = (): ReferenceState => {
  const s = new ReferenceState();
  s.apply({
    kind: "employees",
    row: {
      ...prov,
      id_employee: "10001",
      name: "Ana",
      surname: "S",
      cpf_pseudonym: "x",
      status: "ativo",
      role: "vendedor",
      initial_date: "2020-01-01",
      end_date: null,
      store_id: "101",
    },
  });
  // The later row for the same employee wins (promoted to gerente).
  s.apply({
    kind: "employees",
    row: {
      ...prov,
      id_employee: "10002",
      name: "Bia",
      surname: "S",
      cpf_pseudonym: "y",
      status: "ativo",
      role: "vendedor",
      initial_date: "2020-01-01",
      end_date: null,
      store_id: "101",
    },
  });
  s.apply({
    kind: "employees",
    row: {
      ...prov,
      id_employee: "10002",
      name: "Bia",
      surname: "S",
      cpf_pseudonym: "y",
      status: "ativo",
      role: "gerente",
      initial_date: "2020-01-01",
      end_date: null,
      store_id: "101",
    },
  });
  s.apply({
    kind: "stores",
    row: { ...prov, nome_loja: "101", regiao: "Sudeste", diretoria: "SP", data_inauguracao: "2019-01-01" },
  });
  s.apply({
    kind: "sku_dataset",
    row: {
      ...prov,
      cod_prod: "500001",
      nome_abrev: "Batom",
      nome_completo: "",
      descricao: "",
      categoria: "Maquiagem",
      sub_categoria: "",
      marca: "",
      conteudo_valor: "",
      conteudo_medida: "",
    },
  });
  s.apply({
    kind: "sku_cost",
    row: { ...prov, cod_prod: "500001", data_inicio: "2024-01-01", data_fim: null, custo: "40.00" },
  });
  s.apply({
    kind: "sku_cost",
    row: { ...prov, cod_prod: "500001", data_inicio: "2024-05-01", data_fim: "2024-05-31", custo: "20.00" },
  });
  s.apply({
    kind: "targets_salesperson",
    row: { ...prov, id_employee: "10001", sales_target: "1000.00", month: "2024-05" },
  });
  s.apply({
    kind: "targets_salesperson",
    row: { ...prov, id_employee: "10001", sales_target: "1200.00", month: "2024-05" },
  });
  return s;
};
const sale = (data: string, seller = "10001", prod = "500001"): RawTransaction => ({
  ...prov,
  data,
  cod_vendedor: seller,
  cod_loja: "101",
  cod_transacao: "9",
  quantidade: 2,
  cod_prod: prod,
  preco: "59.90",
});
const SP = "America/Sao_Paulo";

describe("enrichSale", () => {
  it("takes the cost of the sale's local date: a May promotion on cost makes the line high-margin", () => {
    const may = enrichSale(normalizeSale(sale("2024-05-10 10:00:00"), SP), state(), DEFAULT_PLAN);
    expect(may).toMatchObject({
      highMargin: true,
      commissionRateMicro: 50_000n,
      costCents: 2000n,
      sellerRole: "vendedor",
    });
    expect(may.commissionMicro).toBe(11980n * 50_000n);
    const june = enrichSale(normalizeSale(sale("2024-06-01 00:30:00"), SP), state(), DEFAULT_PLAN);
    expect(june).toMatchObject({ highMargin: false, commissionRateMicro: 30_000n, costCents: 4000n });
  });
  it("uses the local date, not UTC: 2024-06-01T01:00Z is still May 31 in São Paulo", () => {
    expect(
      enrichSale(normalizeSale(sale("2024-06-01T01:00:00Z"), SP), state(), DEFAULT_PLAN).highMargin,
    ).toBe(true);
  });
  it("applies the later reference row and keeps unknowns accepted but flagged", () => {
    expect(enrichSale(normalizeSale(sale("2024-05-10", "10002"), SP), state(), DEFAULT_PLAN).sellerRole).toBe(
      "gerente",
    );
    const unknown = enrichSale(
      normalizeSale(sale("2024-05-10", "99999", "599999"), SP),
      state(),
      DEFAULT_PLAN,
    );
    expect(unknown).toMatchObject({
      sellerRole: "",
      highMargin: false,
      unknown: { seller: true, product: true, store: false },
    });
    expect(unknown.revenueCents).toBe(11980n);
    expect(state().sellerTarget("10001", "2024-05")).toBe(120000n);
  });
});
