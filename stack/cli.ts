/**
 * `npm run stack:up | stack:down | stack:status | stack:reset` — the local stack's CLI.
 *
 * @example
 *   npm run stack:up            # install what is missing, start, wait for health
 *   npm run stack:status -- --json
 */
import { Command } from "commander";
import { loadConfig } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { downStack, localStack, resetStack, stackStatus, upStack, type StackEvent } from "./stack.ts";

const say = (e: StackEvent): void => {
  switch (e.kind) {
    case "install":
      console.log(`• ${e.service}: installing from its package registry (first time only)…`);
      break;
    case "installed":
      console.log(`• ${e.service}: installed in ${(e.ms / 1000).toFixed(1)} s`);
      break;
    case "already-running":
      console.log(`✓ ${e.service}: already running`);
      break;
    case "starting":
      console.log(`• ${e.service}: starting…`);
      break;
    case "healthy":
      console.log(`✓ ${e.service}: healthy after ${(e.ms / 1000).toFixed(1)} s`);
      break;
    case "stopped":
      console.log(`• ${e.service}: stopped`);
      break;
  }
};

async function main(argv: readonly string[]): Promise<number> {
  const config = loadConfig(process.env);
  const services = localStack(config);
  let code = 0;
  const program = new Command("stack").description("Vitrine's local stack of real servers on loopback");
  program
    .command("up")
    .description("install what is missing, start every service, wait until healthy")
    .action(async () => {
      const t0 = Date.now();
      await upStack(services, { onEvent: say });
      console.log(`stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });
  program
    .command("down")
    .description("stop the services this stack started")
    .argument("[services...]", "only these services")
    .action(async (only: string[]) => {
      await downStack(services, { onEvent: say, ...(only.length ? { only } : {}) });
    });
  program
    .command("status")
    .description("each service, its address, and whether it is healthy")
    .option("--json", "machine-readable output")
    .action(async (opts: { json?: boolean }) => {
      const status = await stackStatus(services);
      if (opts.json) {
        console.log(JSON.stringify(status, null, 2));
      } else {
        const rows = status.map((s) => [
          s.name,
          s.address,
          s.state,
          s.pid !== undefined ? `pid ${s.pid}` : s.state === "healthy" ? "external" : "-",
        ]);
        const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
        for (const r of rows) console.log(r.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c)).join("  "));
      }
      if (status.some((s) => s.state !== "healthy")) code = 1;
    });
  program
    .command("reset")
    .description("stop everything and delete all local data and logs (installed binaries stay)")
    .action(async () => {
      await resetStack(services);
      console.log("stack data wiped; `npm run stack:up` starts from empty");
    });
  await program.parseAsync([...argv]);
  return code;
}

runMain(async () => process.exit(await main(process.argv)));
