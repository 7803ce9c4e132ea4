/**
 * kafkajs' read_committed filter with the patch in patches/ (see patches/README.md): records of
 * aborted transactions are dropped even when the broker lists the aborted transactions in the
 * order of their abort markers and a fetch starts inside several of them.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

interface Rec {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: string;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}
type Filter = (args: {
  messages: readonly Rec[];
  abortedTransactions: readonly { producerId: string; firstOffset: string }[];
}) => Rec[];
const filterAbortedMessages = createRequire(import.meta.url)(
  "kafkajs/src/consumer/filterAbortedMessages.js",
) as Filter;

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);
const rec = (offset: number, producerId: string, value: string): Rec => ({
  offset: String(offset),
  key: null,
  value,
  batchContext: { producerId, inTransaction: true },
});
const marker = (offset: number, producerId: string, key: Buffer): Rec => ({
  offset: String(offset),
  key,
  value: "marker",
  batchContext: { producerId, inTransaction: true },
});
/** The values the filter keeps, markers left out; aborted transactions as [producer, first offset]. */
const kept = (messages: readonly Rec[], aborted: readonly [string, number][]): string[] =>
  filterAbortedMessages({
    messages,
    abortedTransactions: aborted.map(([producerId, first]) => ({ producerId, firstOffset: String(first) })),
  })
    .filter((r) => r.value !== "marker")
    .map((r) => r.value);

describe("kafkajs read_committed filter (patched)", () => {
  it("drops an aborted transaction listed after one that starts later", () => {
    // Producer 1 aborts [10, 13]; producer 2 aborts [12, 14] — its marker comes first, so the
    // broker lists it first although it begins later.
    const messages = [
      rec(10, "1", "p1-a"),
      rec(11, "3", "p3-committed"),
      rec(12, "2", "p2-a"),
      marker(13, "2", ABORT),
      rec(14, "1", "p1-b"),
      marker(15, "1", ABORT),
      marker(16, "3", COMMIT),
    ];
    expect(
      kept(messages, [
        ["2", 12],
        ["1", 10],
      ]),
    ).toEqual(["p3-committed"]);
  });

  it("enters every aborted transaction a fetch starts inside", () => {
    // The fetch starts at 20, inside two aborted transactions (begun at 5 and 8).
    const messages = [
      rec(20, "2", "p2-a"),
      rec(21, "1", "p1-a"),
      marker(22, "1", ABORT),
      marker(23, "2", ABORT),
    ];
    expect(
      kept(messages, [
        ["1", 5],
        ["2", 8],
      ]),
    ).toEqual([]);
  });

  it("keeps a producer's committed transaction after its aborted one", () => {
    const messages = [
      rec(1, "1", "aborted"),
      marker(2, "1", ABORT),
      rec(3, "1", "kept"),
      marker(4, "1", COMMIT),
    ];
    expect(kept(messages, [["1", 1]])).toEqual(["kept"]);
  });
});
