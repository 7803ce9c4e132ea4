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

/**
 * Parses the lines of a byte stream.
 *
 * @param source the object's body (any async iterable of bytes)
 * @param opts.delimiter field delimiter
 * @param opts.startAfterLine skip lines up to and including this one (resume after a checkpoint)
 * @param opts.batchLines lines per yielded batch
 */
export async function* csvRows(
  source: AsyncIterable<Uint8Array | string>,
  opts: { delimiter: string; startAfterLine?: number; batchLines?: number },
): AsyncGenerator<CsvRow[]> {
  const decoder = new StringDecoder("utf8");
  const batchLines = opts.batchLines ?? 4096;
  const skipUpTo = opts.startAfterLine ?? 0;
  let rest = "";
  let lineNo = 0;
  let pending: Pending[] = [];
  let out: CsvRow[] = [];
  const csvOptions = { delimiter: opts.delimiter, relax_column_count: true } as const;

  const flush = (): void => {
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    let records: { record: string[]; info: { lines: number } }[] | undefined;
    try {
      records = parse(lines.map((p) => p.raw).join("\n"), { ...csvOptions, info: true }) as unknown as {
        record: string[];
        info: { lines: number };
      }[];
    } catch {
      records = undefined;
    }
    if (records && records.length === lines.length) {
      for (let i = 0; i < lines.length; i++) out.push({ ...lines[i]!, fields: records[i]!.record });
      return;
    }
    // A malformed line in the batch (rare): parse line by line so that only it is rejected.
    // (csv-parse's own skip-and-continue loses alignment after an error.)
    for (const p of lines) {
      try {
        const [record] = parse(p.raw, csvOptions) as string[][];
        out.push({ ...p, fields: record ?? [] });
      } catch (err) {
        out.push({ ...p, fields: undefined, error: (err as CsvError).message });
      }
    }
  };

  const take = (rawLine: string): void => {
    lineNo++;
    let line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (lineNo <= skipUpTo && lineNo !== 1) return;
    if (line.trim() === "") return;
    const quotes = countQuotes(line);
    if (quotes % 2 === 1) {
      flush();
      out.push({ line: lineNo, raw: line, fields: undefined, error: "unbalanced quote" });
      return;
    }
    if (quotes === 0) {
      // Without quotes, CSV fields are exactly the delimiter-separated pieces: no parser needed.
      // (Most lines, and all transaction lines, take this path; it is ~12x faster than parsing.)
      flush();
      out.push({ line: lineNo, raw: line, fields: line.split(opts.delimiter) });
      return;
    }
    pending.push({ line: lineNo, raw: line });
    if (pending.length >= batchLines) flush();
  };

  for await (const chunk of source) {
    const text = rest + (typeof chunk === "string" ? chunk : decoder.write(Buffer.from(chunk)));
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      take(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
    if (out.length >= batchLines || pending.length >= batchLines) {
      flush();
      yield out;
      out = [];
    }
  }
  rest += decoder.end();
  if (rest !== "") take(rest);
  flush();
  if (out.length > 0) yield out;
}
