/**
 * Command-line options of the benches, declared once per script and checked before anything
 * runs: an unknown option, a missing value, a number out of range or a value outside its
 * choices prints the problem and the script's usage and exits with status 2 (a typo must not
 * silently run the default configuration and print figures for it).
 *
 * @example
 *   const opts = benchArgs("npm run bench:x -- [--lines N] [--quick]", {
 *     lines: { type: "number", default: 1000, min: 1 },
 *     quick: { type: "flag" },
 *   });
 */
import { parseArgs } from "node:util";

export type OptionSpec =
  | { type: "number"; default: number; min?: number; integer?: boolean }
  | { type: "optional-number"; min?: number; integer?: boolean }
  | { type: "flag" }
  | { type: "string"; default: string; choices?: readonly string[] }
  | { type: "optional-string" };

type Value<S extends OptionSpec> = S extends { type: "number" }
  ? number
  : S extends { type: "optional-number" }
    ? number | undefined
    : S extends { type: "flag" }
      ? boolean
      : S extends { type: "string" }
        ? string
        : string | undefined;

export type BenchOptions<T extends Record<string, OptionSpec>> = { [K in keyof T]: Value<T[K]> };

export class BenchArgsError extends Error {}

/** Parses `argv` against `spec`; throws `BenchArgsError` with a readable message. */
export function parseBenchArgs<T extends Record<string, OptionSpec>>(
  spec: T,
  argv: readonly string[],
): BenchOptions<T> {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const [name, s] of Object.entries(spec))
    options[name] = { type: s.type === "flag" ? "boolean" : "string" };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }) as {
      values: Record<string, string | boolean | undefined>;
    });
  } catch (err) {
    throw new BenchArgsError(err instanceof Error ? err.message : String(err));
  }
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const [name, s] of Object.entries(spec)) {
    const raw = values[name];
    if (s.type === "flag") {
      out[name] = raw === true;
      continue;
    }
    if (s.type === "string" || s.type === "optional-string") {
      const v = typeof raw === "string" ? raw : s.type === "string" ? s.default : undefined;
      if (s.type === "string" && s.choices && !s.choices.includes(v!))
        throw new BenchArgsError(`--${name} must be one of ${s.choices.join(", ")} (got ${v})`);
      out[name] = v;
      continue;
    }
    if (typeof raw !== "string") {
      out[name] = s.type === "number" ? s.default : undefined;
      continue;
    }
    const n = Number(raw);
    const integer = s.integer ?? true;
    if (raw.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
      throw new BenchArgsError(`--${name} must be ${integer ? "an integer" : "a number"} (got ${raw})`);
    if (s.min !== undefined && n < s.min)
      throw new BenchArgsError(`--${name} must be at least ${s.min} (got ${raw})`);
    out[name] = n;
  }
  return out as BenchOptions<T>;
}

/** `parseBenchArgs` over this process's arguments; on a bad option prints it with `usage` and exits 2. */
export function benchArgs<T extends Record<string, OptionSpec>>(usage: string, spec: T): BenchOptions<T> {
  try {
    return parseBenchArgs(spec, process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof BenchArgsError)) throw err;
    console.error(`${err.message}\nusage: ${usage}`);
    process.exit(2);
  }
}
