/**
 * `npm run pos -- [options]` — the live point-of-sale simulator: keeps writing small transaction
 * files of "now" into the configured bucket (one per `--batch-ms` with a sale) until Ctrl-C or `--duration`,
 * printing one line per file. The chain is the one `npm run generate` writes with the same
 * `--seed`, `--from`, `--to`, `--stores`, `--sellers-per-store` and `--products` (same defaults).
 * See generator/README.md, "Live mode".
 */
import { Command } from "commander";
import { loadConfig } from "../lib/config/config.ts";
import { createS3, ensureBucket } from "../lib/s3/s3-client.ts";
import { addModelOptions, fraction, integer, positive, type ModelCliOptions } from "./cli-options.ts";
import { runLivePos } from "./live-pos.ts";
import { createS3Sink } from "./s3-sink.ts";

async function main(argv: string[]): Promise<void> {
  const program = addModelOptions(
    new Command()
      .name("pos")
      .description(
        "Live point-of-sale simulator: writes the sales of now into the bucket as small transaction files.",
      ),
    {
      from: "first month of the generated history (shapes the model)",
      to: "last month of the generated history (shapes the model)",
    },
  )
    .option("--rate <lines/s>", "sale lines per second, on average", positive("--rate"), 5)
    .option("--batch-ms <ms>", "one file per this many milliseconds", integer("--batch-ms"), 1000)
    .option("--prefix <prefix>", "bucket prefix of the files", "incoming/live/")
    .option("--duration <s>", "stop after this many seconds (default: until Ctrl-C)", positive("--duration"))
    .option("--dirty-rate <r>", "dirty rows per clean row, 0..1 (as for npm run generate)", fraction, 0);
  program.parse(argv);
  const o = program.opts<
    ModelCliOptions & {
      rate: number;
      batchMs: number;
      prefix: string;
      duration?: number;
      dirtyRate: number;
    }
  >();
  const config = loadConfig(process.env);
  const s3 = createS3(config.s3);
  const stop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) process.exit(130); // a second Ctrl-C does not wait for the upload
    console.error("stopping… (Ctrl-C again to quit now)");
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await ensureBucket(s3, config.s3.bucket);
    const sink = createS3Sink(s3, config.s3.bucket, o.prefix);
    console.error(
      `live sales into ${sink.location}: ${o.rate} lines/s, a file every ${o.batchMs} ms (seed ${o.seed}, ${o.from} … ${o.to}, ${o.stores} stores)`,
    );
    const { rate, batchMs, duration, prefix: _prefix, ...model } = o;
    const summary = await runLivePos(
      {
        ...model,
        timeZone: config.tzBusiness,
        rate,
        batchMs,
        ...(duration !== undefined ? { durationMs: Math.round(duration * 1000) } : {}),
        signal: stop.signal,
      },
      {
        sink,
        onFile: (f) =>
          console.log(
            `${sink.location}${f.name}  ${f.lines} lines  ${f.baskets} baskets${f.dirtyLines ? `  ${f.dirtyLines} dirty` : ""}`,
          ),
      },
    );
    const seconds = (summary.toMs - summary.fromMs) / 1000;
    console.log(
      `done: ${summary.files} files, ${summary.lines} lines, ${summary.baskets} baskets${summary.dirtyLines ? `, ${summary.dirtyLines} dirty lines` : ""} over ${seconds.toFixed(1)} s`,
    );
  } finally {
    s3.destroy();
  }
}

main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
