/**
 * `npm test`: lint → typecheck → unit tests → local stack up → integration tests against the real
 * servers. Prints one closing line `tests: N passed, N failed`. Services that this run started are
 * stopped at the end (set VITRINE_KEEP_STACK=1 to keep them); services already running are kept.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../lib/config/config.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { downStack, localStack, stackStatus } from "../stack/stack.ts";
import { runSparkTests } from "../spark/test-spark.ts";

const step = (title: string, cmd: string, args: string[]): boolean => {
  const t0 = Date.now();
  console.log(`\n▶ ${title}`);
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: "inherit" });
  const ok = r.status === 0;
  console.log(`${ok ? "✓" : "✗"} ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return ok;
};

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTotalTests: number;
}

const counts = { passed: 0, failed: 0, skipped: 0 };
const vitest = (project: string): boolean => {
  const out = resolve(REPO_ROOT, "test-results", `${project}.json`);
  const ok = step(`${project} tests`, "npx", [
    "vitest",
    "run",
    "--project",
    project,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${out}`,
  ]);
  try {
    const r = JSON.parse(readFileSync(out, "utf8")) as VitestJson;
    counts.passed += r.numPassedTests;
    counts.failed += r.numFailedTests;
    counts.skipped += r.numPendingTests;
    if (r.numTotalTests === 0) {
      console.error(`✗ ${project}: no test ran`);
      return false;
    }
  } catch {
    counts.failed += 1;
  }
  return ok;
};

async function main(): Promise<number> {
  mkdirSync(resolve(REPO_ROOT, "test-results"), { recursive: true });
  const t0 = Date.now();
  let ok = step("lint", "npx", ["eslint", "--max-warnings=0", "."]);
  ok = step("format", "npx", ["prettier", "--check", "--log-level=warn", "."]) && ok;
  ok = step("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]) && ok;
  ok = vitest("unit") && ok;
  {
    // The Spark backfill's pytest suite (golden vectors shared with the stream, basket windows).
    const t0Spark = Date.now();
    console.log("\n▶ spark tests (pytest)");
    const spark = await runSparkTests().catch((err: unknown) => {
      console.error(err);
      return { passed: 0, failed: 1, skipped: 0, ok: false };
    });
    counts.passed += spark.passed;
    counts.failed += spark.failed;
    counts.skipped += spark.skipped;
    console.log(`${spark.ok ? "✓" : "✗"} spark tests (${((Date.now() - t0Spark) / 1000).toFixed(1)} s)`);
    ok = spark.ok && ok;
  }

  const services = localStack(loadConfig(process.env));
  const before = new Set(
    (await stackStatus(services)).filter((s) => s.state === "healthy").map((s) => s.name),
  );
  try {
    ok = vitest("integration") && ok;
  } finally {
    if (process.env.VITRINE_KEEP_STACK !== "1") {
      const startedHere = services.map((s) => s.name).filter((n) => !before.has(n));
      if (startedHere.length > 0) await downStack(services, { only: startedHere });
    }
  }
  console.log(`\nnpm test finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log(
    `tests: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ""}`,
  );
  return ok && counts.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
