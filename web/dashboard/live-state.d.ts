/** Types of `live-state.js` (plain ES module served to the browser), for the unit tests. */
export interface SellerRow {
  sellerId: string;
  storeId: string | null;
  month: string;
  revenue: string;
  target: string | null;
  attainment: string | null;
  multiplier: string;
  commission: string;
  lines: number;
  baskets: number;
  name: string | null;
  role: string | null;
  nextTier: { attainment: string; multiplier: string; revenueNeeded: string } | null;
}
export interface SaleMessage {
  type?: "sale";
  sellerId: string;
  storeId: string;
  productId: string;
  productName: string;
  quantidade: number;
  revenue: string;
  saleTime: string;
  month: string;
  monthRevenue: string;
  monthTarget: string | null;
  attainment: string | null;
  multiplier: string;
  monthCommission: string;
  nextTierAttainment: string | null;
  nextTierMultiplier: string | null;
  revenueToNextTier: string | null;
  lines: number | string;
  baskets: number | string;
  complements?: { productId: string; productName: string; timesBoughtTogether: number | string }[];
  [k: string]: unknown;
}
export interface Pair {
  a: string;
  b: string;
  aName: string | null;
  bName: string | null;
  times: number;
}
export declare function centsOf(text: string | null | undefined): bigint;
export declare function moneyOfCents(cents: bigint): string;
export declare function byRevenueDesc(a: SellerRow, b: SellerRow): number;
export declare function sellerRowFromSale(sale: SaleMessage, previous?: Partial<SellerRow>): SellerRow;
export declare function applySaleToTeam(
  rows: SellerRow[],
  sale: SaleMessage,
  storeId: string,
  month: string,
): SellerRow[];
export declare function addPairs(
  pairs: Map<string, Pair>,
  productId: string,
  productName: string | null,
  complements: {
    productId?: string;
    codProd?: string;
    productName?: string;
    name?: string | null;
    timesBoughtTogether: number | string;
  }[],
): Map<string, Pair>;
export declare function topPairs(pairs: Map<string, Pair>, n: number): Pair[];
export declare function addToMinutes(
  minutes: Map<number, bigint>,
  sale: { saleTime: string; revenue: string },
  nowMs: number,
  window?: number,
): Map<number, bigint>;
export declare function minuteSeries(
  minutes: Map<number, bigint>,
  nowMs: number,
  window?: number,
): { minute: number; cents: bigint }[];
