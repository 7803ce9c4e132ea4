/**
 * Installers for the local stack, from package registries only: Maven Central through `mvn`
 * (jars cached in ~/.m2, copied into `.stack/opt/<service>`), Debian packages through `apt-get`.
 * Both are idempotent: a marker records what was installed, so a second run does nothing.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { VT_ERR_STACK_INSTALL } from "../../lib/errors/codes.ts";
import { VitrineError } from "../../lib/errors/vitrine-error.ts";

/** Runs a command, capturing output; rejects with the output tail when it fails. */
export function run(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new Error(
              `${command} ${args.join(" ")} exited with ${code}\n${out.split("\n").slice(-30).join("\n")}`,
            ),
          ),
    );
  });
}

const fingerprint = (files: readonly string[]): string => {
  const h = createHash("sha256");
  for (const f of files) h.update(readFileSync(f));
  return h.digest("hex");
};

/**
 * Resolves a pom's dependencies from Maven Central and runs `goal` to place them in `outDir`.
 * Skipped when `outDir` already holds the result for the same pom.
 *
 * @param pom path of the pom.xml
 * @param outDir target folder (replaced atomically)
 * @param goalArgs maven goal and properties; `${OUT}` is replaced by the temporary output folder
 */
export async function mavenInstall(
  pom: string,
  outDir: string,
  goalArgs: readonly string[],
): Promise<boolean> {
  const marker = join(outDir, ".installed");
  const want = fingerprint([pom]);
  if (existsSync(marker) && readFileSync(marker, "utf8") === want) return false;
  const tmp = `${outDir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  try {
    await run("mvn", ["-q", "-B", "-f", pom, ...goalArgs.map((a) => a.replace("${OUT}", tmp))]);
  } catch (err) {
    throw new VitrineError(
      VT_ERR_STACK_INSTALL,
      `Maven could not install from ${pom}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  writeFileSync(join(tmp, ".installed"), want);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  return true;
}

/** True when an executable is on the PATH. */
export async function onPath(binary: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${binary}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs Debian packages unless `probeBinary` is already present. Needs root (CI and these
 * machines run as root); otherwise it says what to run.
 */
export async function aptInstall(probeBinary: string, packages: readonly string[]): Promise<boolean> {
  if (await onPath(probeBinary)) return false;
  if (process.getuid?.() !== 0) {
    throw new VitrineError(
      VT_ERR_STACK_INSTALL,
      `${probeBinary} is missing; run: sudo apt-get install -y ${packages.join(" ")}`,
    );
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", ["update", "-q"], { env });
    await run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...packages], { env });
  } catch (err) {
    throw new VitrineError(
      VT_ERR_STACK_INSTALL,
      `apt-get could not install ${packages.join(" ")}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return true;
}
