/**
 * `npm start`: brings the local stack up (installing what is missing), applies the ClickHouse
 * migrations and runs the app in the foreground until Ctrl-C. Later issues add the sample data,
 * the pipeline and the live simulation here.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { migrate } from "../lib/clickhouse/migrate.ts";
import { loadConfig } from "../lib/config/config.ts";
import { VitrineError } from "../lib/errors/vitrine-error.ts";
import { createLogger } from "../lib/log/logger.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { localStack, upStack } from "../stack/stack.ts";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ name: "start", level: config.logLevel });
  console.log("▶ local stack (Kafka, schema registry, ClickHouse, S3)");
  await upStack(localStack(config), {
    onEvent: (e) => {
      if (e.kind === "install") console.log(`  • ${e.service}: installing (first time only)…`);
      if (e.kind === "installed") console.log(`  ✓ ${e.service}: installed in ${(e.ms / 1000).toFixed(1)} s`);
      if (e.kind === "healthy") console.log(`  ✓ ${e.service}: up in ${(e.ms / 1000).toFixed(1)} s`);
      if (e.kind === "already-running") console.log(`  ✓ ${e.service}: already running`);
    },
  });
  console.log("▶ ClickHouse migrations");
  const m = await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations"), log });
  console.log(`  ✓ ${m.applied.length} applied, ${m.alreadyApplied} already in place`);
  console.log(
    `▶ API on http://${config.api.host}:${config.api.port} (Ctrl-C stops the app; the stack keeps running)`,
  );
  const api = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, "api/main.ts")], {
    stdio: "inherit",
    env: process.env,
  });
  const stop = () => api.kill("SIGTERM");
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  api.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => {
  if (err instanceof VitrineError) console.error(`${err.code}: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
