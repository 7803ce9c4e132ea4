/**
 * TypeScript types of the processor's output records, matching `schemas/sales-feedback.avsc`
 * (one type for the producer, the API's live feed and the bot). Money is exact decimal text;
 * Avro `long`s decode to JS numbers (counts and epoch ms stay far below 2^53).
 */

/** One complement of the sold product (co-purchase), best first. */
export interface FeedbackComplement {
  readonly product_id: string;
  readonly product_name: string;
  readonly times_bought_together: number;
}

/** A `sales.feedback` value: what an accepted line earned and the seller's month figures after it. */
export interface SaleFeedback {
  readonly line_id: string;
  readonly basket_id: string;
  readonly seller_id: string;
  readonly store_id: string;
  readonly product_id: string;
  readonly product_name: string;
  readonly quantidade: number;
  readonly revenue: string;
  readonly sale_time: string;
  readonly month: string;
  readonly high_margin: boolean;
  readonly line_commission: string;
  readonly earned: string;
  readonly month_revenue: string;
  readonly month_target: string | null;
  readonly attainment: string | null;
  readonly multiplier: string;
  readonly month_commission: string;
  readonly next_tier_attainment: string | null;
  readonly next_tier_multiplier: string | null;
  readonly revenue_to_next_tier: string | null;
  readonly lines: number;
  readonly baskets: number;
  readonly crossed_tier: boolean;
  readonly complements: readonly FeedbackComplement[];
  readonly processed_at: number;
}
