/**
 * The figures the API, the dashboard and the bot read (DESIGN §6, §8): the types of the one
 * query module over the gold views, `sql/figures/index.ts`, which implements `Figures`.
 *
 * Conventions: money is exact decimal text with two places ("1234.56", never a float); ratios
 * are decimal text with four places ("1.0234"); counts are numbers; months are `YYYY-MM`; dates
 * `YYYY-MM-DD`. A figure that does not exist (no target) is `null`.
 */
import type { ClickHouseClient } from "../../lib/clickhouse/clickhouse-client.ts";
import type { CommissionPlan } from "../../processors/domain/commission-plan.ts";

/** Seller-month, exactly the DESIGN §8 contract plus display fields. */
export interface SellerSummary {
  readonly sellerId: string;
  readonly storeId: string | null;
  readonly month: string;
  readonly revenue: string;
  readonly target: string | null;
  readonly attainment: string | null;
  readonly multiplier: string;
  readonly commission: string;
  readonly lines: number;
  readonly baskets: number;
  /** Display fields (not in the §8 contract, but the dashboard and the bot need them). */
  readonly name: string | null;
  readonly role: string | null;
  readonly nextTier: {
    readonly attainment: string;
    readonly multiplier: string;
    readonly revenueNeeded: string;
  } | null;
}

export interface StoreSummary {
  readonly storeId: string;
  readonly month: string;
  readonly revenue: string;
  readonly target: string | null;
  readonly attainment: string | null;
  readonly baskets: number;
  readonly avgTicket: string;
  readonly itemsPerBasket: string;
  readonly rankNetwork: number;
  readonly rankRegion: number;
  readonly region: string | null;
}

export interface NetworkSummary {
  readonly month: string;
  readonly revenue: string;
  readonly target: string | null;
  readonly attainment: string | null;
  readonly baskets: number;
  readonly avgTicket: string;
  readonly itemsPerBasket: string;
  readonly stores: number;
}

export interface Complement {
  readonly codProd: string;
  readonly name: string | null;
  readonly timesBoughtTogether: number;
}

export interface MarginProduct {
  readonly codProd: string;
  readonly name: string | null;
  readonly category: string | null;
  readonly listPrice: string;
  readonly cost: string;
  /** (list price − cost) / list price, four places. */
  readonly margin: string;
}

export interface Promotion {
  readonly codProd: string;
  readonly name: string | null;
  readonly price: string;
  readonly previousPrice: string;
  /** 1 − price / previous price, four places (≥ "0.1000"). */
  readonly discount: string;
  readonly start: string;
  readonly end: string | null;
}

export interface StaffingSlot {
  /** ISO weekday 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  readonly hour: number;
  /** Expected baskets in that hour (average over the recent weeks), two places. */
  readonly expectedBaskets: string;
  readonly recommendedSellers: number;
}

export interface StockAlert {
  readonly storeId: string;
  readonly codProd: string;
  readonly name: string | null;
  readonly onHand: number;
  /** Recent average daily units sold, two places. */
  readonly avgDailyUnits: string;
  /** Days of cover, one place; null when nothing sold recently. */
  readonly daysOfCover: string | null;
}

export interface Employee {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly status: string;
  readonly storeId: string;
}

/** Dead letters by reason, counted where they are exact. */
export interface ProcessingDeadLetters {
  readonly total: number;
  readonly byReason: Readonly<Record<string, number>>;
}

export interface Figures {
  sellerSummary(q: { sellerId: string; month: string }): Promise<SellerSummary | undefined>;
  /** Every seller of a store with a figure or an employee row that month, by revenue desc. */
  storeSellers(q: { storeId: string; month: string }): Promise<SellerSummary[]>;
  storeSummary(q: { storeId: string; month: string }): Promise<StoreSummary | undefined>;
  /** Every store, by rankNetwork. */
  storeRanking(q: { month: string }): Promise<StoreSummary[]>;
  networkSummary(q: { month: string }): Promise<NetworkSummary>;
  complements(q: { productId: string; limit: number }): Promise<Complement[]>;
  /** Active products (sku_status at `date`) ranked by margin of list price over cost at `date`. */
  topMargin(q: { limit: number; date: string }): Promise<MarginProduct[]>;
  /** Price periods ≥ 10 % below the product's previous period, active at `date`. */
  promotions(q: { date: string }): Promise<Promotion[]>;
  staffing(q: {
    storeId: string;
    weeks: number;
    basketsPerSellerHour: number;
    until: string;
  }): Promise<StaffingSlot[]>;
  stockAlerts(q: { storeId?: string; leadDays: number; date: string }): Promise<StockAlert[]>;
  employee(id: string): Promise<Employee | undefined>;
  processingDeadLetters(): Promise<ProcessingDeadLetters>;
}

/** What `createFigures` needs. */
export interface FiguresDeps {
  readonly ch: ClickHouseClient;
  readonly plan: CommissionPlan;
}

export type CreateFigures = (deps: FiguresDeps) => Figures;
