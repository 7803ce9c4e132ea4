/**
 * `npm run test:spark`: the Spark job's pytest suite (spark/tests: golden vectors, basket windows)
 * in the job's own virtualenv (provisioned on first use), with a JUnit XML report under
 * test-results/. No test collected (pytest exit 5) counts as a failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../lib/paths.ts";
import { ensureSpark, SPARK_DIR } from "./spark-env.ts";

export interface PytestCounts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly ok: boolean;
}

/** Counts of a JUnit XML report (pytest's `testsuite` attributes). */
export function junitCounts(xml: string): Omit<PytestCounts, "ok"> {
  const attr = (name: string): number =>
    [...xml.matchAll(new RegExp(`<testsuite\\b[^>]*\\b${name}="(\\d+)"`, "g"))].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
  const tests = attr("tests");
  const failed = attr("failures") + attr("errors");
  const skipped = attr("skipped");
  return { passed: tests - failed - skipped, failed, skipped };
}

export async function runSparkTests(): Promise<PytestCounts> {
  const runtime = await ensureSpark((l) => console.log(l));
  const out = resolve(REPO_ROOT, "test-results", "spark-pytest.xml");
  mkdirSync(resolve(REPO_ROOT, "test-results"), { recursive: true });
  const r = spawnSync(
    runtime.python,
    ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", `--junitxml=${out}`],
    {
      cwd: SPARK_DIR,
      stdio: "inherit",
      env: { ...process.env, PYSPARK_PYTHON: runtime.python },
    },
  );
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: 0, ok: false };
  const counts = junitCounts(readFileSync(out, "utf8"));
  const none = r.status === 5 || counts.passed + counts.failed === 0;
  return { ...counts, failed: counts.failed + (none ? 1 : 0), ok: r.status === 0 && !none };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runSparkTests().then(
    (c) => {
      console.log(`spark: ${c.passed} passed, ${c.failed} failed`);
      process.exit(c.ok ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
