/**
 * S3-compatible object store for the local stack: S3Proxy (Maven Central, self-contained jar)
 * with its filesystem backend under `.stack/data/s3`; the configured bucket is created at start.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Config } from "../../lib/config/config.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { createS3, ensureBucket } from "../../lib/s3/s3-client.ts";
import { mavenInstall } from "../lib/installers.ts";
import { httpGet } from "../lib/probes.ts";
import type { LocalService } from "../lib/service.ts";
import { renderFile } from "../lib/template.ts";
import { javaBinary } from "../lib/java.ts";

const javaPropsEscape = (s: string): string => s.replace(/\\/g, "\\\\");

export function s3Service(opts: { stackDir: string; config: Config }): LocalService {
  const endpoint = new URL(opts.config.s3.endpoint ?? "http://127.0.0.1:9444");
  const port = Number(endpoint.port || 9444);
  const optDir = resolve(opts.stackDir, "opt", "s3proxy");
  const dataDir = resolve(opts.stackDir, "data", "s3");
  const props = resolve(opts.stackDir, "run", "s3proxy.properties");
  return {
    name: "s3",
    address: `http://127.0.0.1:${port} (bucket ${opts.config.s3.bucket})`,
    dependsOn: [],
    startTimeoutMs: 60_000,
    logFile: resolve(opts.stackDir, "logs", "s3.log"),
    pidFile: resolve(opts.stackDir, "run", "s3.pid"),
    dataDirs: [dataDir],
    install: () =>
      mavenInstall(resolve(REPO_ROOT, "stack/s3proxy/pom.xml"), optDir, [
        "dependency:copy-dependencies",
        "-DoutputDirectory=${OUT}",
      ]),
    async prepare() {
      mkdirSync(dataDir, { recursive: true });
      renderFile(resolve(REPO_ROOT, "stack/s3proxy/s3proxy.properties.template"), props, {
        PORT: port,
        DATA_DIR: javaPropsEscape(dataDir),
        ACCESS_KEY: javaPropsEscape(opts.config.s3.accessKeyId),
        SECRET_KEY: javaPropsEscape(opts.config.s3.secretAccessKey),
      });
      const jar = readdirSync(optDir).find((f) => f.endsWith("-jar-with-dependencies.jar"));
      if (!jar) throw new Error(`no S3Proxy jar in ${optDir}; delete it and run stack:up again`);
      return {
        command: await javaBinary(17),
        args: [
          "-Xms32m",
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-jar",
          resolve(optDir, jar),
          "--properties",
          props,
        ],
      };
    },
    async healthy() {
      // Any S3 answer (403 without credentials) means the server is up.
      const r = await httpGet(`http://127.0.0.1:${port}/`, 1500);
      return r !== undefined && r.status < 500;
    },
    async afterStart() {
      const s3 = createS3({ ...opts.config.s3, endpoint: `http://127.0.0.1:${port}` });
      try {
        await ensureBucket(s3, opts.config.s3.bucket);
      } finally {
        s3.destroy();
      }
    },
  };
}
