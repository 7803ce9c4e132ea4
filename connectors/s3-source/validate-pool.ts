/**
 * Main-thread side of the connector's validation worker (`validate-worker.ts`): sends batches of
 * parsed rows, gets back the accepted rows as Avro-framed messages with their keys and the
 * rejected rows as encoded dead letters, in input order. Requests are answered in the order sent.
 *
 * @example
 *   const pool = ValidatePool.start(init);
 *   const res = await pool.validate({ file, kind: "transactions", nowMs: Date.now(), rows });
 *   await pool.close();
 */
import { Worker } from "node:worker_threads";
import type { CsvRow } from "./csv-rows.ts";

/** What the worker is started with. */
export interface ValidateWorkerInit {
  /** TZ_BUSINESS. */
  readonly tz: string;
  /** The CPF pseudonym key (kept in memory only, never logged). */
  readonly secret: string;
  /** Registered value schema of each file kind's topic. */
  readonly schemas: Readonly<Record<string, { readonly schemaId: number; readonly schema: object }>>;
  /** Registered schema of dlq.ingest. */
  readonly deadLetter: { readonly schemaId: number; readonly schema: object };
}

/**
 * A batch as it crosses to the worker: the raw lines in one string (a structured clone of one
 * string is far cheaper than of thousands of field arrays) and their line numbers. A line
 * without quotes is exactly its fields joined by the delimiter, as `csvRows` splits it, so the
 * worker splits it again; only quoted or broken lines carry what `csvRows` made of them.
 */
export interface ValidateRequest {
  readonly id: number;
  readonly file: string;
  readonly kind: string;
  readonly nowMs: number;
  /** The rows' raw lines joined by "\n" (a raw line never holds a newline). */
  readonly raws: string;
  readonly lines: Int32Array;
  /** Rows csv-parse parsed (quoted) or rejected, by index in the batch. */
  readonly parsed: readonly { readonly i: number; readonly row: CsvRow }[];
}

/** Packs rows for the worker (see `ValidateRequest`). */
export function packRows(rows: readonly CsvRow[]): Pick<ValidateRequest, "raws" | "lines" | "parsed"> {
  const lines = new Int32Array(rows.length);
  const raws: string[] = new Array<string>(rows.length);
  const parsed: { i: number; row: CsvRow }[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    lines[i] = row.line;
    raws[i] = row.raw;
    if (row.fields === undefined || row.raw.includes('"')) parsed.push({ i, row });
  }
  return { raws: raws.join("\n"), lines, parsed };
}

/** The worker's inverse of `packRows`. */
export function unpackRows(
  req: Pick<ValidateRequest, "raws" | "lines" | "parsed">,
  delimiter: string,
): CsvRow[] {
  if (req.lines.length === 0) return [];
  const raws = req.raws.split("\n");
  const rows: CsvRow[] = new Array<CsvRow>(raws.length);
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i]!;
    rows[i] = { line: req.lines[i]!, raw, fields: raw.split(delimiter) };
  }
  for (const p of req.parsed) rows[p.i] = p.row;
  return rows;
}

export interface ValidateResponse {
  readonly id: number;
  /** Keys of the accepted rows, in order. */
  readonly keys: string[];
  /** Their encoded values, back to back; value i ends at `ends[i]`. */
  readonly values: Uint8Array;
  readonly ends: Int32Array;
  /** Rejected rows' encoded dead letters, in order. */
  readonly rejects: { readonly reason: string; readonly value: Uint8Array }[];
}

type Reply = ValidateResponse | { readonly id: number; readonly error: string };

export class ValidatePool {
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { ok: (r: ValidateResponse) => void; fail: (e: Error) => void }
  >();
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: Reply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ("error" in reply) w?.fail(new Error(`validation worker: ${reply.error}`));
      else w?.ok(reply);
    });
    const failAll = (err: Error): void => {
      this.failure = err;
      for (const w of this.waiting.values()) w.fail(err);
      this.waiting.clear();
    };
    worker.on("error", failAll);
    worker.on("exit", (code) => failAll(new Error(`validation worker exited (${code})`)));
  }

  static start(init: ValidateWorkerInit): ValidatePool {
    // A plain .mjs entry that loads the TypeScript worker through tsx's API.
    const worker = new Worker(new URL("./validate-worker-entry.mjs", import.meta.url), {
      workerData: init,
      // The worker holds two batches at a time: a small old space is plenty. A small young
      // generation too would save ~40 MB of RSS but cost ~15 % throughput (measured: 12 MB →
      // 66–71k lines/s, 320 MB; default → 76–86k lines/s, 355–370 MB).
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    return new ValidatePool(worker);
  }

  validate(req: {
    file: string;
    kind: string;
    nowMs: number;
    rows: readonly CsvRow[];
  }): Promise<ValidateResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const message: ValidateRequest = {
      id,
      file: req.file,
      kind: req.kind,
      nowMs: req.nowMs,
      ...packRows(req.rows),
    };
    return new Promise((ok, fail) => {
      this.waiting.set(id, { ok, fail });
      this.worker.postMessage(message, [message.lines.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}
