/**
 * The API's access rules (DESIGN §8, §11) in one place, for REST routes and the socket alike:
 *
 * | what                                   | seller               | manager          | admin |
 * |----------------------------------------|----------------------|------------------|-------|
 * | a seller's figures                     | own sellerId         | sellers of store | all   |
 * | store summary, ranking, network        | own store / all      | own store / all  | all   |
 * | a store's team, staffing, stock alerts | no                   | own store        | all   |
 * | products (complements, margin, promos) | yes                  | yes              | all   |
 * | ingest status                          | no                   | no               | yes   |
 * | live feed: seller / store / network    | own / no / no        | store's / own / no | all |
 * | Telegram link codes                    | no                   | sellers of store | all   |
 *
 * A seller's store is the employee table's (`figures.employee`), so a token cannot widen it.
 *
 * @example
 *   if (!(await access.canReadSeller(principal, "123"))) throw forbidden(...);
 */
import type { Principal } from "./principal.ts";

/** Where a seller works (employee table), or undefined when unknown. */
export type SellerStoreLookup = (sellerId: string) => Promise<string | undefined>;

export interface Access {
  /** A seller's personal figures (summary, live feed, link codes). */
  canReadSeller(p: Principal, sellerId: string): Promise<boolean>;
  /** Non-personal aggregates of one store (summary). */
  canReadStoreSummary(p: Principal, storeId: string): Promise<boolean>;
  /** A store's people and operations (team, staffing, stock, its live feed). */
  canManageStore(p: Principal, storeId: string): boolean;
  /** Everyone's live feed. */
  canReadNetworkFeed(p: Principal): boolean;
  /** Operations data (ingest status). */
  isAdmin(p: Principal): boolean;
  /** The store a principal belongs to (manager: its claim; seller: the employee table). */
  storeOf(p: Principal): Promise<string | undefined>;
}

export function createAccess(sellerStore: SellerStoreLookup): Access {
  const storeOf = async (p: Principal): Promise<string | undefined> => {
    if (p.role === "manager") return p.storeId;
    if (p.role === "seller" && p.sellerId !== undefined) return (await sellerStore(p.sellerId)) ?? p.storeId;
    return undefined;
  };
  return {
    async canReadSeller(p, sellerId) {
      if (p.role === "admin") return true;
      if (p.role === "seller") return p.sellerId === sellerId;
      if (p.storeId === undefined) return false;
      return (await sellerStore(sellerId)) === p.storeId;
    },
    async canReadStoreSummary(p, storeId) {
      if (p.role === "admin") return true;
      return (await storeOf(p)) === storeId;
    },
    canManageStore: (p, storeId) => p.role === "admin" || (p.role === "manager" && p.storeId === storeId),
    canReadNetworkFeed: (p) => p.role === "admin",
    isAdmin: (p) => p.role === "admin",
    storeOf,
  };
}
