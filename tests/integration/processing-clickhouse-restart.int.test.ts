/**
 * A ClickHouse restart in the middle of the stream loses nothing and counts nothing twice: the
 * processor (a child process) writes into a SECOND ClickHouse server started by this test (the
 * shared one is never touched), which is stopped and started again while batches flow; the
 * processor retries with backoff, re-reads its watermarks, and the figures stay exact.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickhouseService } from "../../stack/services/clickhouse.ts";
import { downStack, upStack } from "../../stack/stack.ts";
import { freePort } from "../setup/free-port.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";
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

describe("ClickHouse restart mid-stream", { timeout: 400_000 }, () => {
  let h: Harness;
  let dir: string;
  let ch: ReturnType<typeof clickhouseService>;

  beforeAll(async () => {
    const http = await freePort();
    ch = clickhouseService({
      stackDir: mkdtempSync(join(tmpdir(), "vitrine-ch-restart-")),
      config: testConfig(),
      name: "clickhouse-restart-test",
      httpPort: http,
      tcpPort: await freePort(),
    });
    await upStack([ch]);
    h = await harness("chrestart", { CLICKHOUSE_URL: `http://127.0.0.1:${http}` });
    dir = await generate({ seed: 55, lines: 10_000, dirtyRate: 0.02 });
    await upload(h, dir);
  });
  afterAll(async () => {
    await h?.close();
    await downStack([ch]);
  });

  it("loses nothing and counts nothing twice", async () => {
    const groupId = uniqueName("test-chrestart-group");
    const p = await spawnProcessor(h, groupId);
    try {
      const replaying = replay(h);
      const deadline = Date.now() + 120_000;
      await waitForBatches(p, 3, deadline);
      expect(batchesIn(p)).toBeGreaterThanOrEqual(3);
      const summary = await replaying;
      await downStack([ch]); // mid-stream: inserts and lookups fail, the processor retries
      // More work while the server is down (copies under new names: all duplicates), so the
      // processor meets the stopped server whatever its progress was.
      await upload(h, dir, `${h.prefix}copy/`);
      const copies = await replay(h);
      const down = Date.now();
      while (!p.output().includes("processor.batch_retry") && Date.now() - down < 30_000) await sleep(50);
      await sleep(500);
      await upStack([ch]);
      expect(p.output(), "the processor met the stopped server").toContain("processor.batch_retry");
      await waitCaughtUp(h, groupId, 240_000);
      expect(p.exitCode, p.output().slice(-2000)).toBeNull();
      const want = independent(h, [...filesOf(dir, h.prefix), ...filesOf(dir, `${h.prefix}copy/`)]);
      expectExact(want, await gold(h.ch), await outputs(h), ingestDeadLetters(summary, copies));
    } finally {
      await stopChild(p, "SIGTERM");
    }
  });
});
