/**
 * Finds a Java runtime of at least the given major version: `JAVA_HOME`, then `java` on the PATH,
 * then the JDKs under /usr/lib/jvm (Debian's OpenJDK and the Temurin JDK of these machines).
 */
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { VT_ERR_STACK_INSTALL } from "../../lib/errors/codes.ts";
import { VitrineError } from "../../lib/errors/vitrine-error.ts";
import { run } from "./installers.ts";

const cache = new Map<number, string>();

async function majorOf(java: string): Promise<number | undefined> {
  try {
    const out = await run(java, ["-version"]);
    const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
    if (!m) return undefined;
    const first = Number(m[1]);
    return first === 1 ? Number(m[2]) : first;
  } catch {
    return undefined;
  }
}

/**
 * @param minMajor lowest acceptable major version
 * @returns path of a `java` executable
 */
export async function javaBinary(minMajor: number): Promise<string> {
  const hit = cache.get(minMajor);
  if (hit) return hit;
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(resolve(process.env.JAVA_HOME, "bin/java"));
  candidates.push("java");
  if (existsSync("/usr/lib/jvm")) {
    for (const d of readdirSync("/usr/lib/jvm").sort().reverse())
      candidates.push(resolve("/usr/lib/jvm", d, "bin/java"));
  }
  for (const c of candidates) {
    if (c !== "java" && !existsSync(c)) continue;
    const major = await majorOf(c);
    if (major !== undefined && major >= minMajor) {
      cache.set(minMajor, c);
      return c;
    }
  }
  throw new VitrineError(
    VT_ERR_STACK_INSTALL,
    `Java ${minMajor} or newer is needed (looked at JAVA_HOME, PATH and /usr/lib/jvm); install e.g. openjdk-${minMajor}-jre-headless`,
  );
}
