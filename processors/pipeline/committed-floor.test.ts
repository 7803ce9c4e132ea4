import { describe, expect, it } from "vitest";
import type { SourceBatch } from "../../streams/runtime/kafka-source.ts";
import { CommittedFloors } from "./committed-floor.ts";

const batch = (partition: number, offsets: number[]): SourceBatch<string> => ({
  topic: "raw",
  partition,
  messages: offsets.map((o) => ({
    topic: "raw",
    partition,
    offset: String(o),
    key: null,
    value: `line ${o}`,
    timestamp: 0,
  })),
  lastOffset: String(offsets.at(-1) ?? 0),
  ack: () => {},
  fail: () => {},
  stale: () => false,
});

/** Floors over a committed offset per partition that the test moves; logs fences and reads. */
function setup(committed: Record<number, number>) {
  const log: string[] = [];
  const floors = new CommittedFloors({
    fence: async (p) => void log.push(`fence ${p}`),
    committed: async (_topic, p) => {
      log.push(`read ${p}`);
      return BigInt(committed[p] ?? 0);
    },
  });
  return { floors, log, committed };
}

describe("CommittedFloors (a batch cut to its partition's committed offset)", () => {
  it("keeps a batch that starts at the committed offset as it is", async () => {
    const { floors, log } = setup({ 0: 10 });
    const b = batch(0, [10, 11, 12]);
    expect(await floors.admit(b)).toBe(b);
    expect(log).toEqual(["fence 0", "read 0"]); // fenced before the offset is read
  });

  it("drops the lines below the committed offset (the previous owner output them)", async () => {
    const { floors } = setup({ 0: 12 });
    const b = batch(0, [10, 11, 12, 13]);
    const cut = await floors.admit(b);
    expect(cut?.messages.map((m) => m.offset)).toEqual(["12", "13"]);
    expect(cut?.lastOffset).toBe("13");
    expect(cut?.partition).toBe(0);
  });

  it("skips a batch wholly below the committed offset", async () => {
    const { floors } = setup({ 1: 20 });
    expect(await floors.admit(batch(1, [10, 11, 12]))).toBeUndefined();
  });

  it("fences and reads each partition once per rebalance, again after reset or forget", async () => {
    const { floors, log, committed } = setup({ 0: 0, 1: 0 });
    await floors.admit(batch(0, [0, 1]));
    await floors.admit(batch(1, [0]));
    await floors.admit(batch(0, [2, 3]));
    expect(log).toEqual(["fence 0", "read 0", "fence 1", "read 1"]);

    // A rebalance: the other owner committed up to 5 on partition 0 meanwhile.
    committed[0] = 5;
    floors.reset();
    const cut = await floors.admit(batch(0, [2, 3, 4, 5, 6]));
    expect(cut?.messages.map((m) => m.offset)).toEqual(["5", "6"]);
    expect(log.slice(4)).toEqual(["fence 0", "read 0"]);

    // A failed transaction that may have committed: read again before the retry.
    committed[1] = 3;
    floors.forget(1);
    expect((await floors.admit(batch(1, [1, 2, 3])))?.messages.map((m) => m.offset)).toEqual(["3"]);
    expect(log.slice(6)).toEqual(["fence 1", "read 1"]);
  });

  it("does not keep a floor read across a rebalance that happened meanwhile", async () => {
    let fences = 0;
    let gate: Promise<void> = Promise.resolve();
    const floors = new CommittedFloors({
      fence: () => {
        fences++;
        return gate;
      },
      committed: async () => 7n,
    });
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    const admitting = floors.admit(batch(0, [7]));
    floors.reset(); // the rebalance lands while the partition is being fenced
    release();
    await admitting;
    gate = Promise.resolve();
    await floors.admit(batch(0, [8]));
    expect(fences).toBe(2); // the floor of the old generation was not kept
  });
});
