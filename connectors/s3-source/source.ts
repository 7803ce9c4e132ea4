/**
 * The S3 source connector: replays partner CSV files from the bucket into Kafka exactly once.
 *
 * - Discovers `.csv` objects under a prefix (polling in follow mode), reference kinds before
 *   transactions, then by key.
 * - Streams each object (never loads it whole), validates every row (DESIGN §5), replaces CPFs by
 *   their pseudonym, encodes Avro through the registry, produces to `raw.<kind>` keyed by natural
 *   key; rejected rows go to `dlq.ingest` with file, line, raw text and reason.
 * - Rows, dead letters and the object's checkpoint are committed in one Kafka transaction, so a
 *   kill -9 at any moment resumes after the last committed line: nothing lost, nothing twice.
 *   Consumers read `raw.*` with read_committed (kafkajs' default).
 *
 * @example
 *   const source = await S3SourceConnector.create(deps);
 *   const summary = await source.replay({ prefix: "incoming/" });
 *   await source.close();
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { resolve } from "node:path";
import type { Config } from "../../lib/config/config.ts";
import type { Logger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import type { IngestDeadLetter } from "../../schemas/raw-records.ts";
import type { KafkaFactory } from "../../streams/kafka/kafka-factory.ts";
import {
  connectNativeProducer,
  type OutMessage,
  type PackedMessages,
  type TransactionalProducer,
} from "../../streams/kafka/native-producer.ts";
import {
  readSchemaFile,
  valueSubject,
  type AvroSerde,
  type SubjectSerde,
} from "../../streams/serde/avro-serde.ts";
import { checkpointMessage, loadCheckpoints, type ObjectCheckpoint } from "./checkpoints.ts";
import {
  FILE_KINDS,
  kindOf,
  kindRank,
  type FileKind,
  type ValidationContext,
} from "./contract/file-kinds.ts";
import { LocalTimeConverter, saleInstant } from "./contract/field-rules.ts";
import { csvRows } from "./csv-rows.ts";
import { cpfPseudonymizer } from "./pseudonymize.ts";
import type { SourceMetrics } from "./metrics.ts";
import { ensureIngestTopics } from "../../streams/topic-specs.ts";
import { badHeaderDeadLetter, deadLetter, headerMatches, validateRow } from "./validate-row.ts";
import { ValidatePool, type ValidateResponse } from "./validate-pool.ts";

export interface S3SourceDeps {
  readonly config: Config;
  readonly s3: S3Client;
  readonly kafka: KafkaFactory;
  readonly serde: AvroSerde;
  readonly log: Logger;
  /** Where to count rows, dead letters and commits (optional). */
  readonly metrics?: SourceMetrics;
}

export interface ReplayOptions {
  /** Bucket prefix, e.g. `incoming/`. */
  readonly prefix: string;
  /** Event-time pacing of transactions: 3600 plays an hour of sales per second. Unset = full speed. */
  readonly speed?: number;
  /** Rows per Kafka transaction (bounded memory and latency). */
  readonly maxBatchRows?: number;
  /** Longest a row waits before its transaction commits, in ms (matters for live files). */
  readonly maxBatchMs?: number;
  readonly onProgress?: (p: ReplayProgress) => void;
  readonly signal?: AbortSignal;
}

export interface ReplayProgress {
  readonly file: string;
  readonly filesDone: number;
  readonly filesTotal: number;
  /** Rows handled in this replay so far (all files). */
  readonly rows: number;
}

export interface FileSummary {
  readonly key: string;
  readonly kind: string;
  /** Already finished by an earlier replay: nothing was produced this time. */
  readonly skipped: boolean;
  readonly rowsRead: number;
  readonly accepted: number;
  readonly rejected: Readonly<Record<string, number>>;
}

export interface ReplaySummary {
  readonly files: readonly FileSummary[];
  readonly rowsRead: number;
  readonly accepted: number;
  readonly deadLetters: Readonly<Record<string, number>>;
  readonly ms: number;
}

interface ObjectRef {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
}

/** Bytes of an object handed to the validation worker at once (about 2–3k transaction lines). */
const OFFLOAD_CHUNK_BYTES = 256 * 1024;

const UNKNOWN_KIND = "unknown";

/** Sleeps, waking early when `signal` aborts (and leaving no listener behind). */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((done) => {
    if (signal?.aborted) return done();
    const onAbort = (): void => {
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      done();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export class S3SourceConnector {
  private validation: ValidationContext;
  private pacing: { event0: number; wall0: number } | undefined;

  private constructor(
    private readonly deps: S3SourceDeps,
    private readonly producer: TransactionalProducer,
    private readonly serdes: ReadonlyMap<string, SubjectSerde<object>>,
    private readonly checkpoints: Map<string, ObjectCheckpoint>,
    private readonly pool: ValidatePool,
  ) {
    this.validation = {
      tz: new LocalTimeConverter(deps.config.tzBusiness),
      nowMs: Date.now(),
      pseudonymize: cpfPseudonymizer(deps.config.pseudonymSecret),
    };
  }

  /**
   * Creates topics, registers schemas, connects the transactional producer (fencing a crashed
   * predecessor with the same id) and loads the committed checkpoints.
   *
   * Topics, schema subjects and the default transactional id are under the Kafka factory's
   * topic prefix (`KAFKA_TOPIC_PREFIX`).
   *
   * @param transactionalId one per connector deployment (two instances must not share a bucket
   *   prefix); default `<prefix>vitrine-s3-source`
   */
  static async create(deps: S3SourceDeps, transactionalId?: string): Promise<S3SourceConnector> {
    const topics = deps.kafka.topics;
    const admin = deps.kafka.admin();
    await admin.connect();
    try {
      await ensureIngestTopics(admin, topics);
      const serdes = new Map<string, SubjectSerde<object>>();
      const schemas: Record<string, { schemaId: number; schema: object }> = {};
      for (const k of FILE_KINDS) {
        const schema = await readSchemaFile(resolve(REPO_ROOT, "schemas/raw", k.schemaFile));
        const topic = topics[k.topicKey];
        const serde = await deps.serde.forSubject<object>(valueSubject(topic), schema);
        serdes.set(topic, serde);
        schemas[k.kind] = { schemaId: serde.schemaId, schema: schema as object };
      }
      const dlqSchema = await readSchemaFile(resolve(REPO_ROOT, "schemas/dlq-ingest.avsc"));
      const dlqSerde = await deps.serde.forSubject<object>(valueSubject(topics.dlqIngest), dlqSchema);
      serdes.set(topics.dlqIngest, dlqSerde);
      const producer = await connectNativeProducer(
        deps.config.kafka,
        transactionalId ?? deps.kafka.scoped("vitrine-s3-source"),
        deps.log,
      );
      const checkpoints = await loadCheckpoints(deps.kafka, admin);
      const pool = ValidatePool.start({
        tz: deps.config.tzBusiness,
        secret: deps.config.pseudonymSecret,
        schemas,
        deadLetter: { schemaId: dlqSerde.schemaId, schema: dlqSchema as object },
      });
      return new S3SourceConnector(deps, producer, serdes, checkpoints, pool);
    } finally {
      await admin.disconnect();
    }
  }

  /** Committed progress of every object seen so far. */
  progress(): ReadonlyMap<string, ObjectCheckpoint> {
    return this.checkpoints;
  }

  /** Lists the `.csv` objects under a prefix in load order. */
  async list(prefix: string): Promise<ObjectRef[]> {
    const out: ObjectRef[] = [];
    let token: string | undefined;
    do {
      const page = await this.deps.s3.send(
        new ListObjectsV2Command({
          Bucket: this.deps.config.s3.bucket,
          Prefix: prefix,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key || !o.Key.toLowerCase().endsWith(".csv")) continue;
        out.push({ key: o.Key, etag: (o.ETag ?? "").replace(/"/g, ""), size: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const rank = (k: string) => {
      const kind = kindOf(k);
      return kind ? kindRank(kind) : FILE_KINDS.length;
    };
    return out.sort((a, b) => rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Replays every object under the prefix that is not finished yet; returns a summary. */
  async replay(opts: ReplayOptions): Promise<ReplaySummary> {
    const t0 = Date.now();
    const objects = await this.list(opts.prefix);
    const files: FileSummary[] = [];
    let rows = 0;
    for (const [i, obj] of objects.entries()) {
      if (opts.signal?.aborted) break;
      const summary = await this.replayObject(obj, opts, (n) => {
        opts.onProgress?.({ file: obj.key, filesDone: i, filesTotal: objects.length, rows: rows + n });
      });
      rows += summary.skipped ? 0 : summary.rowsRead;
      files.push(summary);
      opts.onProgress?.({ file: obj.key, filesDone: i + 1, filesTotal: objects.length, rows });
    }
    const deadLetters: Record<string, number> = {};
    for (const f of files)
      for (const [r, n] of Object.entries(f.rejected)) deadLetters[r] = (deadLetters[r] ?? 0) + n;
    return {
      files,
      rowsRead: files.reduce((s, f) => s + f.rowsRead, 0),
      accepted: files.reduce((s, f) => s + f.accepted, 0),
      deadLetters,
      ms: Date.now() - t0,
    };
  }

  /**
   * Keeps replaying new objects under the prefix, polling every `pollMs`, until `signal` aborts.
   */
  async follow(
    opts: ReplayOptions & { pollMs?: number; onReplay?: (s: ReplaySummary) => void },
  ): Promise<void> {
    while (!opts.signal?.aborted) {
      const s = await this.replay(opts);
      if (s.files.some((f) => !f.skipped)) opts.onReplay?.(s);
      await sleep(opts.pollMs ?? 2000, opts.signal);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
    await this.producer.disconnect();
  }

  // === One object

  private async replayObject(
    obj: ObjectRef,
    opts: ReplayOptions,
    onRows: (n: number) => void,
  ): Promise<FileSummary> {
    const kind = kindOf(obj.key);
    const kindName = kind?.kind ?? UNKNOWN_KIND;
    const prev = this.checkpoints.get(obj.key);
    const resume = prev && prev.etag === obj.etag ? prev : undefined;
    if (resume?.done) {
      return {
        key: obj.key,
        kind: kindName,
        skipped: true,
        rowsRead: resume.rowsRead,
        accepted: resume.accepted,
        rejected: resume.rejected,
      };
    }
    // "More than one day in the future" is judged against the clock when the file is read, so a
    // connector following live files for days keeps accepting today's sales.
    this.validation = { ...this.validation, nowMs: Date.now() };
    const log = this.deps.log.child({ file: obj.key, kind: kindName });
    log.info({ resumeAfterLine: resume?.line ?? 0 }, "file.start");

    let line = resume?.line ?? 1;
    let rowsRead = resume?.rowsRead ?? 0;
    let accepted = resume?.accepted ?? 0;
    const rejected: Record<string, number> = { ...(resume?.rejected ?? {}) };
    // Accepted rows as the worker packed them (or, read inline, plain messages) until produced.
    let data: (OutMessage[] | PackedMessages)[] = [];
    let dataRows = 0;
    let dlq: OutMessage[] = [];
    let lastCommit = Date.now();
    const maxRows = opts.maxBatchRows ?? 20_000;
    const maxMs = opts.maxBatchMs ?? 500;
    const topics = this.deps.kafka.topics;
    const dataTopic = kind ? topics[kind.topicKey] : undefined;
    const dataSerde = dataTopic ? this.serdes.get(dataTopic) : undefined;
    const dlqSerde = this.serdes.get(topics.dlqIngest)!;

    const metrics = this.deps.metrics;
    let pendingAccepted = 0;
    let pendingRejected: Record<string, number> = {};
    // One transaction in flight while the next batch is parsed: librdkafka sends and commits on
    // its own threads, so the main thread's CSV, validation and Avro work overlaps the commit.
    // Memory stays bounded by two batches.
    let inflight: Promise<void> = Promise.resolve();
    /** Hands the rows read so far to a transaction (after the one in flight) and returns it. */
    const startCommit = (done: boolean): Promise<void> => {
      const cp: ObjectCheckpoint = {
        key: obj.key,
        etag: obj.etag,
        kind: kindName,
        size: obj.size,
        line,
        done,
        rowsRead,
        accepted,
        rejected: { ...rejected },
        updatedAt: new Date().toISOString(),
      };
      const batch = { data, dlq, accepted: pendingAccepted, rejected: pendingRejected };
      data = [];
      dataRows = 0;
      dlq = [];
      pendingAccepted = 0;
      pendingRejected = {};
      lastCommit = Date.now();
      const previous = inflight;
      inflight = (async () => {
        await previous;
        const stopTimer = metrics?.commitSeconds.startTimer();
        const txn = await this.producer.transaction();
        try {
          if (dataTopic) for (const messages of batch.data) await txn.send({ topic: dataTopic, messages });
          await txn.send({ topic: topics.dlqIngest, messages: batch.dlq });
          await txn.send({ topic: topics.s3SourceCheckpoints, messages: [checkpointMessage(cp)] });
          await txn.commit();
        } catch (err) {
          await txn.abort().catch(() => {});
          throw err;
        }
        stopTimer?.();
        // Counted only once committed, so the metrics agree with what reached Kafka.
        if (metrics) {
          metrics.rows.inc({ kind: kindName, outcome: "accepted" }, batch.accepted);
          for (const [reason, n] of Object.entries(batch.rejected)) {
            metrics.rows.inc({ kind: kindName, outcome: "rejected" }, n);
            metrics.deadLetters.inc({ kind: kindName, reason }, n);
          }
          if (done) metrics.files.inc({ kind: kindName });
        }
        this.checkpoints.set(obj.key, cp);
        onRows(cp.rowsRead - (resume?.rowsRead ?? 0));
      })();
      // A failure surfaces where the commit is awaited next; never as an unhandled rejection.
      inflight.catch(() => {});
      return inflight;
    };
    /** Commits everything read so far and waits for it. */
    const commit = (done: boolean): Promise<void> => startCommit(done);

    const reject = (dl: IngestDeadLetter): void => {
      rejected[dl.reason] = (rejected[dl.reason] ?? 0) + 1;
      pendingRejected[dl.reason] = (pendingRejected[dl.reason] ?? 0) + 1;
      dlq.push({ key: dl.source_file, value: dlqSerde.encodeSync(dl) });
    };

    const body = (
      await this.deps.s3.send(
        new GetObjectCommand({ Bucket: this.deps.config.s3.bucket, Key: obj.key, IfMatch: obj.etag }),
      )
    ).Body as Readable;
    let headerOk = true;
    const delimiter = kind?.delimiter ?? ",";
    // Rows of a known kind are split, validated and Avro-encoded by the worker thread from the
    // object's bytes, two chunks in flight, while this thread reads on and produces; pacing needs
    // the rows one by one, so it reads inline.
    const offloadKind = kind && !opts.speed ? kind : undefined;
    const queued: Promise<ValidateResponse>[] = [];
    const absorb = async (): Promise<void> => {
      const res = await queued.shift()!;
      if (res.badHeader !== undefined) log.warn({ header: res.badHeader }, "file.bad_header");
      rowsRead += res.rowsRead;
      if (res.lastLine > 0) line = res.lastLine;
      accepted += res.keys.length;
      pendingAccepted += res.keys.length;
      if (res.keys.length > 0) {
        const values = Buffer.from(res.values.buffer, res.values.byteOffset, res.values.byteLength);
        data.push({ keys: res.keys, values, ends: res.ends });
        dataRows += res.keys.length;
      }
      for (const r of res.rejects) {
        rejected[r.reason] = (rejected[r.reason] ?? 0) + 1;
        pendingRejected[r.reason] = (pendingRejected[r.reason] ?? 0) + 1;
        dlq.push({
          key: obj.key,
          value: Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength),
        });
      }
    };
    const commitIfDue = async (): Promise<void> => {
      if (dataRows + dlq.length >= maxRows || Date.now() - lastCommit >= maxMs) {
        await inflight; // at most one transaction in flight, one batch being read
        void startCommit(false);
      }
    };
    const stopped = async (): Promise<FileSummary> => {
      while (queued.length > 0) await absorb();
      await commit(false);
      return { key: obj.key, kind: kindName, skipped: false, rowsRead, accepted, rejected };
    };
    if (offloadKind) {
      let chunks: Uint8Array[] = [];
      let bytes = 0;
      let first = true;
      const send = (end: boolean): void => {
        const result = this.pool.validate({
          file: obj.key,
          kind: offloadKind.kind,
          nowMs: this.validation.nowMs,
          bytes: chunks,
          end,
          ...(first ? { startAfterLine: line } : {}),
        });
        result.catch(() => {}); // awaited in order by absorb(); never an unhandled rejection
        queued.push(result);
        [chunks, bytes, first] = [[], 0, false];
      };
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes < OFFLOAD_CHUNK_BYTES) continue;
        send(false);
        if (queued.length >= 2) await absorb();
        await commitIfDue();
        if (opts.signal?.aborted) return stopped();
      }
      send(true);
    } else
      for await (const rows of csvRows(body, { delimiter, startAfterLine: line })) {
        for (const row of rows) {
          if (row.line === 1) {
            headerOk = kind !== undefined && row.fields !== undefined && headerMatches(kind, row.fields);
            if (!headerOk) log.warn({ header: row.raw.slice(0, 200) }, "file.bad_header");
            continue;
          }
          // Pacing commits what came before this row, so it runs before the row is counted.
          if (opts.speed && kind?.kind === "transactions" && row.fields?.[0])
            await this.pace(row.fields[0], opts, commit);
          rowsRead++;
          line = row.line;
          if (!kind) {
            reject(
              deadLetter(
                obj.key,
                UNKNOWN_KIND,
                row,
                "unknown_file",
                "file name matches no known partner file kind",
                this.validation,
              ),
            );
            continue;
          }
          if (!headerOk) {
            reject(badHeaderDeadLetter(obj.key, kind, row, this.validation));
            continue;
          }
          const outcome = validateRow(obj.key, kind, row, this.validation);
          if (!outcome.ok) {
            reject(outcome.deadLetter);
            continue;
          }
          accepted++;
          pendingAccepted++;
          const last = data.at(-1);
          const message = { key: outcome.key, value: dataSerde!.encodeSync(outcome.record) };
          if (Array.isArray(last)) last.push(message);
          else data.push([message]);
          dataRows++;
        }
        await commitIfDue();
        if (opts.signal?.aborted) return stopped();
      }
    while (queued.length > 0) {
      await absorb();
      await commitIfDue();
    }
    await commit(true);
    log.info({ rowsRead, accepted, rejected }, "file.done");
    return { key: obj.key, kind: kindName, skipped: false, rowsRead, accepted, rejected };
  }

  /** Event-time pacing: waits until this sale's time, scaled by `speed`, has come. */
  private async pace(
    data: string,
    opts: ReplayOptions,
    commit: (done: boolean) => Promise<void>,
  ): Promise<void> {
    let event: number;
    try {
      event = saleInstant(data, "data", this.validation.tz, Number.MAX_SAFE_INTEGER);
    } catch {
      return; // a bad date is rejected by validation; it does not move the clock
    }
    if (!this.pacing) this.pacing = { event0: event, wall0: Date.now() };
    const due = this.pacing.wall0 + (event - this.pacing.event0) / (opts.speed ?? 1);
    const wait = due - Date.now();
    if (wait > 5) {
      await commit(false);
      await sleep(Math.min(wait, 60_000), opts.signal);
    }
  }
}

export type { FileKind };
