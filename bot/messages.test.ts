import { describe, expect, it } from "vitest";
import type { SellerSummary } from "../sql/figures/contract.ts";
import type { SaleFeedback } from "./feedback-event.ts";
import { brl, pct, times } from "./format.ts";
import * as msg from "./messages.ts";

/** Intl puts a non-breaking space after R$. */
const R = (s: string): string => s.replace(/R\$ /g, "R$\u00a0");

const event = (over: Partial<SaleFeedback> = {}): SaleFeedback => ({
  line_id: "101|9|500001",
  basket_id: "101|9",
  seller_id: "1001",
  store_id: "101",
  product_id: "500001",
  product_name: "Batom Matte",
  quantidade: 2,
  revenue: "119.80",
  sale_time: "2026-12-02T12:00:00.000Z",
  month: "2026-12",
  high_margin: false,
  line_commission: "3.59",
  earned: "3.59",
  month_revenue: "26250.00",
  month_target: "30000.00",
  attainment: "0.8750",
  multiplier: "1.00",
  month_commission: "787.50",
  next_tier_attainment: "1.00",
  next_tier_multiplier: "1.25",
  revenue_to_next_tier: "3750.00",
  lines: 120,
  baskets: 80,
  crossed_tier: false,
  complements: [{ product_id: "500002", product_name: "Delineador", times_bought_together: 42 }],
  processed_at: 0,
  ...over,
});

describe("format", () => {
  it("formats money, ratios and multipliers in pt-BR from decimal text", () => {
    expect(brl("1234567.89")).toBe(R("R$ 1.234.567,89"));
    expect(brl("0.1")).toBe(R("R$ 0,10"));
    expect(brl("-59.90")).toBe(R("-R$ 59,90"));
    // Exact beyond float precision: 2^53 + 1 cents.
    expect(brl("90071992547409.93")).toBe(R("R$ 90.071.992.547.409,93"));
    expect(pct("1.0234")).toBe("102,3%");
    expect(times("1.5")).toBe("1,50×");
  });
});

describe("salePing", () => {
  it("says the sale value, what it earned, month commission, % of target, next tier and a complement", () => {
    expect(msg.salePing([event()])).toBe(
      R(
        [
          "💰 Venda de R$ 119,80 — 2× Batom Matte",
          "Você ganhou R$ 3,59 com ela.",
          "Comissão do mês: R$ 787,50 (multiplicador 1,00×)",
          "Meta: 87,5% de R$ 30.000,00",
          "Próxima faixa: 100% da meta (1,25×) — faltam R$ 3.750,00",
          "💡 Ofereça também: Delineador (comprados juntos 42 vezes)",
        ].join("\n"),
      ),
    );
  });

  it("celebrates a tier crossing and shows the top tier", () => {
    const text = msg.salePing([
      event({
        crossed_tier: true,
        multiplier: "1.50",
        attainment: "1.2001",
        next_tier_attainment: null,
        next_tier_multiplier: null,
        revenue_to_next_tier: null,
        complements: [],
      }),
    ]);
    expect(text).toContain("🎉 Parabéns! Você subiu de faixa: sua comissão do mês agora vale 1,50×!");
    expect(text).toContain("Você está na faixa máxima (1,50×).");
    expect(text).not.toContain("Ofereça");
  });

  it("merges pending sales exactly (no float sums) with the last sale's month figures", () => {
    const text = msg.salePing([
      event({ basket_id: "a", revenue: "0.10", earned: "0.01" }),
      event({ basket_id: "b", revenue: "0.20", earned: "0.01" }),
      event({
        basket_id: "c",
        revenue: "0.70",
        earned: "0.02",
        month_commission: "790.00",
        crossed_tier: false,
      }),
    ]);
    expect(text.split("\n").slice(0, 3)).toEqual([
      R("💰 3 vendas: R$ 0,10 + R$ 0,20 + R$ 0,70 = R$ 1,00"),
      R("Você ganhou R$ 0,04 com elas."),
      R("Comissão do mês: R$ 790,00 (multiplicador 1,00×)"),
    ]);
  });

  it("tells a manager the sale counts for the store, without commission lines", () => {
    const text = msg.salePing([event({ earned: "0.00", month_commission: "0.00" })], { manager: true });
    expect(text).toBe(
      R(
        "💰 Venda de R$ 119,80 — 2× Batom Matte\n" +
          "Gerentes não recebem comissão: suas vendas (R$ 26.250,00 no mês) contam para a loja.",
      ),
    );
  });

  it("merges the lines of one basket into one sale of several items, and sums per basket", () => {
    const one = msg.salePing([
      event({ revenue: "119.80", earned: "3.59" }),
      event({ product_name: "Delineador", quantidade: 1, revenue: "30.00", earned: "0.90" }),
    ]);
    expect(one.split("\n").slice(0, 2)).toEqual([
      R("💰 Venda de R$ 149,80 — 2× Batom Matte, 1× Delineador"),
      R("Você ganhou R$ 4,49 com ela."),
    ]);
    const two = msg.salePing([
      event({ revenue: "10.00" }),
      event({ revenue: "5.00" }),
      event({ basket_id: "101|10", revenue: "1.00" }),
    ]);
    expect(two.split("\n")[0]).toBe(R("💰 2 vendas: R$ 15,00 + R$ 1,00 = R$ 16,00"));
  });

  it("gives only the total for many merged sales", () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      event({ basket_id: `b${i}`, revenue: "0.10", earned: "0.01" }),
    );
    expect(msg.salePing(many).split("\n").slice(0, 2)).toEqual([
      R("💰 7 vendas somando R$ 0,70"),
      R("Você ganhou R$ 0,07 com elas."),
    ]);
  });

  it("says a return is a return, and a missing target", () => {
    const text = msg.salePing([
      event({ quantidade: -1, revenue: "-59.90", earned: "-1.80", month_target: null, attainment: null }),
    ]);
    expect(text).toContain(R("↩️ Devolução de -R$ 59,90 — 1× Batom Matte"));
    expect(text).toContain("Sem meta cadastrada para este mês.");
  });
});

describe("commands", () => {
  const s: SellerSummary = {
    sellerId: "1001",
    storeId: "101",
    month: "2026-12",
    revenue: "26250.00",
    target: "30000.00",
    attainment: "0.8750",
    multiplier: "1.00",
    commission: "787.50",
    lines: 120,
    baskets: 80,
    name: "Ana Souza",
    role: "vendedor",
    nextTier: { attainment: "1.00", multiplier: "1.25", revenueNeeded: "3750.00" },
  };

  it("/meta and /comissao", () => {
    expect(msg.meta(s, "2026-12")).toBe(
      R(
        "🎯 Sua meta de 12/2026\nVendido: R$ 26.250,00 em 80 atendimentos\nMeta: 87,5% de R$ 30.000,00\n" +
          "Próxima faixa: 100% da meta (1,25×) — faltam R$ 3.750,00",
      ),
    );
    expect(msg.commission(s, "2026-12")).toBe(
      R(
        "💵 Sua comissão de 12/2026: R$ 787,50\nMultiplicador: 1,00× · vendido R$ 26.250,00 em 120 itens e 80 atendimentos",
      ),
    );
    expect(msg.commission({ ...s, role: "gerente" }, "2026-12")).toMatch(/^Gerentes não recebem comissão/);
    expect(msg.meta(undefined, "2026-12")).toBe("Ainda não há vendas suas em 12/2026.");
  });

  it("help lists manager commands only for managers", () => {
    expect(msg.help(false)).not.toContain("/equipe");
    expect(msg.help(true)).toContain("/equipe");
  });
});
