/** `npm run migrate`: applies pending ClickHouse migrations from `sql/migrations`. */
import { resolve } from "node:path";
import { migrate } from "../lib/clickhouse/migrate.ts";
import { loadConfig } from "../lib/config/config.ts";
import { VitrineError } from "../lib/errors/vitrine-error.ts";
import { createLogger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";

const config = loadConfig(process.env);
migrate({
  config: config.clickhouse,
  dir: resolve(REPO_ROOT, "sql/migrations"),
  log: createLogger({ name: "migrate", level: config.logLevel }),
}).then(
  (r) => console.log(`${r.applied.length} migration(s) applied, ${r.alreadyApplied} already in place`),
  (err: unknown) => {
    console.error(err instanceof VitrineError ? `${err.code}: ${err.message}` : err);
    process.exit(1);
  },
);
