/**
 * The chain's reference model — catalog, store network with its people, price and cost histories —
 * built from the seed and the options alone. The history generator (`generateDataset`) and the
 * live point-of-sale simulator (`live-pos.ts`) both build it here, so the same options give both
 * the same store codes, seller ids, products and prices.
 */
import { buildCatalog, type Catalog } from "./catalog.ts";
import { buildNetwork, type Network } from "./network.ts";
import type { ResolvedOptions } from "./options.ts";
import { buildCostHistory, buildPriceHistory, regularPrices, type ValuePeriod } from "./price-history.ts";
import { createRng } from "./prng.ts";

/** Everything the reference files are written from. */
export interface ReferenceModel {
  readonly catalog: Catalog;
  readonly network: Network;
  /** List-price periods per product index (`sku_price`); the last one is open. */
  readonly prices: readonly (readonly ValuePeriod[])[];
  /** Cost periods per product index (`sku_cost`); the last one is open. */
  readonly costs: readonly (readonly ValuePeriod[])[];
}

/** Builds the model of validated options (streams `catalog`, `network`, `prices`). */
export function buildReferenceModel(
  o: Pick<ResolvedOptions, "seed" | "stores" | "sellersPerStore" | "products" | "window">,
): ReferenceModel {
  const catalog = buildCatalog(createRng(o.seed, "catalog"), o.products, o.window);
  const network = buildNetwork(createRng(o.seed, "network"), {
    stores: o.stores,
    sellersPerStore: o.sellersPerStore,
    firstDay: o.window.firstDay,
    lastDay: o.window.lastDay,
  });
  const priceRng = createRng(o.seed, "prices");
  const prices: ValuePeriod[][] = [];
  const costs: ValuePeriod[][] = [];
  for (const p of catalog.products) {
    const regular = regularPrices(priceRng, p, o.window);
    prices.push(buildPriceHistory(priceRng, p, o.window, regular));
    costs.push(buildCostHistory(priceRng, p, o.window, regular));
  }
  return { catalog, network, prices, costs };
}
