/**
 * The live point-of-sale simulator against the real bucket, broker and registry: the small files
 * it writes are accepted line for line by the S3 source — replayed after the fact, and picked up
 * while they are being written by a connector in follow mode.
 */
import { afterAll, describe, expect, it } from "vitest";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector } from "../../connectors/s3-source/source.ts";
import { runLivePos, type LivePosSummary } from "../../generator/live-pos.ts";
import { createS3Sink } from "../../generator/s3-sink.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { uniqueName } from "../setup/test-config.ts";
import { deleteTopicsUnder, isolatedConfig } from "../helpers/isolated-stack.ts";

const config = isolatedConfig("live");
const deps = connectorDeps(config, createLogger({ name: "test", level: "error" }));
const MODEL = { seed: 7, stores: 3, sellersPerStore: 3, products: 40, timeZone: config.tzBusiness };
const FILE = /\/transactions_live_\d{8}T\d{6}_\d{6}\.csv$/;

const simulate = (prefix: string): Promise<LivePosSummary> =>
  runLivePos(
    // 60 lines an interval on average: every interval sells (one without a sale writes no file).
    { ...MODEL, rate: 200, batchMs: 300, maxIntervals: 3 },
    { sink: createS3Sink(deps.s3, config.s3.bucket, prefix) },
  );

describe("live point-of-sale simulator → S3 source", () => {
  afterAll(async () => {
    deps.s3.destroy();
    await deleteTopicsUnder(deps.kafka);
  });

  it("writes files whose every line the connector accepts (replay)", async () => {
    const prefix = `test/${uniqueName("live")}/incoming/live/`;
    const written = await simulate(prefix);
    expect(written.files).toBe(3);
    expect(written.lines).toBeGreaterThan(0);

    const source = await S3SourceConnector.create(deps, uniqueName("test-live-tx"));
    try {
      const replay = await source.replay({ prefix });
      expect(replay.files).toHaveLength(3);
      for (const f of replay.files) {
        expect(f.key).toMatch(FILE);
        expect(f.kind).toBe("transactions");
      }
      expect(replay.deadLetters).toEqual({});
      expect(replay.rowsRead).toBe(replay.accepted);
      expect(replay.accepted).toBe(written.lines);
    } finally {
      await source.close();
    }
  });

  it("is picked up while it writes by a connector in follow mode", async () => {
    const prefix = `test/${uniqueName("live-follow")}/incoming/live/`;
    const source = await S3SourceConnector.create(deps, uniqueName("test-live-tx"));
    const stop = new AbortController();
    let failure: unknown;
    const following = source
      .follow({ prefix, pollMs: 200, maxBatchMs: 100, signal: stop.signal })
      .catch((err: unknown) => void (failure = err));
    try {
      const written = await simulate(prefix);
      expect(written.files).toBe(3);
      const mine = () => [...source.progress().values()].filter((c) => c.key.startsWith(prefix));
      const deadline = Date.now() + 30_000;
      while (failure === undefined && Date.now() < deadline) {
        const done = mine().filter((c) => c.done);
        if (done.length === written.files) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(failure).toBeUndefined();
      const checkpoints = mine();
      expect(checkpoints).toHaveLength(3);
      expect(checkpoints.every((c) => c.done && c.kind === "transactions")).toBe(true);
      expect(checkpoints.every((c) => Object.keys(c.rejected).length === 0)).toBe(true);
      const rowsRead = checkpoints.reduce((a, c) => a + c.rowsRead, 0);
      const accepted = checkpoints.reduce((a, c) => a + c.accepted, 0);
      expect(rowsRead).toBe(accepted);
      expect(accepted).toBe(written.lines);
    } finally {
      stop.abort();
      await following;
      await source.close();
    }
  });
});
