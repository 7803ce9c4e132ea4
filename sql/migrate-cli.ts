/** `npm run migrate`: applies pending ClickHouse migrations from `sql/migrations`. */
import { resolve } from "node:path";
import { migrate } from "../lib/clickhouse/migrate.ts";
import { loadConfig } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { createLogger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";

runMain(async () => {
  const config = loadConfig(process.env);
  const r = await migrate({
    config: config.clickhouse,
    dir: resolve(REPO_ROOT, "sql/migrations"),
    log: createLogger({ name: "migrate", level: config.logLevel }),
  });
  console.log(`${r.applied.length} migration(s) applied, ${r.alreadyApplied} already in place`);
});
