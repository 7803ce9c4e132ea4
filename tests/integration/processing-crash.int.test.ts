/**
 * kill -9 of the processor (a child process) several times at random moments — between batches,
 * inside one (after the ClickHouse insert, before the Kafka transaction commits) — then a
 * restart: gold figures still equal the independent computation to the cent, and every output
 * (sales.normalized, sales.feedback, dlq.processing) went out exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  sleep,
  spawnProcessor,
  stopChild,
  upload,
  waitCaughtUp,
  waitForBatches,
  type Harness,
} from "../helpers/processing-harness.ts";
import { uniqueName } from "../setup/test-config.ts";

describe("processor killed with SIGKILL", { timeout: 400_000 }, () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    h = await harness("crash");
    // Enough lines that work is left after the third kill, however fast groups of batches go.
    dir = await generate({ seed: 33, lines: 16_000, dirtyRate: 0.02 });
    await upload(h, dir);
  });
  afterAll(() => h?.close());

  it("keeps figures exact and outputs exactly once across kills and restarts", async () => {
    const groupId = uniqueName("test-crash-group");
    const summary = await replay(h); // everything is in raw.transactions before the first start
    let kills = 0;
    for (let round = 0; round < 3; round++) {
      const child = await spawnProcessor(h, groupId);
      // Wait for some batches (first start: at least one; later ones: also re-derivations),
      // then a random extra delay lands the kill anywhere, inside a batch too.
      const want = batchesIn(child) + 1 + (round % 3);
      await waitForBatches(child, want, Date.now() + 60_000);
      expect(batchesIn(child), `round ${round}: batches before the kill`).toBeGreaterThanOrEqual(want);
      await sleep(Math.floor(Math.random() * 120));
      if (child.exitCode !== null) throw new Error(`processor exited early: ${child.output().slice(-2000)}`);
      await stopChild(child, "SIGKILL");
      kills++;
    }
    expect(kills).toBe(3);
    const last = await spawnProcessor(h, groupId);
    try {
      await waitCaughtUp(h, groupId, 240_000);
    } finally {
      await stopChild(last, "SIGTERM");
    }
    expect(batchesIn(last), "the kills landed mid-stream: the restart had work left").toBeGreaterThan(0);
    const want = independent(h, filesOf(dir, h.prefix));
    expectExact(want, await gold(h.ch), await outputs(h), ingestDeadLetters(summary));
  });
});
