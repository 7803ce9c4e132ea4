/**
 * ClickHouse for the local stack: Debian's `clickhouse-server` package (bookworm: 18.16.1), run
 * as a plain process with a project-local config rendered from `stack/clickhouse/*.template`:
 * loopback only, data and logs under `.stack/`. No system service is started or touched (the
 * package's init script would kill every clickhouse-server, ours included).
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Config } from "../../lib/config/config.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { aptInstall } from "../lib/installers.ts";
import { httpGet } from "../lib/probes.ts";
import type { LocalService } from "../lib/service.ts";
import { renderFile } from "../lib/template.ts";

export const CLICKHOUSE_BINARY = "/usr/sbin/clickhouse-server";

const xmlEscape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export interface ClickHouseOptions {
  readonly stackDir: string;
  readonly config: Config;
  /** Instance name, for running a second server (tests); default `clickhouse`. */
  readonly name?: string;
  /** Override ports (default: from CLICKHOUSE_URL, TCP 9000). */
  readonly httpPort?: number;
  readonly tcpPort?: number;
}

export function clickhouseService(opts: ClickHouseOptions): LocalService {
  const name = opts.name ?? "clickhouse";
  const url = new URL(opts.config.clickhouse.url);
  const httpPort = opts.httpPort ?? Number(url.port || 8123);
  const tcpPort = opts.tcpPort ?? 9000;
  const home = resolve(opts.stackDir, "data", name);
  const confDir = resolve(opts.stackDir, "run", `${name}-conf`);
  const logDir = resolve(opts.stackDir, "logs", name);
  return {
    name,
    address: `http://127.0.0.1:${httpPort} (native ${tcpPort})`,
    dependsOn: [],
    startTimeoutMs: 60_000,
    logFile: resolve(opts.stackDir, "logs", `${name}.out.log`),
    pidFile: resolve(opts.stackDir, "run", `${name}.pid`),
    dataDirs: [home, logDir],
    install: () => aptInstall(CLICKHOUSE_BINARY, ["clickhouse-server", "clickhouse-client"]),
    async prepare() {
      for (const d of [home, confDir, logDir]) mkdirSync(d, { recursive: true });
      const tpl = (f: string) => resolve(REPO_ROOT, "stack/clickhouse", f);
      renderFile(tpl("config.xml.template"), resolve(confDir, "config.xml"), {
        CH_DIR: confDir,
        DATA_DIR: home,
        LOG_DIR: logDir,
        HTTP_PORT: httpPort,
        TCP_PORT: tcpPort,
      });
      renderFile(tpl("users.xml.template"), resolve(confDir, "users.xml"), {
        CH_PASSWORD: xmlEscape(opts.config.clickhouse.password),
      });
      return { command: CLICKHOUSE_BINARY, args: [`--config-file=${resolve(confDir, "config.xml")}`] };
    },
    async healthy() {
      const r = await httpGet(`http://127.0.0.1:${httpPort}/ping`, 1500);
      return r?.status === 200 && r.body.trim() === "Ok.";
    },
  };
}
