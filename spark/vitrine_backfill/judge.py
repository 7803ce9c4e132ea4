"""
One line of one file → accepted record or dead letter, exactly as the S3 source connector judges
it (``connectors/s3-source/source.ts`` replayObject + ``validate-row.ts``): a file whose name
matches no kind rejects every data row as ``unknown_file``, a file whose header is wrong every
row as ``bad_header``; blank lines are skipped; line numbers start at 1 with the header.
"""
from __future__ import annotations

from dataclasses import dataclass

from .csv_line import prepare, split_fields
from .file_kinds import FileKind, ValidationContext, header_matches, mask_cpfs, validate_fields


@dataclass(frozen=True)
class Verdict:
    line: int
    record: dict | None
    reason: str | None = None
    detail: str | None = None
    raw: str | None = None  # masked raw text of a dead letter


def header_ok(kind: FileKind | None, first_line: str | None) -> bool:
    """Whether a file's line 1 is its kind's header. A file whose line 1 is blank (or missing)
    keeps the connector's initial ``true``."""
    if first_line is None:
        return True
    prepared = prepare(first_line, 1)
    if prepared is None:
        return True
    if kind is None:
        return False
    fields, _ = split_fields(prepared, kind.delimiter)
    return fields is not None and header_matches(kind, fields)


def judge_line(kind: FileKind | None, file_header_ok: bool, line_no: int, text: str, ctx: ValidationContext) -> Verdict | None:
    """The verdict on one physical line (None for the header and for blank lines)."""
    prepared = prepare(text, line_no)
    if prepared is None or line_no == 1:
        return None
    if kind is None:
        return Verdict(line_no, None, "unknown_file", "file name matches no known partner file kind", mask_cpfs(prepared, ctx))
    if not file_header_ok:
        return Verdict(line_no, None, "bad_header", f"header must be {kind.delimiter.join(kind.columns)}", mask_cpfs(prepared, ctx))
    fields, error = split_fields(prepared, kind.delimiter)
    record, reason, detail = validate_fields(kind, fields, error, ctx)
    if record is None:
        return Verdict(line_no, None, reason, detail, mask_cpfs(prepared, ctx))
    return Verdict(line_no, record)
