/**
 * The product catalog: names, descriptions, contents, brand, base price and margin, popularity,
 * active periods (launches and discontinuations), and the cross-sell structure (each product's
 * main partner and, per sub-category, the products that complement it). Products are created in
 * "lines" so that a shampoo often has the conditioner of the same brand and line.
 */
import type { Rng } from "./prng.ts";
import { BRANDS, DESCRIPTION_TAILS, SUBCATEGORIES, complementSubs, type SubCategory } from "./taxonomy.ts";

/** An active period of a product, in epoch days; `end` null = still active. */
export interface ActivePeriod {
  readonly start: number;
  readonly end: number | null;
}

/** One product of the catalog. */
export interface Product {
  readonly index: number;
  /** `cod_prod`, digits only (500001, 500002, …). */
  readonly code: string;
  readonly sub: SubCategory;
  readonly subIndex: number;
  readonly brand: string;
  readonly variant: string;
  readonly nomeAbrev: string;
  readonly nomeCompleto: string;
  readonly descricao: string;
  readonly conteudoValor: string;
  readonly conteudoMedida: "ml" | "g" | "oz";
  /** Regular list price at the start of the price history, in cents. */
  readonly basePriceCents: number;
  /** Cents every regular price ends with (90, 99, 0 or 50). */
  readonly priceEnding: number;
  /** Target margin of cost over list price (0.30–0.75). */
  readonly margin: number;
  /** Relative demand (before seasonal boosts). */
  readonly popularity: number;
  readonly active: readonly ActivePeriod[];
  /** Index of the product most often bought with this one, or −1. */
  partner: number;
}

/** The catalog and its cross-sell structure. */
export interface Catalog {
  readonly products: readonly Product[];
  /** For each sub-category index, the indices of the products of its complementary sub-categories. */
  readonly complementsBySub: readonly Int32Array[];
}

/** Time window of the dataset, in epoch days. */
export interface DatasetWindow {
  /** First day of the price and cost histories (1 January of the year before `firstDay`). */
  readonly historyStart: number;
  readonly firstDay: number;
  readonly lastDay: number;
}

const FIRST_PRODUCT_CODE = 500_001;

const formatNumber = (n: number): string =>
  Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, "");

/**
 * Builds a catalog of `count` products.
 *
 * @param rng the catalog's random stream
 * @param count number of products (≥ 1)
 * @param window the dataset's time window (launches and discontinuations fall inside it)
 */
export function buildCatalog(rng: Rng, count: number, window: DatasetWindow): Catalog {
  const brandCategories = BRANDS.map(() => {
    const cats = rng.shuffle([...new Set(SUBCATEGORIES.map((s) => s.categoria))]);
    return new Set(cats.slice(0, rng.range(3, 5)));
  });
  const totalWeight = SUBCATEGORIES.reduce((a, s) => a + s.weight, 0);
  const pickSub = (): number => {
    let x = rng.next() * totalWeight;
    for (let i = 0; i < SUBCATEGORIES.length; i++) {
      x -= SUBCATEGORIES[i]?.weight ?? 0;
      if (x < 0) return i;
    }
    return SUBCATEGORIES.length - 1;
  };
  const subIndexOf = new Map(SUBCATEGORIES.map((s, i) => [s.sub, i]));
  const names = new Set<string>();
  const products: Product[] = [];

  const make = (subIndex: number, brandIndex: number, variantHint: string | null): void => {
    const sub = SUBCATEGORIES[subIndex] as SubCategory;
    const brand = BRANDS[brandIndex] ?? BRANDS[0]!;
    let variant = variantHint && sub.variants.includes(variantHint) ? variantHint : rng.pick(sub.variants);
    const useOz = brand.imported && sub.ozSizes !== undefined && rng.chance(0.6);
    const sizes = useOz ? (sub.ozSizes ?? sub.sizes) : sub.sizes;
    const sizeIndex = rng.int(sizes.length);
    const size = sizes[sizeIndex] ?? 1;
    const unit = useOz ? "oz" : sub.unit;
    const valor = formatNumber(size);
    let nomeCompleto = `${sub.sub} ${brand.name} ${variant} ${valor} ${unit}`;
    for (let tries = 0; names.has(nomeCompleto) && tries < 6; tries++) {
      variant = rng.pick(sub.variants);
      nomeCompleto = `${sub.sub} ${brand.name} ${variant} ${valor} ${unit}`;
    }
    if (names.has(nomeCompleto))
      nomeCompleto = `${sub.sub} ${brand.name} ${variant} Edição ${products.length} ${valor} ${unit}`;
    names.add(nomeCompleto);
    const variantWord = (variant.split(" ")[0] ?? variant).toUpperCase().slice(0, 10);
    const nomeAbrev = `${sub.abbrev} ${brand.abbrev} ${variantWord} ${valor}${unit.toUpperCase()}`.slice(
      0,
      40,
    );
    const [b1, b2] = rng.shuffle([...sub.benefits]);
    const joiner = rng.chance(0.35) ? "; " : ". ";
    const second = joiner === "; " ? (b2 ?? "").charAt(0).toLowerCase() + (b2 ?? "").slice(1) : (b2 ?? "");
    let descricao = `${b1}${joiner}${second}. ${rng.pick(DESCRIPTION_TAILS)}`;
    if (rng.chance(0.04)) descricao += ` Edição especial "${variant}".`;
    const sizeFactor = 1 + 0.3 * sizeIndex;
    const reais = rng.uniform(sub.price[0], sub.price[1]) * sizeFactor * (brand.imported ? 1.3 : 1);
    const priceEnding = rng.pick([90, 90, 90, 99, 0, 50]);
    const basePriceCents = Math.max(190, Math.floor(reais) * 100 + priceEnding);
    const popularity = Math.exp(0.9 * rng.normal()) * (60 / (basePriceCents / 100)) ** 0.3;
    products.push({
      index: products.length,
      code: String(FIRST_PRODUCT_CODE + products.length),
      sub,
      subIndex,
      brand: brand.name,
      variant,
      nomeAbrev,
      nomeCompleto,
      descricao,
      conteudoValor: valor,
      conteudoMedida: unit,
      basePriceCents,
      priceEnding,
      margin: rng.uniform(sub.margin[0], sub.margin[1]),
      popularity,
      active: activePeriods(rng, window),
      partner: -1,
    });
  };

  while (products.length < count) {
    const subIndex = pickSub();
    const sub = SUBCATEGORIES[subIndex] as SubCategory;
    const eligible = BRANDS.map((_, i) => i).filter((i) => brandCategories[i]?.has(sub.categoria));
    const brandIndex = eligible.length > 0 ? rng.pick(eligible) : rng.int(BRANDS.length);
    make(subIndex, brandIndex, null);
    const made = products.at(-1) as Product;
    const partnerIndex = sub.partner ? subIndexOf.get(sub.partner) : undefined;
    if (partnerIndex !== undefined && products.length < count && rng.chance(0.55))
      make(partnerIndex, brandIndex, made.variant);
  }

  const bySub: number[][] = SUBCATEGORIES.map(() => []);
  for (const p of products) bySub[p.subIndex]?.push(p.index);
  for (const p of products) p.partner = choosePartner(p, products, bySub, subIndexOf);
  const complementsBySub = SUBCATEGORIES.map(
    (s) => new Int32Array(complementSubs(s.sub).flatMap((name) => bySub[subIndexOf.get(name) ?? -1] ?? [])),
  );
  return { products, complementsBySub };
}

function choosePartner(
  p: Product,
  products: readonly Product[],
  bySub: readonly number[][],
  subIndexOf: ReadonlyMap<string, number>,
): number {
  const partnerSub = p.sub.partner === null ? undefined : subIndexOf.get(p.sub.partner);
  const candidates = partnerSub === undefined ? [] : (bySub[partnerSub] ?? []);
  if (candidates.length === 0) return -1;
  const score = (q: Product): number =>
    (q.brand === p.brand ? 2 : 0) + (q.variant === p.variant ? 1 : 0) + q.popularity / 1000;
  let best = candidates[0] as number;
  for (const c of candidates) if (score(products[c] as Product) > score(products[best] as Product)) best = c;
  return best;
}

function activePeriods(rng: Rng, w: DatasetWindow): ActivePeriod[] {
  const span = w.lastDay - w.firstDay;
  const launchedInside = span > 120 && rng.chance(0.07);
  const start = launchedInside
    ? rng.range(w.firstDay + 20, w.lastDay - 90)
    : w.historyStart - rng.range(0, 2500);
  const from = Math.max(start + 90, w.firstDay + 60);
  if (!(span > 150 && rng.chance(0.06)) || from > w.lastDay - 30) return [{ start, end: null }];
  const end = rng.range(from, w.lastDay - 30);
  const again = end + rng.range(45, 120);
  if (rng.chance(0.25) && again <= w.lastDay - 10)
    return [
      { start, end },
      { start: again, end: null },
    ];
  return [{ start, end }];
}

/** True when the product is active on the day. */
export function isActiveOn(p: Product, day: number): boolean {
  for (const a of p.active) if (a.start <= day && (a.end === null || day <= a.end)) return true;
  return false;
}
