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

export interface ValidateRequest {
  readonly id: number;
  readonly file: string;
  readonly kind: string;
  readonly nowMs: number;
  readonly rows: readonly CsvRow[];
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
    const worker = new Worker(new URL("./validate-worker-entry.mjs", import.meta.url), { workerData: init });
    return new ValidatePool(worker);
  }

  validate(req: Omit<ValidateRequest, "id">): Promise<ValidateResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((ok, fail) => {
      this.waiting.set(id, { ok, fail });
      this.worker.postMessage({ ...req, id });
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}
