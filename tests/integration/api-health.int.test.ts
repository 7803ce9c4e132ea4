/**
 * The API process (`api/main.ts`, as `npm start` runs it) against real servers: `/health` is 200
 * with every dependency up, and turns 503 naming ClickHouse when its ClickHouse stops. The test
 * runs its own second ClickHouse server so that stopping it disturbs no other test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { clickhouseService } from "../../stack/services/clickhouse.ts";
import { downStack, upStack } from "../../stack/stack.ts";
import { freePort } from "../setup/free-port.ts";
import { testConfig } from "../setup/test-config.ts";

interface Health {
  status: string;
  checks: Record<string, { ok: boolean; error?: string }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("API /health against the real stack", () => {
  const config = testConfig();
  let api: ChildProcess;
  let apiUrl: string;
  let output = "";
  let chHttp: number;
  let ch: ReturnType<typeof clickhouseService>;

  beforeAll(async () => {
    chHttp = await freePort();
    ch = clickhouseService({
      stackDir: mkdtempSync(join(tmpdir(), "vitrine-ch-")),
      config,
      name: "clickhouse-health-test",
      httpPort: chHttp,
      tcpPort: await freePort(),
    });
    await upStack([ch]);
    // As `npm start` does before starting the API.
    await migrate({
      config: { ...config.clickhouse, url: `http://127.0.0.1:${chHttp}` },
      dir: resolve(REPO_ROOT, "sql/migrations"),
    });
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, "api/main.ts")], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        API_PORT: String(port),
        CLICKHOUSE_URL: `http://127.0.0.1:${chHttp}`,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    api.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    api.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 120; i++) {
      if (api.exitCode !== null) throw new Error(`API exited: ${output}`);
      try {
        await fetch(`${apiUrl}/health/live`);
        return;
      } catch {
        await sleep(250);
      }
    }
    throw new Error(`API did not listen: ${output}`);
  });

  afterAll(async () => {
    api?.kill("SIGTERM");
    await downStack([ch]);
  });

  it("is healthy with every dependency up, and serves the home page", async () => {
    const res = await fetch(`${apiUrl}/health`);
    const body = (await res.json()) as Health;
    expect(body.checks).toMatchObject({
      kafka: { ok: true },
      schemaRegistry: { ok: true },
      clickhouse: { ok: true },
      s3: { ok: true },
      liveFeed: { ok: true }, // the sales.feedback consumer of the socket
    });
    expect(res.status).toBe(200);
    expect(body.status).toBe("ok");
    const home = await fetch(`${apiUrl}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Vitrine");
  });

  it("turns unhealthy when ClickHouse stops, naming it", async () => {
    await downStack([ch]);
    const res = await fetch(`${apiUrl}/health`);
    const body = (await res.json()) as Health;
    expect(res.status).toBe(503);
    expect(body.status).toBe("unhealthy");
    expect(body.checks.clickhouse?.ok).toBe(false);
    expect(body.checks.clickhouse?.error).toBeTruthy();
    expect(body.checks.kafka?.ok).toBe(true);
    expect(body.checks.s3?.ok).toBe(true);
  });

  it("recovers when ClickHouse is back", async () => {
    await upStack([ch]);
    const res = await fetch(`${apiUrl}/health`);
    expect(res.status).toBe(200);
  });
});
