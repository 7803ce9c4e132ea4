/**
 * Two processor instances in one group on the 4-partition raw.transactions, with rebalances in
 * the middle of the stream (a second member joins while the first works; later the first is
 * killed with SIGKILL and the second takes its partitions over after the session timeout):
 * figures exact and outputs exactly once (each partition's transactional id fences its
 * previous owner).
 */
import { afterAll, beforeAll, describe, it } from "vitest";
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
  spawnProcessor,
  upload,
  waitCaughtUp,
  type Harness,
} from "../helpers/processing-harness.ts";
import { uniqueName } from "../setup/test-config.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const batchesIn = (out: string): number => (out.match(/BATCH /g) ?? []).length;

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
    while (batchesIn(a.output()) < 3 && Date.now() < deadline) await sleep(20);
    const b = await spawnProcessor(h, groupId); // rebalance 1: partitions split between a and b
    const seen = batchesIn(b.output());
    while (batchesIn(b.output()) < seen + 2 && Date.now() < deadline + 60_000) await sleep(20);
    a.kill("SIGKILL"); // rebalance 2 (after the session timeout): b owns everything
    await new Promise((r) => a.once("exit", r));
    const summary = await replaying;
    try {
      await waitCaughtUp(h, groupId, 240_000);
    } finally {
      b.kill("SIGTERM");
      await new Promise((r) => b.once("exit", r));
    }
    const want = independent(h, filesOf(dir, h.prefix));
    expectExact(want, await gold(h.ch), await outputs(h), ingestDeadLetters(summary));
  });
});
