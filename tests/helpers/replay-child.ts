/**
 * A connector process for the crash test: replays a prefix with its own transactional id and
 * prints `PROGRESS <rows>` after every committed transaction, `DONE <summary json>` at the end.
 * The test kills it with SIGKILL in the middle of a file.
 */
import "./exit-with-parent.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector } from "../../connectors/s3-source/source.ts";

const [prefix, transactionalId, batchRows] = process.argv.slice(2);
if (!prefix || !transactionalId)
  throw new Error("usage: replay-child <prefix> <transactionalId> [batchRows]");
const config = loadConfig(process.env);
const source = await S3SourceConnector.create(
  connectorDeps(config, createLogger({ name: "child", level: "error" })),
  transactionalId,
);
const summary = await source.replay({
  prefix,
  maxBatchRows: Number(batchRows ?? 5000),
  onProgress: (p) => process.stdout.write(`PROGRESS ${p.rows}\n`),
});
await source.close();
process.stdout.write(`DONE ${JSON.stringify(summary)}\n`);
process.exit(0); // stdin stays open (exit-with-parent): leave explicitly
