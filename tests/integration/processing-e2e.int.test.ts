/**
 * Bucket → connector → processor → gold and outputs, on the real servers, against an INDEPENDENT
 * computation from the raw CSV files (tests/helpers/independent-figures.ts): a generated chain
 * with dirty rows of every class (duplicates included) plus a basket split across two files;
 * seller-month and store-month figures, co-purchase pairs, dead letters by reason and
 * exactly-once outputs. Then everything is replayed twice — the same objects (skipped) and copies
 * under new names (all duplicates) — and no figure changes.
 */
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReplaySummary } from "../../connectors/s3-source/source.ts";
import { queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { sql } from "../../lib/clickhouse/sql.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { startSalesProcessor, type RunningProcessor } from "../../processors/pipeline/sales-processor.ts";
import {
  expectExact,
  filesOf,
  generate,
  gold,
  harness,
  independent,
  ingestDeadLetters,
  outputs,
  replay,
  upload,
  waitCaughtUp,
  type Harness,
} from "../helpers/processing-harness.ts";
import { uniqueName } from "../setup/test-config.ts";

const HEADER = "data,cod_vendedor,cod_loja,cod_transacao,quantidade,cod_prod,preco";
const SPLIT_TXN = "8000000001";

describe("processing end to end", { timeout: 300_000 }, () => {
  let h: Harness;
  let dir: string;
  let processor: RunningProcessor | undefined;
  const groupId = uniqueName("test-e2e-group");
  let first: ReplaySummary;
  let splitBasket = "";
  /** Largest group of batches handled together (one insert for several partitions). */
  let largestGroup = 0;

  beforeAll(async () => {
    h = await harness("e2e");
    dir = await generate({ seed: 21, lines: 20_000, dirtyRate: 0.03 });
    // A basket split across two files (a duplicate and a return inside), in a real store and
    // with a real seller and products of the generated chain.
    const tx = readFileSync(join(dir, "transactions_2024.csv"), "utf8").split("\n")[1]!.split(",");
    const [data, seller, store] = tx as [string, string, string];
    const products = [
      ...new Set(
        readFileSync(join(dir, "transactions_2024.csv"), "utf8")
          .split("\n")
          .slice(1, 400)
          .map((l) => l.split(",")[5])
          .filter((p): p is string => !!p && /^\d+$/.test(p)),
      ),
    ].slice(0, 5);
    expect(products.length).toBe(5);
    const [p1, p2, p3, p4, p5] = products as [string, string, string, string, string];
    const line = (q: number, p: string) => `${data},${seller},${store},${SPLIT_TXN},${q},${p},19.90`;
    writeFileSync(join(dir, "transactions_split_a.csv"), [HEADER, line(1, p1), line(2, p2), ""].join("\n"));
    writeFileSync(
      join(dir, "transactions_split_b.csv"),
      [HEADER, line(1, p3), line(1, p2), line(-1, p4), line(1, p5), ""].join("\n"),
    );
    splitBasket = `${store}|${SPLIT_TXN}`;
    await upload(h, dir);
    processor = await startSalesProcessor(
      {
        config: h.config,
        kafka: h.deps.kafka,
        serde: h.deps.serde,
        ch: h.ch,
        plan: DEFAULT_PLAN,
        log: createLogger({ name: "test", level: "error" }),
      },
      {
        groupId,
        feedbackMaxAgeMs: undefined,
        onBatch: (stats) => (largestGroup = Math.max(largestGroup, stats.group)),
      },
    );
  });

  afterAll(async () => {
    await processor?.stop();
    await h?.close();
  });

  it("gold figures, outputs and dead letters equal an independent computation from the files", async () => {
    const t0 = Date.now();
    first = await replay(h);
    await waitCaughtUp(h, groupId, 240_000, processor!.failed);
    const lines = first.files.filter((f) => f.kind === "transactions").reduce((a, f) => a + f.rowsRead, 0);
    console.log(`e2e: ${lines} transaction rows bucket → gold in ${Date.now() - t0} ms`);
    const want = independent(h, filesOf(dir, h.prefix));
    expect(want.deadLetters.get("duplicate") ?? 0, "the dataset holds duplicates").toBeGreaterThan(10);
    expect(want.sellerMonths.size).toBeGreaterThan(10);
    expect([...want.sellerMonths.values()].some((s) => s.multiplier > 100)).toBe(true);
    expectExact(want, await gold(h.ch), await outputs(h), ingestDeadLetters(first));
    // The figures above came (also) through groups of several partitions' batches.
    expect(largestGroup).toBeGreaterThan(1);
  });

  it("counts each pair of a basket split across two files once", async () => {
    const [row] = await queryRows<{ pairs: string; lines: string; dups: string }>(
      h.ch,
      sql`SELECT toString(sum(length(pair_partners))) AS pairs, toString(countIf(rejection = '')) AS lines,
            toString(countIf(rejection = 'duplicate')) AS dups
          FROM sales_lines WHERE basket_id = ${splitBasket}`,
    );
    // products 1, 2 | 3, (2 again), (4 returned), 5 → 4 positive products: 6 pairs, 1 duplicate
    expect(row).toEqual({ pairs: "6", lines: "5", dups: "1" });
  });

  it("replaying everything twice changes no figure", async () => {
    const again = await replay(h);
    expect(again.files.every((f) => f.skipped)).toBe(true);
    await upload(h, dir, `${h.prefix}copy/`);
    const copies = await replay(h);
    expect(copies.files.filter((f) => !f.skipped).length).toBe(filesOf(dir, "").length);
    await waitCaughtUp(h, groupId, 240_000, processor!.failed);
    const want = independent(h, [...filesOf(dir, h.prefix), ...filesOf(dir, `${h.prefix}copy/`)]);
    const once = independent(h, filesOf(dir, h.prefix));
    expect(want.acceptedLines).toBe(once.acceptedLines);
    expectExact(want, await gold(h.ch), await outputs(h), ingestDeadLetters(first, copies));
  });
});
