/**
 * `npm run bench:stack` — how long the local stack takes to come up.
 *
 * Prints three figures (seconds):
 * - cold: no service installed in `.stack/opt` and no data (Maven's ~/.m2 cache and the Debian
 *   package stay, i.e. "downloads cached"), the first `stack:up` of a fresh clone;
 * - warm: installed, data present, nothing running (a later `npm start`);
 * - no-op: everything already running.
 * It runs in its own folder and ports so it never touches the developer's stack.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../lib/config/config.ts";
import { downStack, localStack, upStack } from "../stack/stack.ts";

const dir = mkdtempSync(join(tmpdir(), "vitrine-bench-stack-"));
const config = loadConfig({
  ...process.env,
  KAFKA_BROKERS: "127.0.0.1:29092",
  CLICKHOUSE_URL: "http://127.0.0.1:28123",
  S3_ENDPOINT: "http://127.0.0.1:29444",
  SCHEMA_REGISTRY_URL: "http://127.0.0.1:28081/apis/ccompat/v7",
});

const time = async (label: string, fn: () => Promise<void>): Promise<number> => {
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(34)} ${s.toFixed(1)} s`);
  return s;
};

async function main(): Promise<void> {
  console.log(`stack bench in ${dir} (ports 2xxxx)`);
  const services = localStack(config, dir);
  try {
    await time("cold stack:up (downloads cached)", () => upStack(services));
    await downStack(services);
    await time("warm stack:up (installed, stopped)", () => upStack(services));
    await time("stack:up when already running", () => upStack(services));
  } finally {
    await downStack(services);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
