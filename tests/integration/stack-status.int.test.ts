/** `stack:status` reports every service of the running stack, and says so when they are down. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../lib/paths.ts";
import { freePort } from "../setup/free-port.ts";

interface Row {
  name: string;
  address: string;
  state: string;
}

const status = (env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, "stack/cli.ts"), "status", "--json"], {
    cwd: REPO_ROOT,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });

describe("stack:status", () => {
  it("reports each service of the running stack as healthy", () => {
    const r = status(process.env);
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map((x) => x.name).sort()).toEqual(["clickhouse", "kafka", "s3", "schema-registry"]);
    for (const row of rows) {
      expect(row.state, row.name).toBe("healthy");
      expect(row.address).toMatch(/127\.0\.0\.1:\d+/);
    }
  });

  it("reports services as stopped, and fails, where nothing runs", async () => {
    const [k, c, s, r] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const res = status({
      ...process.env,
      VITRINE_STACK_DIR: mkdtempSync(join(tmpdir(), "vitrine-stack-")),
      KAFKA_BROKERS: `127.0.0.1:${k}`,
      CLICKHOUSE_URL: `http://127.0.0.1:${c}`,
      S3_ENDPOINT: `http://127.0.0.1:${s}`,
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${r}/apis/ccompat/v7`,
    });
    expect(res.status).toBe(1);
    const rows = JSON.parse(res.stdout) as Row[];
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.state, row.name).toBe("stopped");
    expect(rows.find((x) => x.name === "kafka")?.address).toContain(`127.0.0.1:${k}`);
  });
});
