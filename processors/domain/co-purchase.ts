/**
 * Co-purchase (DESIGN §6): a basket is the set of distinct `cod_prod` of the lines with
 * `quantidade` > 0 of one (`cod_loja`, `cod_transacao`); each unordered pair of distinct products
 * counts once per basket, whatever order or file its lines came in.
 */

/** Unordered pair key, lower product first (numeric order for digit ids). */
export const pairKey = (a: string, b: string): [string, string] => (compareProd(a, b) <= 0 ? [a, b] : [b, a]);

/** Orders product codes numerically when both are digits, else as text. */
export function compareProd(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The pairs a product adds to a basket that already holds `existing` products.
 * Adding a product already in the basket adds nothing.
 */
export function pairsAddedBy(existing: ReadonlySet<string>, product: string): [string, string][] {
  if (existing.has(product)) return [];
  return [...existing].map((p) => pairKey(p, product));
}

/** Every pair of a basket (its distinct products). */
export function basketPairs(products: Iterable<string>): [string, string][] {
  const distinct = [...new Set(products)].sort(compareProd);
  const out: [string, string][] = [];
  for (let i = 0; i < distinct.length; i++)
    for (let j = i + 1; j < distinct.length; j++) out.push([distinct[i]!, distinct[j]!]);
  return out;
}

/**
 * Complements of a product: others ranked by times bought together, ties by lower `cod_prod`.
 *
 * @param counts pair counts keyed `a|b` with a < b
 */
export function complementsOf(
  product: string,
  counts: ReadonlyMap<string, number>,
  limit: number,
): { codProd: string; timesBoughtTogether: number }[] {
  const out: { codProd: string; timesBoughtTogether: number }[] = [];
  for (const [key, n] of counts) {
    const [a, b] = key.split("|") as [string, string];
    if (a === product) out.push({ codProd: b, timesBoughtTogether: n });
    else if (b === product) out.push({ codProd: a, timesBoughtTogether: n });
  }
  return out
    .sort((x, y) => y.timesBoughtTogether - x.timesBoughtTogether || compareProd(x.codProd, y.codProd))
    .slice(0, limit);
}
