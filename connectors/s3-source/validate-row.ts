/**
 * Turns one parsed CSV line of a known file kind into either a raw record (with provenance) or a
 * dead letter with a reason. Pure: no I/O.
 */
import type { IngestDeadLetter } from "../../schemas/raw-records.ts";
import type { CsvRow } from "./csv-rows.ts";
import type { FileKind, ValidationContext } from "./contract/file-kinds.ts";
import { RowRejected, type RejectReason } from "./contract/reasons.ts";
import { maskCpfs } from "./pseudonymize.ts";

export type RowOutcome =
  | { readonly ok: true; readonly record: Record<string, unknown>; readonly key: string }
  | { readonly ok: false; readonly deadLetter: IngestDeadLetter };

/** Whether a header row names exactly the kind's columns, in order. */
export const headerMatches = (kind: FileKind, fields: readonly string[]): boolean =>
  fields.length === kind.columns.length && fields.every((f, i) => f.trim().toLowerCase() === kind.columns[i]);

/**
 * Builds the dead letter of a row (CPF-like numbers in its raw text pseudonymized).
 */
export function deadLetter(
  file: string,
  kind: string,
  row: Pick<CsvRow, "line" | "raw">,
  reason: RejectReason,
  detail: string,
  ctx: Pick<ValidationContext, "pseudonymize">,
): IngestDeadLetter {
  return {
    source_file: file,
    source_line: row.line,
    kind,
    reason,
    detail,
    raw: maskCpfs(row.raw, ctx.pseudonymize),
  };
}

/** The dead letter of a data row under a header that does not match its kind. */
export const badHeaderDeadLetter = (
  file: string,
  kind: FileKind,
  row: Pick<CsvRow, "line" | "raw">,
  ctx: Pick<ValidationContext, "pseudonymize">,
): IngestDeadLetter =>
  deadLetter(file, kind.kind, row, "bad_header", `header must be ${kind.columns.join(kind.delimiter)}`, ctx);

/**
 * Validates one data row.
 *
 * @param file bucket key of the file (provenance)
 * @param kind the file's kind
 * @param row parsed line (never the header)
 * @param ctx time zone, clock and pseudonymizer
 */
export function validateRow(file: string, kind: FileKind, row: CsvRow, ctx: ValidationContext): RowOutcome {
  if (row.fields === undefined) {
    return {
      ok: false,
      deadLetter: deadLetter(file, kind.kind, row, "bad_quoting", `broken CSV quoting: ${row.error}`, ctx),
    };
  }
  if (row.fields.length !== kind.columns.length) {
    return {
      ok: false,
      deadLetter: deadLetter(
        file,
        kind.kind,
        row,
        "column_count",
        `expected ${kind.columns.length} columns (${kind.columns.join(kind.delimiter)}), got ${row.fields.length}`,
        ctx,
      ),
    };
  }
  const values = row.fields;
  const fields: Record<string, string> = {};
  for (let i = 0; i < kind.columns.length; i++) fields[kind.columns[i]!] = values[i] ?? "";
  try {
    // Validators return a fresh object: provenance is added in place (a spread copy per row was
    // the connector's largest cost after Avro).
    const record = kind.validate(fields, ctx) as Record<string, unknown>;
    record.source_file = file;
    record.source_line = row.line;
    return { ok: true, record, key: kind.key(record) };
  } catch (err) {
    if (err instanceof RowRejected) {
      return { ok: false, deadLetter: deadLetter(file, kind.kind, row, err.reason, err.message, ctx) };
    }
    throw err;
  }
}
