/**
 * The Spark runtime of the backfill, provisioned on first use: a Python virtualenv under
 * `.stack/opt/spark-venv` with PySpark 4.0 (its jars include Spark and Hadoop 3.4.1) and pyarrow
 * from PyPI (`spark/requirements.txt`), and an Ivy cache under `.stack/opt/spark-ivy` where
 * `spark.jars.packages` puts hadoop-aws and its AWS SDK bundle from Maven Central on the first run.
 * Java 17 must be on the PATH (it is for the local stack too).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { REPO_ROOT } from "../lib/paths.ts";
import { run } from "../stack/lib/installers.ts";

export const SPARK_DIR = resolve(REPO_ROOT, "spark");

const optDir = (): string => resolve(process.env.VITRINE_STACK_DIR ?? resolve(REPO_ROOT, ".stack"), "opt");

export interface SparkRuntime {
  /** The venv's python (runs the job and pytest; also PYSPARK_PYTHON). */
  readonly python: string;
  /** Ivy home for spark.jars.packages. */
  readonly ivyDir: string;
}

/** Creates the virtualenv when missing or when spark/requirements.txt changed. */
export async function ensureSpark(log: (line: string) => void = () => {}): Promise<SparkRuntime> {
  const venv = resolve(optDir(), "spark-venv");
  const python = resolve(venv, "bin", "python");
  const requirements = resolve(SPARK_DIR, "requirements.txt");
  const hash = createHash("sha256").update(readFileSync(requirements)).digest("hex").slice(0, 12);
  const marker = resolve(venv, `.requirements-${hash}`);
  if (!existsSync(marker)) {
    log("installing PySpark into .stack/opt/spark-venv (first run: about 500 MB from PyPI)…");
    if (!existsSync(python)) await run("python3", ["-m", "venv", venv]);
    await run(python, ["-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", requirements]);
    writeFileSync(marker, "");
  }
  return { python, ivyDir: resolve(optDir(), "spark-ivy") };
}
