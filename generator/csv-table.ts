/**
 * Writes a small table (reference data) as one CSV file with csv-stringify, quoting whatever
 * needs it (a ';' inside a description of a ';'-delimited file, quotes, …), with optional dirty
 * rows inserted at given positions.
 */
import { stringify } from "csv-stringify/sync";
import { CsvFileWriter } from "./csv-file-writer.ts";
import type { DatasetSink } from "./sink.ts";
import type { DirtyClass, FileSummary } from "./summary.ts";

/** Name, delimiter and columns of a file. */
export interface CsvSpec {
  readonly name: string;
  readonly delimiter: "," | ";";
  readonly columns: readonly string[];
}

/** A dirty row inserted after clean row `after` (0-based index). */
export interface DirtyRow {
  readonly after: number;
  readonly cls: DirtyClass;
  readonly row: readonly string[];
}

const BATCH = 2000;

/** Writes the file: header, clean rows in order, dirty rows after their clean row. */
export async function writeCsvTable(
  sink: DatasetSink,
  spec: CsvSpec,
  rows: readonly (readonly string[])[],
  dirty: readonly DirtyRow[] = [],
): Promise<FileSummary> {
  const writer = new CsvFileWriter(sink, spec.name, spec.delimiter, spec.columns.join(spec.delimiter));
  const options = { delimiter: spec.delimiter, eof: true } as const;
  const pending = [...dirty].sort((a, b) => a.after - b.after);
  let next = 0;
  let batch: (readonly string[])[] = [];
  const flushBatch = (): void => {
    if (batch.length > 0) writer.clean(stringify(batch, options), batch.length);
    batch = [];
  };
  try {
    for (let i = 0; i < rows.length; i++) {
      batch.push(rows[i] as readonly string[]);
      while (next < pending.length && (pending[next] as DirtyRow).after <= i) {
        flushBatch();
        const d = pending[next++] as DirtyRow;
        writer.dirty(stringify([d.row], options), d.cls);
      }
      if (batch.length >= BATCH) {
        flushBatch();
        await writer.maybeFlush();
      }
    }
    flushBatch();
    for (; next < pending.length; next++) {
      const d = pending[next] as DirtyRow;
      writer.dirty(stringify([d.row], options), d.cls);
    }
    return await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
