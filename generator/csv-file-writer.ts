/**
 * A buffered writer of one CSV file into a sink: collects text, hands it to the stream in large
 * chunks, honours backpressure, and counts clean and dirty lines for the summary.
 */
import { once } from "node:events";
import type { DatasetSink, SinkFile } from "./sink.ts";
import type { DirtyClass, FileSummary } from "./summary.ts";

const FLUSH_AT = 256 * 1024;

/** Writes one file; call `close()` to finish it and get its summary. */
export class CsvFileWriter {
  /** Clean data lines pushed so far. */
  cleanLines = 0;
  /** Dirty data lines pushed so far. */
  dirtyLines = 0;
  private readonly dirtyByClass: Partial<Record<DirtyClass, number>> = {};
  private buffer = "";
  private bytes = 0;
  private readonly file: SinkFile;

  /**
   * Opens the file and writes its header.
   *
   * @param header the header line without line break
   */
  constructor(
    sink: DatasetSink,
    readonly name: string,
    readonly delimiter: "," | ";",
    header: string,
  ) {
    this.file = sink.open(name);
    this.buffer = `${header}\n`;
  }

  /** Appends one or more complete clean lines (each ending in `\n`). */
  clean(text: string, lines = 1): void {
    this.buffer += text;
    this.cleanLines += lines;
  }

  /** Appends one complete dirty line of a class. */
  dirty(text: string, cls: DirtyClass): void {
    this.buffer += text;
    this.dirtyLines++;
    this.dirtyByClass[cls] = (this.dirtyByClass[cls] ?? 0) + 1;
  }

  /** Hands the buffer to the stream when it is large; waits while the stream is full. */
  async maybeFlush(): Promise<void> {
    if (this.buffer.length >= FLUSH_AT) await this.flush();
  }

  /** Hands the buffer to the stream; waits while the stream is full. */
  async flush(): Promise<void> {
    if (this.buffer === "") return;
    const chunk = this.buffer;
    this.buffer = "";
    this.bytes += Buffer.byteLength(chunk, "utf8");
    if (!this.file.stream.write(chunk, "utf8")) await once(this.file.stream, "drain");
  }

  /** Flushes, ends the file, waits until it is stored and returns its summary. */
  async close(): Promise<FileSummary> {
    await this.flush();
    this.file.stream.end();
    await this.file.done;
    return {
      name: this.name,
      delimiter: this.delimiter,
      dataLines: this.cleanLines + this.dirtyLines,
      cleanLines: this.cleanLines,
      dirtyLines: this.dirtyLines,
      dirtyByClass: { ...this.dirtyByClass },
      bytes: this.bytes,
    };
  }

  /** Abandons the file after a failure. */
  async abort(): Promise<void> {
    this.buffer = "";
    await this.file.abort();
  }
}
