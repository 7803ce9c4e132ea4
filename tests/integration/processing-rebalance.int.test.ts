/**
 * Two processor instances in one group on the 4-partition raw.transactions, with rebalances in
 * the middle of the stream (a second member joins while the first works; later the first is
 * killed with SIGKILL and the second takes its partitions over after the session timeout):
 * figures exact and outputs exactly once (each partition's transactional id fences its
 * previous owner).
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import {
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
  type Harness,
} from "../helpers/processing-harness.ts";
import { uniqueName } from "../setup/test-config.ts";

describe("two processors and rebalances mid-stream", { timeout: 400_000 }, () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    h = await harness("rebal");
    dir = await generate({ seed: 44, lines: 10_000, dirtyRate: 0.02 });
    await upload(h, dir);
  });
  afterAll(() => h?.close());

  it("keeps figures exact when members join and die", async () => {
    const groupId = uniqueName("test-rebalance-group");
    const a = await spawnProcessor(h, groupId);
    const replaying = replay(h); // the stream flows while members change
    const deadline = Date.now() + 60_000;
    await waitForBatches(a, 3, deadline);
    const b = await spawnProcessor(h, groupId); // rebalance 1: partitions split between a and b
    await waitForBatches(b, batchesIn(b) + 2, deadline + 60_000);
    await stopChild(a, "SIGKILL"); // rebalance 2 (after the session timeout): b owns everything
    const summary = await replaying;
    try {
      await waitCaughtUp(h, groupId, 240_000);
    } finally {
      await stopChild(b, "SIGTERM");
    }
    const want = independent(h, filesOf(dir, h.prefix));
    expectExact(want, await gold(h.ch), await outputs(h), ingestDeadLetters(summary));
  });
});
