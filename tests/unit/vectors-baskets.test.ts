/**
 * Golden vectors of dedupe and co-purchase partners (tests/vectors/baskets.json) through the
 * stream's basket walk; the Spark job's windows are checked on the same JSON by
 * spark/tests/test_baskets.py.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../lib/paths.ts";
import { walkBaskets } from "../../processors/pipeline/basket-walk.ts";

interface BasketVectors {
  lines: {
    basket: string;
    product: string;
    quantidade: number;
    expect: { rejection: string; partners: string[] };
  }[];
}

const vectors = JSON.parse(
  readFileSync(resolve(REPO_ROOT, "tests/vectors/baskets.json"), "utf8"),
) as BasketVectors;

describe("golden vectors: dedupe and co-purchase partners (tests/vectors/baskets.json)", () => {
  it("the stream's basket walk gives every line its expected decision", () => {
    const decided = walkBaskets(
      new Map(),
      vectors.lines.map((l) => ({ basketId: l.basket, productId: l.product, quantidade: l.quantidade })),
    );
    expect(decided.map((d) => ({ rejection: d.rejection, partners: [...d.pairPartners] }))).toEqual(
      vectors.lines.map((l) => l.expect),
    );
  });
});
