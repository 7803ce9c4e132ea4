/**
 * Two processor instances in one group on the 4-partition raw.transactions, with rebalances in
 * the middle of the stream (a second member joins while the first works; later the first is
 * killed with SIGKILL and the second takes its partitions over after the session timeout):
 * figures exact and outputs exactly once (each partition's transactional id fences its
 * previous owner).
 *
 * The sales arrive in three parts, each replayed at a step of the scenario, so that work is
 * still flowing whenever a member joins or dies, however fast the members are: the first part
 * before the second member joins, the second while both run, the third as the first is killed.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assignedIn,
  batchesIn,
  expectExact,
  filesOf,
  generate,
  gold,
  harness,
  independent,
  ingestDeadLetters,
  outputs,
  replay,
  spawnProcessor,
  stopChild,
  upload,
  waitCaughtUp,
  waitForBatches,
  waitUntil,
  type Harness,
} from "../helpers/processing-harness.ts";
import { uniqueName } from "../setup/test-config.ts";

/**
 * Splits each transactions file of `dir` into three files with the same header, in line order:
 * `…_p1.csv` replaces it in `dir` (beside the reference files), `…_p2.csv` and `…_p3.csv` go to
 * two new folders.
 */
function splitInThree(dir: string): [string, string, string] {
  const parts: [string, string, string] = [dir, `${dir}-p2`, `${dir}-p3`];
  mkdirSync(parts[1]);
  mkdirSync(parts[2]);
  for (const name of readdirSync(dir).filter((n) => n.startsWith("transactions"))) {
    const [header, ...lines] = readFileSync(join(dir, name), "utf8")
      .split("\n")
      .filter((l) => l !== "");
    rmSync(join(dir, name));
    const third = Math.ceil(lines.length / 3);
    parts.forEach((folder, p) =>
      writeFileSync(
        join(folder, name.replace(/\.csv$/, `_p${p + 1}.csv`)),
        [header, ...lines.slice(p * third, (p + 1) * third), ""].join("\n"),
      ),
    );
  }
  return parts;
}

describe("two processors and rebalances mid-stream", { timeout: 400_000 }, () => {
  let h: Harness;
  let parts: [string, string, string];

  beforeAll(async () => {
    h = await harness("rebal");
    parts = splitInThree(await generate({ seed: 44, lines: 12_000, dirtyRate: 0.02 }));
  });
  afterAll(() => h?.close());

  it("keeps figures exact when members join and die", async () => {
    const groupId = uniqueName("test-rebalance-group");
    const deadline = () => Date.now() + 120_000;
    await upload(h, parts[0]);
    const a = await spawnProcessor(h, groupId);
    const first = await replay(h);
    await waitForBatches(a, 3, deadline());
    expect(batchesIn(a), "the first member handled the first part").toBeGreaterThanOrEqual(3);

    // Rebalance 1: once both members hold partitions, the second part flows to both.
    const b = await spawnProcessor(h, groupId);
    const shared = () => (assignedIn(b) ?? 0) > 0 && (assignedIn(a) ?? 4) < 4;
    await waitUntil(shared, deadline());
    expect(shared(), "the partitions are split between the two members").toBe(true);
    await upload(h, parts[1]);
    const second = await replay(h);
    await waitForBatches(b, 1, deadline());
    expect(batchesIn(b), "the second member handled batches of its partitions").toBeGreaterThanOrEqual(1);

    // Rebalance 2 (after the session timeout): a dies while the third part flows; b takes over.
    await upload(h, parts[2]);
    const replaying = replay(h);
    await stopChild(a, "SIGKILL");
    await waitUntil(() => assignedIn(b) === 4, deadline());
    expect(assignedIn(b), "the second member owns every partition").toBe(4);
    const third = await replaying;
    try {
      await waitCaughtUp(h, groupId, 240_000);
    } finally {
      await stopChild(b, "SIGTERM");
    }
    const files = parts.flatMap((dir) => filesOf(dir, h.prefix));
    const want = independent(h, files);
    expectExact(want, await gold(h.ch), await outputs(h), ingestDeadLetters(first, second, third));
  });
});
