/**
 * Enriches a normalized sale line into its silver row (DESIGN §6): cost at the sale's local date
 * → high-margin rate class, line commission in micro-cents under the commission plan, the
 * seller's role, and flags for what is unknown (an unknown product, seller or store is accepted —
 * the revenue is real — and just earns no margin bonus).
 */
import type { CommissionPlan } from "../domain/commission-plan.ts";
import { centsOf } from "../domain/money.ts";
import { isHighMargin, lineCommissionMicroCents, lineRate } from "../domain/rules.ts";
import type { NormalizedSale } from "../normalize/normalize-sale.ts";
import type { ReferenceState } from "./reference-state.ts";

export interface EnrichedSale extends NormalizedSale {
  readonly sellerRole: string; // "vendedor" | "gerente" | "" (unknown seller)
  readonly costCents: bigint | undefined;
  readonly highMargin: boolean;
  readonly commissionRateMicro: bigint;
  readonly commissionMicro: bigint;
  readonly planVersion: number;
  readonly unknown: { readonly product: boolean; readonly seller: boolean; readonly store: boolean };
}

export function enrichSale(sale: NormalizedSale, ref: ReferenceState, plan: CommissionPlan): EnrichedSale {
  const cost = ref.costAt(sale.productId, sale.localDate);
  const high = isHighMargin(plan, sale.preco, cost);
  const rate = lineRate(plan, high);
  const employee = ref.employee(sale.sellerId);
  // Fields listed, not spread: a spread of the sale per line was this function's main cost.
  return {
    lineId: sale.lineId,
    basketId: sale.basketId,
    sellerId: sale.sellerId,
    storeId: sale.storeId,
    transactionId: sale.transactionId,
    productId: sale.productId,
    quantidade: sale.quantidade,
    preco: sale.preco,
    revenueCents: sale.revenueCents,
    instantMs: sale.instantMs,
    localDate: sale.localDate,
    month: sale.month,
    weekday: sale.weekday,
    hour: sale.hour,
    sourceFile: sale.sourceFile,
    sourceLine: sale.sourceLine,
    sellerRole: employee?.role ?? "",
    costCents: cost === undefined ? undefined : centsOf(cost),
    highMargin: high,
    commissionRateMicro: rate,
    commissionMicro: lineCommissionMicroCents(sale.revenueCents, rate),
    planVersion: plan.version,
    unknown: {
      product: ref.product(sale.productId) === undefined,
      seller: employee === undefined,
      store: ref.store(sale.storeId) === undefined,
    },
  };
}
