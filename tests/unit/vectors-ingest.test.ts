/**
 * Golden vectors of ingestion and enrichment (tests/vectors/ingest.json) through the STREAM's real
 * functions (connector csvRows/validateRow, processor normalizeSale/enrichSale/toSilverRow). The
 * Spark backfill's pytest (spark/tests/test_vectors.py) checks the same JSON against its Python
 * rules, so the two implementations cannot drift apart.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REJECT_REASONS } from "../../connectors/s3-source/contract/reasons.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { streamVerdicts, type IngestVectors } from "../../spark/vectors/stream-verdicts.ts";

const vectors = JSON.parse(
  readFileSync(resolve(REPO_ROOT, "tests/vectors/ingest.json"), "utf8"),
) as IngestVectors;

describe("golden vectors: ingestion and enrichment (tests/vectors/ingest.json)", async () => {
  const got = await streamVerdicts(vectors);
  vectors.cases.forEach((c, i) => {
    it(`${c.kind}: ${c.name}`, () => expect(got.cases[i]).toEqual(c.expect));
  });
  vectors.files.forEach((f, i) => {
    it(`file: ${f.name}`, () => expect(got.files[i]).toEqual(f.expect));
  });
  it("covers every rejection reason of the connector", () => {
    const seen = new Set<string>();
    for (const c of vectors.cases) {
      const r = (c.expect as { reason?: string }).reason;
      if (r) seen.add(r);
    }
    for (const f of vectors.files)
      for (const r of f.expect as { reason?: string }[]) if (r.reason) seen.add(r.reason);
    expect([...REJECT_REASONS].filter((r) => !seen.has(r))).toEqual([]);
  });
});
