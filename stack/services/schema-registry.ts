/**
 * Schema registry for the local stack: Apicurio Registry (Maven Central, the runnable Quarkus
 * distribution of `io.apicurio:apicurio-registry-app`, classifier `all`), serving the
 * Confluent-compatible API under `/apis/ccompat/v7`. Schemas persist in an H2 file database under
 * `.stack/data/schema-registry`, and BACKWARD compatibility is the global default rule.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Config } from "../../lib/config/config.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { mavenInstall } from "../lib/installers.ts";
import { javaBinary } from "../lib/java.ts";
import { httpGet } from "../lib/probes.ts";
import type { LocalService } from "../lib/service.ts";

export function schemaRegistryService(opts: { stackDir: string; config: Config }): LocalService {
  const url = new URL(opts.config.schemaRegistry.url);
  const port = Number(url.port || 8081);
  const distDir = resolve(opts.stackDir, "opt", "apicurio");
  const dataDir = resolve(opts.stackDir, "data", "schema-registry");
  return {
    name: "schema-registry",
    address: `http://127.0.0.1:${port}/apis/ccompat/v7`,
    dependsOn: [],
    startTimeoutMs: 180_000,
    logFile: resolve(opts.stackDir, "logs", "schema-registry.log"),
    pidFile: resolve(opts.stackDir, "run", "schema-registry.pid"),
    dataDirs: [dataDir],
    install: () =>
      mavenInstall(resolve(REPO_ROOT, "stack/apicurio/pom.xml"), distDir, [
        "dependency:unpack",
        "-Dapicurio.dir=${OUT}",
      ]),
    async prepare() {
      mkdirSync(dataDir, { recursive: true });
      const runner = existsSync(distDir)
        ? readdirSync(distDir).find((f) => f.endsWith("-runner.jar"))
        : undefined;
      if (!runner) throw new Error(`no Apicurio runner jar in ${distDir}; delete it and run stack:up again`);
      return {
        command: await javaBinary(17),
        args: [
          "-Xms64m",
          "-Xmx384m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Djava.awt.headless=true",
          "-Dquarkus.http.host=127.0.0.1",
          `-Dquarkus.http.port=${port}`,
          `-Dquarkus.datasource.jdbc.url=jdbc:h2:file:${dataDir}/registry;WRITE_DELAY=0`,
          "-Dquarkus.datasource.jdbc.initial-size=2",
          "-Dquarkus.datasource.jdbc.min-size=2",
          "-Dquarkus.datasource.jdbc.max-size=10",
          "-Dregistry.rules.global.compatibility=BACKWARD",
          "-jar",
          resolve(distDir, runner),
        ],
      };
    },
    async healthy() {
      const r = await httpGet(`http://127.0.0.1:${port}/apis/ccompat/v7/subjects`, 2000);
      return r?.status === 200;
    },
  };
}
