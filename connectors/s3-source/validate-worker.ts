/**
 * Worker thread of the S3 connector: validates and Avro-encodes batches of parsed CSV rows, so
 * that this CPU work runs on the second core while the connector's main thread reads the bucket
 * and hands the encoded messages to the producer. Same pure functions as the inline path
 * (`validateRow`, `deadLetter`, the kinds' `key`), so both paths give identical results.
 *
 * Protocol (see `validate-pool.ts`): `workerData` is a `ValidateWorkerInit`; each message is a
 * `ValidateRequest`, answered by a `ValidateResponse` with the same `id`.
 */
import avro from "avsc";
import { parentPort, workerData } from "node:worker_threads";
import { FILE_KINDS, type FileKind, type ValidationContext } from "./contract/file-kinds.ts";
import { LocalTimeConverter } from "./contract/field-rules.ts";
import { cpfPseudonymizer } from "./pseudonymize.ts";
import { validateRow } from "./validate-row.ts";
import {
  unpackRows,
  type ValidateRequest,
  type ValidateResponse,
  type ValidateWorkerInit,
} from "./validate-pool.ts";

const init = workerData as ValidateWorkerInit;

/** A Confluent-framed encoder (magic byte, schema id, Avro body) like `SubjectSerde.encodeSync`. */
const framedEncoder = (s: { schemaId: number; schema: object }) => {
  const type = avro.Type.forSchema(s.schema as avro.Schema);
  const header = Buffer.alloc(5);
  header.writeInt32BE(s.schemaId, 1);
  return (value: object): Buffer => Buffer.concat([header, type.toBuffer(value)]);
};

const encoders = new Map(Object.entries(init.schemas).map(([kind, s]) => [kind, framedEncoder(s)]));
const encodeDeadLetter = framedEncoder(init.deadLetter);
const kinds = new Map<string, FileKind>(FILE_KINDS.map((k) => [k.kind, k as FileKind]));
const base = { tz: new LocalTimeConverter(init.tz), pseudonymize: cpfPseudonymizer(init.secret) };

parentPort!.on("message", (req: ValidateRequest) => {
  let res: ValidateResponse;
  try {
    const kind = kinds.get(req.kind)!;
    const encode = encoders.get(req.kind)!;
    const ctx: ValidationContext = { ...base, nowMs: req.nowMs };
    const keys: string[] = [];
    const parts: Buffer[] = [];
    const rows = unpackRows(req, kind.delimiter);
    const ends = new Int32Array(rows.length);
    const rejects: ValidateResponse["rejects"] = [];
    let size = 0;
    for (const row of rows) {
      const outcome = validateRow(req.file, kind, row, ctx);
      if (outcome.ok) {
        const value = encode(outcome.record);
        size += value.length;
        ends[keys.length] = size;
        keys.push(outcome.key);
        parts.push(value);
      } else {
        rejects.push({ reason: outcome.deadLetter.reason, value: encodeDeadLetter(outcome.deadLetter) });
      }
    }
    // One buffer for every accepted value, moved (not copied) to the main thread.
    // Its own ArrayBuffer: a pooled Buffer's memory is shared, and transferring it would detach it.
    const values = Buffer.from(new ArrayBuffer(size));
    let at = 0;
    for (const p of parts) at += p.copy(values, at);
    res = { id: req.id, keys, values, ends: ends.subarray(0, keys.length), rejects };
    parentPort!.postMessage(res, [values.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: (err as Error).stack ?? String(err) });
  }
});
