import { describe, expect, it } from "vitest";
import { basketPairs } from "../domain/co-purchase.ts";
import { basketStateOf, walkBaskets, type WalkLine } from "./basket-walk.ts";

const line = (basketId: string, productId: string, quantidade = 1): WalkLine => ({
  basketId,
  productId,
  quantidade,
});

/** Pair counts the decisions add (each line counts its partners once). */
function pairsOf(lines: readonly WalkLine[], decided: ReturnType<typeof walkBaskets>): Map<string, number> {
  const out = new Map<string, number>();
  decided.forEach((d, i) => {
    for (const p of d.pairPartners) {
      const [a, b] = [p, lines[i]!.productId].sort();
      out.set(`${lines[i]!.basketId}:${a}+${b}`, (out.get(`${lines[i]!.basketId}:${a}+${b}`) ?? 0) + 1);
    }
  });
  return out;
}

describe("walkBaskets (dedupe and co-purchase partners)", () => {
  it("keeps the first occurrence of a line identity and rejects later ones", () => {
    const lines = [line("1|9", "500"), line("1|9", "600"), line("1|9", "500", 3), line("2|9", "500")];
    const d = walkBaskets(new Map(), lines);
    expect(d.map((x) => x.rejection)).toEqual(["", "", "duplicate", ""]);
    expect(d.map((x) => x.newBasket)).toEqual([true, false, false, true]);
  });

  it("rejects a line already held in ClickHouse before the batch", () => {
    const prior = basketStateOf([{ basket_id: "1|9", product_id: "500", quantidade: 2 }]);
    const d = walkBaskets(prior, [line("1|9", "500"), line("1|9", "700")]);
    expect(d.map((x) => x.rejection)).toEqual(["duplicate", ""]);
    expect(d[1]!.pairPartners).toEqual(["500"]);
    expect(d[1]!.newBasket).toBe(false);
  });

  it("pairs only products with quantidade > 0; a return gets no partners and is no partner", () => {
    const d = walkBaskets(new Map(), [line("b", "1"), line("b", "2", -1), line("b", "3"), line("b", "4", 2)]);
    expect(d.map((x) => x.pairPartners)).toEqual([[], [], ["1"], ["1", "3"]]);
  });

  it("counts every pair of a basket exactly once in any order or split", () => {
    const products = ["10", "20", "30", "40", "50"];
    const want = new Map(basketPairs(products).map(([a, b]) => [`x:${[a, b].sort().join("+")}`, 1]));
    for (let seed = 0; seed < 30; seed++) {
      const shuffled = [...products].sort(() => Math.sin(seed * 97 + products.length) - 0.5);
      const all = shuffled.map((p) => line("x", p));
      // Split the basket at every point: the first part is already in ClickHouse.
      for (let cut = 0; cut <= all.length; cut++) {
        const before = walkBaskets(new Map(), all.slice(0, cut));
        const state = basketStateOf(
          all
            .slice(0, cut)
            .map((l) => ({ basket_id: l.basketId, product_id: l.productId, quantidade: l.quantidade })),
        );
        const after = walkBaskets(state, [...all.slice(cut), ...all]); // …plus a full replay: all duplicates
        const got = new Map([...pairsOf(all.slice(0, cut), before)]);
        for (const [k, v] of pairsOf([...all.slice(cut), ...all], after)) got.set(k, (got.get(k) ?? 0) + v);
        expect(got).toEqual(want);
        expect(after.slice(all.length - cut).every((x) => x.rejection === "duplicate")).toBe(true);
      }
    }
  });
});
