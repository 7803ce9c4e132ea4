/** Types of `format.js` (plain ES module served to the browser), for the unit tests. */
export declare function splitDecimal(
  text: unknown,
  places: number,
): { negative: boolean; intPart: string; fracPart: string } | undefined;
export declare function formatMoney(text: string | null | undefined): string;
export declare function formatPercent(ratio: string | null | undefined, places?: number): string;
export declare function shiftPoint(text: string, by: number): string;
export declare function formatMultiplier(text: string): string;
export declare function formatCount(n: number | null | undefined): string;
export declare function formatDecimal(text: string | null | undefined, places?: number): string;
export declare function barWidth(ratio: string | null | undefined, scale?: number): number;
export declare function tierClass(multiplier: string): string;
export declare function formatTime(iso: string, timeZone?: string): string;
export declare function formatMonth(month: string): string;
export declare function sellerLabel(name: string | null | undefined, sellerId: string): string;
