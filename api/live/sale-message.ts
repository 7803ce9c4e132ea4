/**
 * The WebSocket `sale` message: the camelCase of one `sales.feedback` event
 * (`schemas/sales-feedback.avsc`) — what the line earned and the seller's month figures right
 * after it. Money stays decimal text ("1234.56"); nothing becomes a float.
 *
 * @example
 *   socket.send(JSON.stringify(saleMessage(event)));
 */

/** A `sales.feedback` value as avsc decodes it (the shared record type). */
import type { SaleFeedback as SaleFeedbackEvent } from "../../schemas/sales-records.ts";

export type { SaleFeedbackEvent };

export interface SaleMessage {
  readonly type: "sale";
  readonly lineId: string;
  readonly basketId: string;
  readonly sellerId: string;
  readonly storeId: string;
  readonly productId: string;
  readonly productName: string;
  readonly quantidade: number;
  readonly revenue: string;
  readonly saleTime: string;
  readonly month: string;
  readonly highMargin: boolean;
  readonly lineCommission: string;
  readonly earned: string;
  readonly monthRevenue: string;
  readonly monthTarget: string | null;
  readonly attainment: string | null;
  readonly multiplier: string;
  readonly monthCommission: string;
  readonly nextTierAttainment: string | null;
  readonly nextTierMultiplier: string | null;
  readonly revenueToNextTier: string | null;
  readonly lines: number;
  readonly baskets: number;
  readonly crossedTier: boolean;
  readonly complements: readonly {
    readonly productId: string;
    readonly productName: string;
    readonly timesBoughtTogether: number;
  }[];
  readonly processedAt: number;
}

/** The message pushed to subscribers of the event's seller, store and the network. */
export function saleMessage(e: SaleFeedbackEvent): SaleMessage {
  return {
    type: "sale",
    lineId: e.line_id,
    basketId: e.basket_id,
    sellerId: e.seller_id,
    storeId: e.store_id,
    productId: e.product_id,
    productName: e.product_name,
    quantidade: e.quantidade,
    revenue: e.revenue,
    saleTime: e.sale_time,
    month: e.month,
    highMargin: e.high_margin,
    lineCommission: e.line_commission,
    earned: e.earned,
    monthRevenue: e.month_revenue,
    monthTarget: e.month_target,
    attainment: e.attainment,
    multiplier: e.multiplier,
    monthCommission: e.month_commission,
    nextTierAttainment: e.next_tier_attainment,
    nextTierMultiplier: e.next_tier_multiplier,
    revenueToNextTier: e.revenue_to_next_tier,
    lines: Number(e.lines),
    baskets: Number(e.baskets),
    crossedTier: e.crossed_tier,
    complements: e.complements.map((c) => ({
      productId: c.product_id,
      productName: c.product_name,
      timesBoughtTogether: Number(c.times_bought_together),
    })),
    processedAt: Number(e.processed_at),
  };
}
