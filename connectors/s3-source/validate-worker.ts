/**
 * Worker thread of the S3 connector: splits a file's bytes into CSV rows, checks the header,
 * validates and Avro-encodes every row, so that this CPU work runs on the second core while the
 * connector's main thread reads the bucket and hands the encoded messages to the producer. Same
 * pure functions as the inline path (`CsvLineSplitter`, `headerMatches`, `validateRow`,
 * `deadLetter`, the kinds' `key`), so both paths give identical results.
 *
 * Protocol (see `validate-pool.ts`): `workerData` is a `ValidateWorkerInit`; each message is a
 * `ValidateRequest`, answered by a `ValidateResponse` with the same `id`.
 */
import avro from "avsc";
import { parentPort, workerData } from "node:worker_threads";
import { FILE_KINDS, type FileKind, type ValidationContext } from "./contract/file-kinds.ts";
import { LocalTimeConverter } from "./contract/field-rules.ts";
import { cpfPseudonymizer } from "./pseudonymize.ts";
import { CsvLineSplitter, type CsvRow } from "./csv-rows.ts";
import { badHeaderDeadLetter, headerMatches, validateRow } from "./validate-row.ts";
import { type ValidateRequest, type ValidateResponse, type ValidateWorkerInit } from "./validate-pool.ts";

const init = workerData as ValidateWorkerInit;

/** A Confluent-framed encoder (magic byte, schema id, Avro body) like `SubjectSerde.encodeSync`. */
const framedEncoder = (s: { schemaId: number; schema: object }) => {
  const type = avro.Type.forSchema(s.schema as avro.Schema);
  const header = Buffer.alloc(5);
  header.writeInt32BE(s.schemaId, 1);
  return {
    /** One message as its own buffer. */
    toBuffer: (value: object): Buffer => Buffer.concat([header, type.toBuffer(value)]),
    /**
     * Writes one message into `out` at `pos`; returns the end position, or -1 when it does not
     * fit (nothing after `pos` is meaningful then).
     */
    writeInto: (value: object, out: Buffer, pos: number): number => {
      if (pos + 5 > out.length) return -1;
      header.copy(out, pos);
      const end = type.encode(value, out, pos + 5);
      return end < 0 || end > out.length ? -1 : end;
    },
  };
};

/**
 * A growable output buffer over its own ArrayBuffer (a pooled Buffer's memory is shared, and
 * transferring it would detach it), so the accepted values are encoded in place, back to back,
 * and moved (not copied) to the main thread.
 */
class OutBuffer {
  buf: Buffer;
  constructor(bytes: number) {
    this.buf = Buffer.from(new ArrayBuffer(Math.max(bytes, 1024)));
  }
  grow(keep: number): void {
    const next = Buffer.from(new ArrayBuffer(this.buf.length * 2));
    this.buf.copy(next, 0, 0, keep);
    this.buf = next;
  }
}

const encoders = new Map(Object.entries(init.schemas).map(([kind, s]) => [kind, framedEncoder(s)]));
const encodeDeadLetter = framedEncoder(init.deadLetter);
const kinds = new Map<string, FileKind>(FILE_KINDS.map((k) => [k.kind, k as FileKind]));
const base = { tz: new LocalTimeConverter(init.tz), pseudonymize: cpfPseudonymizer(init.secret) };

/** The file being read: its line splitter and whether its header matched. */
let current: { file: string; split: CsvLineSplitter; headerOk: boolean } | undefined;

parentPort!.on("message", (req: ValidateRequest) => {
  let res: ValidateResponse;
  try {
    const kind = kinds.get(req.kind)!;
    const encode = encoders.get(req.kind)!;
    const ctx: ValidationContext = { ...base, nowMs: req.nowMs };
    if (req.startAfterLine !== undefined || current?.file !== req.file) {
      const split = new CsvLineSplitter({
        delimiter: kind.delimiter,
        startAfterLine: req.startAfterLine ?? 0,
      });
      current = { file: req.file, split, headerOk: true };
    }
    const file = current;
    let rows: CsvRow[] = file.split.push(req.bytes);
    if (req.end) rows = rows.concat(file.split.end());
    let badHeader: string | undefined;
    if (rows[0]?.line === 1) {
      const header = rows[0];
      file.headerOk = header.fields !== undefined && headerMatches(kind, header.fields);
      if (!file.headerOk) badHeader = header.raw.slice(0, 200);
      rows = rows.slice(1);
    }
    const keys: string[] = [];
    const ends = new Int32Array(rows.length);
    const rejects: ValidateResponse["rejects"] = [];
    const out = new OutBuffer(rows.length * 128);
    let size = 0;
    for (const row of rows) {
      const outcome = file.headerOk
        ? validateRow(req.file, kind, row, ctx)
        : ({ ok: false, deadLetter: badHeaderDeadLetter(req.file, kind, row, ctx) } as const);
      if (outcome.ok) {
        let end = encode.writeInto(outcome.record, out.buf, size);
        while (end < 0) {
          out.grow(size);
          end = encode.writeInto(outcome.record, out.buf, size);
        }
        size = end;
        ends[keys.length] = size;
        keys.push(outcome.key);
      } else {
        rejects.push({
          reason: outcome.deadLetter.reason,
          value: encodeDeadLetter.toBuffer(outcome.deadLetter),
        });
      }
    }
    if (req.end) current = undefined;
    res = {
      id: req.id,
      rowsRead: rows.length,
      lastLine: rows.length > 0 ? rows[rows.length - 1]!.line : 0,
      ...(badHeader === undefined ? {} : { badHeader }),
      keys,
      values: out.buf.subarray(0, size),
      ends: ends.subarray(0, keys.length),
      rejects,
    };
    parentPort!.postMessage(res, [out.buf.buffer as ArrayBuffer]);
  } catch (err) {
    current = undefined;
    parentPort!.postMessage({ id: req.id, error: (err as Error).stack ?? String(err) });
  }
});
