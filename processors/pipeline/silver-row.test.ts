import { describe, expect, it } from "vitest";
import { DEFAULT_PLAN } from "../domain/commission-plan.ts";
import { enrichSale } from "../enrich/enrich-sale.ts";
import { ReferenceState } from "../enrich/reference-state.ts";
import { normalizeSale } from "../normalize/normalize-sale.ts";
import { toSilverRow } from "./silver-row.ts";

describe("toSilverRow", () => {
  it("maps an enriched sale to the sales_lines columns with exact integers", () => {
    const ref = new ReferenceState();
    ref.apply({
      kind: "sku_cost",
      row: {
        source_file: "c.csv",
        source_line: 2,
        cod_prod: "500001",
        data_inicio: "2024-01-01",
        data_fim: null,
        custo: "20.00",
      },
    });
    const raw = {
      data: "2024-05-31 22:30:00",
      cod_vendedor: "10001",
      cod_loja: "101",
      cod_transacao: "9",
      quantidade: -1,
      cod_prod: "500001",
      preco: "59.90",
      source_file: "t.csv",
      source_line: 5,
    };
    const row = toSilverRow(
      enrichSale(normalizeSale(raw, "America/Sao_Paulo"), ref, DEFAULT_PLAN),
      { topic: "raw.transactions", partition: 2, offset: 17 },
      { rejection: "", pairPartners: ["500002"] },
    );
    expect(row).toEqual({
      _topic: "raw.transactions",
      _partition: 2,
      _offset: 17,
      line_id: "101|9|500001",
      basket_id: "101|9",
      seller_id: "10001",
      seller_role: "",
      store_id: "101",
      transaction_id: "9",
      product_id: "500001",
      quantidade: -1,
      preco_cents: 5990,
      revenue_cents: -5990,
      high_margin: 1,
      commission_rate_micro: 50000,
      commission_micro: -5990 * 50000,
      plan_version: 1,
      sale_time: "2024-06-01 01:30:00",
      local_date: "2024-05-31",
      month: "2024-05",
      weekday: 5,
      hour: 22,
      source_file: "t.csv",
      source_line: 5,
      rejection: "",
      pair_partners: ["500002"],
    });
  });
});
