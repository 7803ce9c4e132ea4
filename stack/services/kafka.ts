/**
 * Apache Kafka 4.x for the local stack: broker jars from Maven Central (`stack/kafka/pom.xml`),
 * one KRaft process acting as broker and controller on loopback, storage formatted on first start.
 */
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import type { Config } from "../../lib/config/config.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { mavenInstall, run } from "../lib/installers.ts";
import { javaBinary } from "../lib/java.ts";
import { tcpOpen } from "../lib/probes.ts";
import type { LocalService } from "../lib/service.ts";
import { renderFile } from "../lib/template.ts";

/**
 * True when a Kafka broker at host:port answers a metadata request.
 *
 * @param broker `host:port`
 */
export async function kafkaAnswers(broker: string, timeoutMs = 3000): Promise<boolean> {
  const [host = "127.0.0.1", port = "9092"] = broker.split(":");
  if (!(await tcpOpen(host, Number(port), 1000))) return false;
  const admin = new Kafka({
    clientId: "vitrine-stack-probe",
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Waits until the broker can coordinate consumer groups: on a fresh broker the first group
 * request creates and loads `__consumer_offsets`, and until then joins fail with "coordinator
 * is loading". Doing it here means the stack is ready when `up` returns.
 */
async function waitForGroupCoordinator(broker: string, timeoutMs = 60_000): Promise<void> {
  const admin = new Kafka({
    clientId: "vitrine-stack-probe",
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  const deadline = Date.now() + timeoutMs;
  await admin.connect();
  try {
    for (;;) {
      try {
        await admin.describeGroups(["vitrine-stack-probe"]);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export function kafkaService(opts: { stackDir: string; config: Config }): LocalService {
  const first = opts.config.kafka.brokers[0] ?? "127.0.0.1:9092";
  const port = Number(first.split(":")[1] ?? 9092);
  const controllerPort = port + 1;
  const libDir = resolve(opts.stackDir, "opt", "kafka");
  const dataDir = resolve(opts.stackDir, "data", "kafka");
  const props = resolve(opts.stackDir, "run", "kafka-server.properties");
  const here = resolve(REPO_ROOT, "stack/kafka");
  return {
    name: "kafka",
    address: `127.0.0.1:${port} (controller ${controllerPort})`,
    dependsOn: [],
    startTimeoutMs: 120_000,
    logFile: resolve(opts.stackDir, "logs", "kafka.log"),
    pidFile: resolve(opts.stackDir, "run", "kafka.pid"),
    dataDirs: [dataDir],
    install: () =>
      mavenInstall(resolve(here, "pom.xml"), libDir, [
        "dependency:copy-dependencies",
        "-DoutputDirectory=${OUT}",
      ]),
    async prepare() {
      mkdirSync(dataDir, { recursive: true });
      renderFile(resolve(here, "server.properties.template"), props, {
        DATA_DIR: dataDir,
        PORT: port,
        CONTROLLER_PORT: controllerPort,
      });
      const java = await javaBinary(17);
      const classpath = `${libDir}/*`;
      if (!existsSync(resolve(dataDir, "kraft-logs", "meta.properties"))) {
        const tool = (args: string[]) =>
          run(java, [
            "-Xmx256m",
            `-Dlog4j2.configurationFile=${resolve(here, "log4j2-tools.yaml")}`,
            "-cp",
            classpath,
            "kafka.tools.StorageTool",
            ...args,
          ]);
        const clusterId = (await tool(["random-uuid"])).trim().split("\n").pop() ?? "";
        await tool(["format", "--standalone", "-t", clusterId, "-c", props]);
      }
      return {
        command: java,
        args: [
          "-Xms128m",
          "-Xmx512m",
          "-XX:+UseG1GC",
          "-XX:MaxGCPauseMillis=20",
          "-Djava.awt.headless=true",
          `-Dlog4j2.configurationFile=${resolve(here, "log4j2.yaml")}`,
          "-cp",
          classpath,
          "kafka.Kafka",
          props,
        ],
      };
    },
    healthy: () => kafkaAnswers(`127.0.0.1:${port}`),
    afterStart: () => waitForGroupCoordinator(`127.0.0.1:${port}`),
  };
}
