/**
 * SQL portability: runs statements and queries on an embedded current ClickHouse (PyPI
 * `chdb-core`, ClickHouse 26.x) so that tests can prove our migrations and gold queries work on
 * 18.16 (the local server) and on current ClickHouse alike, with the same figures.
 *
 * The Python environment is created on first use under `.stack/opt/chdb-venv` (pip, PyPI only).
 *
 * @example
 *   const out = await runOnChdb({ database: "p", statements, queries: { gold: "SELECT …" } });
 */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { REPO_ROOT } from "../../lib/paths.ts";
import { run } from "../../stack/lib/installers.ts";

export const CHDB_VERSION = "26.9.0";

const venv = (): string =>
  resolve(process.env.VITRINE_STACK_DIR ?? resolve(REPO_ROOT, ".stack"), "opt", "chdb-venv");

/** Creates the virtualenv with chdb-core when missing; returns its python. */
export async function ensureChdb(): Promise<string> {
  const dir = venv();
  const python = resolve(dir, "bin", "python");
  const marker = resolve(dir, `.chdb-${CHDB_VERSION}`);
  if (existsSync(marker)) return python;
  await run("python3", ["-m", "venv", dir]);
  await run(python, [
    "-m",
    "pip",
    "install",
    "-q",
    "--disable-pip-version-check",
    `chdb-core==${CHDB_VERSION}`,
  ]);
  writeFileSync(marker, "");
  return python;
}

export interface ChdbJob {
  readonly database: string;
  readonly statements: readonly string[];
  readonly queries?: Readonly<Record<string, string>>;
}

export interface ChdbResult {
  readonly version: string;
  readonly results: Record<string, Record<string, unknown>[]>;
}

/** Runs a job on chdb; rejects with the failing statement's error. */
export async function runOnChdb(job: ChdbJob): Promise<ChdbResult> {
  const python = await ensureChdb();
  return new Promise((done, fail) => {
    const child = spawn(python, [resolve(REPO_ROOT, "sql/portability/chdb_runner.py")], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      try {
        const parsed = JSON.parse(last) as ChdbResult & { error?: string; statement?: number };
        if (code === 0 && !parsed.error) return done(parsed);
        fail(new Error(`chdb: statement ${parsed.statement ?? "?"}: ${parsed.error ?? err}`));
      } catch {
        fail(new Error(`chdb exited with ${code}: ${err.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}
