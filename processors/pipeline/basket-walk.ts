/**
 * Dedupe and co-purchase partners for one batch of one `raw.transactions` partition (DESIGN §5,
 * §6), as a pure walk: the baskets' accepted lines already in ClickHouse (`basket_lines`) are the
 * state before the batch; the batch's lines are walked in offset order.
 *
 * - a line whose identity (cod_loja, cod_transacao, cod_prod) is already held → `duplicate`
 *   (the first occurrence wins);
 * - an accepted line with quantidade > 0 gets as partners the distinct products with
 *   quantidade > 0 its basket already holds, so each unordered pair of a basket is counted by
 *   exactly one line (the later of the two), whatever order or file the lines came in.
 *
 * @example
 *   const prior = basketStateOf(rowsFromBasketLines);
 *   const decided = walkBaskets(prior, batchLines); // same order as batchLines
 */

/** What the walk needs of a line. */
export interface WalkLine {
  readonly basketId: string;
  readonly productId: string;
  readonly quantidade: number;
}

/** The accepted lines of a basket: product → quantidade. */
export type BasketState = Map<string, Map<string, number>>;

export interface WalkDecision {
  /** '' = accepted, 'duplicate' = a later occurrence of a line identity. */
  readonly rejection: "" | "duplicate";
  /** Products with quantidade > 0 the basket held before this accepted line (sorted). */
  readonly pairPartners: readonly string[];
  /** First accepted line of a basket that held nothing before the batch. */
  readonly newBasket: boolean;
}

/** Builds the prior state from `basket_lines` rows. */
export function basketStateOf(
  rows: Iterable<{ basket_id: string; product_id: string; quantidade: number }>,
): BasketState {
  const state: BasketState = new Map();
  for (const r of rows) {
    let b = state.get(r.basket_id);
    if (!b) state.set(r.basket_id, (b = new Map()));
    if (!b.has(r.product_id)) b.set(r.product_id, r.quantidade);
  }
  return state;
}

/**
 * Decides each line of the batch, in order. `prior` is updated in place with the batch's
 * accepted lines (it is the state after the batch when the walk returns).
 */
export function walkBaskets(prior: BasketState, lines: readonly WalkLine[]): WalkDecision[] {
  const out: WalkDecision[] = new Array<WalkDecision>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    let basket = prior.get(l.basketId);
    const newBasket = basket === undefined;
    if (!basket) prior.set(l.basketId, (basket = new Map()));
    if (basket.has(l.productId)) {
      out[i] = { rejection: "duplicate", pairPartners: [], newBasket: false };
      continue;
    }
    let partners: string[] = [];
    if (l.quantidade > 0) {
      for (const [p, q] of basket) if (q > 0) partners.push(p);
      if (partners.length > 1) partners = partners.sort();
    }
    basket.set(l.productId, l.quantidade);
    out[i] = { rejection: "", pairPartners: partners, newBasket };
  }
  return out;
}
