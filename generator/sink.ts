/**
 * Where generated files go: a sink opens a file by name and hands back a writable stream plus a
 * promise that settles once the file is stored. `createDirectorySink` writes to a local folder;
 * `createS3Sink` (s3-sink.ts) streams into a bucket.
 *
 * @example
 *   const sink = createDirectorySink("/tmp/dataset");
 *   const file = sink.open("store_final.csv");
 *   file.stream.end("nome_loja,regiao,diretoria,data_inauguracao\n");
 *   await file.done;
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";

/** One file being written. */
export interface SinkFile {
  /** Write UTF-8 text here (respect backpressure), then `end()` it. */
  readonly stream: Writable;
  /** Settles when the ended file is fully stored; rejects on a storage error. */
  readonly done: Promise<void>;
  /** Abandons the file after a failure (best effort). */
  abort(): Promise<void>;
}

/** A destination of generated files. */
export interface DatasetSink {
  /** Human-readable location, e.g. a folder path or `s3://bucket/prefix/`. */
  readonly location: string;
  /** Opens a file by base name (e.g. `transactions_2024.csv`). */
  open(name: string): SinkFile;
}

/** A sink writing files into a local folder (created when missing). */
export function createDirectorySink(dir: string): DatasetSink {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  return {
    location: root,
    open(name) {
      const stream = createWriteStream(join(root, name), { highWaterMark: 1 << 20 });
      const done = finished(stream);
      done.catch(() => undefined); // observed by the caller; avoid an unhandled rejection meanwhile
      return {
        stream,
        done,
        abort: async () => {
          stream.destroy();
        },
      };
    },
  };
}
