/**
 * Vitest global setup of the integration project: brings the real local stack up once per run
 * (idempotent: already-running services are reused) and applies the ClickHouse migrations.
 */
import { resolve } from "node:path";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { localStack, upStack } from "../../stack/stack.ts";

export default async function setup(): Promise<void> {
  const config = loadConfig(process.env);
  await upStack(localStack(config), {
    onEvent: (e) => {
      if (e.kind === "healthy" || e.kind === "installed")
        console.log(`[stack] ${e.service} ${e.kind} in ${e.ms} ms`);
    },
  });
  await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations") });
}
