/**
 * Streams a partner CSV file as parsed rows, in batches, without ever holding the file.
 *
 * Contract: one record per physical line (the partner's files never break a record across
 * lines). That lets one broken row stay one broken row: a line with an unbalanced quote would make
 * any CSV parser swallow the following lines into one field, so such a line is rejected on its own
 * (`bad_quoting`) before parsing. Every other line goes through csv-parse (RFC 4180 quoting,
 * `""` escapes, delimiters inside quotes), in batches through its synchronous API for speed.
 *
 * @example
 *   for await (const batch of csvRows(body, { delimiter: ";" })) for (const row of batch) …
 */
import { StringDecoder } from "node:string_decoder";
import { parse, type CsvError } from "csv-parse/sync";

/** One physical line of the file, parsed or rejected. Line numbers start at 1 (the header). */
export type CsvRow =
  | { readonly line: number; readonly raw: string; readonly fields: string[] }
  | { readonly line: number; readonly raw: string; readonly fields: undefined; readonly error: string };

interface Pending {
  line: number;
  raw: string;
}

const countQuotes = (s: string): number => {
  let n = 0;
  for (let i = s.indexOf('"'); i !== -1; i = s.indexOf('"', i + 1)) n++;
  return n;
};

/** Options of `CsvLineSplitter` and `csvRows`. */
export interface CsvRowsOptions {
  /** Field delimiter. */
  readonly delimiter: string;
  /** Skip lines up to and including this one (resume after a checkpoint); the header still comes. */
  readonly startAfterLine?: number;
  /** Quoted lines parsed by csv-parse at once (and, for `csvRows`, rows per yielded batch). */
  readonly batchLines?: number;
}

/**
 * The push side of `csvRows`: feed it the file's bytes in any chunks, get back the rows completed
 * so far, in order. Used where the bytes arrive as messages (the connector's validation worker)
 * rather than as a stream. Runs of quoted lines wait to be parsed together (up to `batchLines`,
 * or until an unquoted line or `end()`); every other line is a row as soon as its newline comes.
 *
 * @example
 *   const split = new CsvLineSplitter({ delimiter: "," });
 *   const rows = [...split.push(chunk1), ...split.push(chunk2), ...split.end()];
 */
export class CsvLineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private readonly batchLines: number;
  private readonly skipUpTo: number;
  private readonly csvOptions: { readonly delimiter: string; readonly relax_column_count: true };
  private rest = "";
  private lineNo = 0;
  private pending: Pending[] = [];
  private out: CsvRow[] = [];

  constructor(private readonly opts: CsvRowsOptions) {
    this.batchLines = opts.batchLines ?? 4096;
    this.skipUpTo = opts.startAfterLine ?? 0;
    this.csvOptions = { delimiter: opts.delimiter, relax_column_count: true };
  }

  /** Takes the next bytes (or text) of the file; returns the rows finished by them. */
  push(chunk: Uint8Array | string): CsvRow[] {
    const text = this.rest + (typeof chunk === "string" ? chunk : this.decoder.write(Buffer.from(chunk)));
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      this.take(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
    return this.drain();
  }

  /** The end of the file: returns every row not returned yet (the last line may lack a newline). */
  end(): CsvRow[] {
    this.rest += this.decoder.end();
    if (this.rest !== "") this.take(this.rest);
    this.rest = "";
    this.flush();
    return this.drain();
  }

  private drain(): CsvRow[] {
    const rows = this.out;
    this.out = [];
    return rows;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    let records: { record: string[]; info: { lines: number } }[] | undefined;
    try {
      records = parse(lines.map((p) => p.raw).join("\n"), { ...this.csvOptions, info: true }) as unknown as {
        record: string[];
        info: { lines: number };
      }[];
    } catch {
      records = undefined;
    }
    if (records && records.length === lines.length) {
      for (let i = 0; i < lines.length; i++) this.out.push({ ...lines[i]!, fields: records[i]!.record });
      return;
    }
    // A malformed line in the batch (rare): parse line by line so that only it is rejected.
    // (csv-parse's own skip-and-continue loses alignment after an error.)
    for (const p of lines) {
      try {
        const [record] = parse(p.raw, this.csvOptions) as string[][];
        this.out.push({ ...p, fields: record ?? [] });
      } catch (err) {
        this.out.push({ ...p, fields: undefined, error: (err as CsvError).message });
      }
    }
  }

  private take(rawLine: string): void {
    const lineNo = ++this.lineNo;
    let line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (lineNo <= this.skipUpTo && lineNo !== 1) return;
    if (line.trim() === "") return;
    const quotes = countQuotes(line);
    if (quotes % 2 === 1) {
      this.flush();
      this.out.push({ line: lineNo, raw: line, fields: undefined, error: "unbalanced quote" });
      return;
    }
    if (quotes === 0) {
      // Without quotes, CSV fields are exactly the delimiter-separated pieces: no parser needed.
      // (Most lines, and all transaction lines, take this path; it is ~12x faster than parsing.)
      this.flush();
      this.out.push({ line: lineNo, raw: line, fields: line.split(this.opts.delimiter) });
      return;
    }
    this.pending.push({ line: lineNo, raw: line });
    if (this.pending.length >= this.batchLines) this.flush();
  }
}

/**
 * Parses the lines of a byte stream, in batches of about `batchLines` rows.
 *
 * @param source the object's body (any async iterable of bytes)
 */
export async function* csvRows(
  source: AsyncIterable<Uint8Array | string>,
  opts: CsvRowsOptions,
): AsyncGenerator<CsvRow[]> {
  const split = new CsvLineSplitter(opts);
  const batchLines = opts.batchLines ?? 4096;
  let out: CsvRow[] = [];
  for await (const chunk of source) {
    for (const row of split.push(chunk)) out.push(row);
    if (out.length >= batchLines) {
      yield out;
      out = [];
    }
  }
  for (const row of split.end()) out.push(row);
  if (out.length > 0) yield out;
}
