/** `npm run ingest:status [-- --json]` — files, rows accepted, dead letters by reason. */
import { loadConfig } from "../../lib/config/config.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { createKafka } from "../../streams/kafka/kafka-factory.ts";
import { ingestStatus } from "./ingest-status.ts";

const config = loadConfig(process.env);
const status = await ingestStatus(
  createKafka(config.kafka, createLogger({ name: "ingest-status", level: "error" })),
);
if (process.argv.includes("--json")) {
  console.log(JSON.stringify(status, null, 2));
} else {
  for (const f of status.files)
    console.log(
      `${f.done ? "✓" : "…"} ${f.key} [${f.kind}] rows ${f.rowsRead} accepted ${f.accepted} dead letters ${f.deadLetters}`,
    );
  const t = status.totals;
  console.log(
    `files ${t.files} (${t.filesDone} done)  rows ${t.rowsRead}  accepted ${t.accepted}  dead letters ${t.deadLetters}`,
  );
  for (const [r, n] of Object.entries(t.deadLettersByReason).sort((a, b) => b[1] - a[1]))
    console.log(`  ${r.padEnd(24)} ${n}`);
}
