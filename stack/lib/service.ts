/** What the local stack needs to know about one service. */
import type { SpawnSpec } from "./processes.ts";

export interface LocalService {
  /** Short name: `kafka`, `schema-registry`, `clickhouse`, `s3`. */
  readonly name: string;
  /** Where clients reach it, for `stack:status`. */
  readonly address: string;
  /** Services that must be healthy before this one starts. */
  readonly dependsOn: readonly string[];
  /** How long `up` waits for health after starting it. */
  readonly startTimeoutMs: number;
  readonly logFile: string;
  readonly pidFile: string;
  /** Folders wiped by `stack:reset`. */
  readonly dataDirs: readonly string[];
  /** Installs binaries if missing (idempotent); returns true when it did install something. */
  install(): Promise<boolean>;
  /** Writes config, formats storage on first start, and says how to launch it. */
  prepare(): Promise<SpawnSpec>;
  /** True when the service answers like a healthy one. */
  healthy(): Promise<boolean>;
  /** Runs once it is healthy (e.g. create the bucket); idempotent. */
  afterStart?(): Promise<void>;
}
