"""
One physical line of a partner file → its fields, or the reason it cannot be read; the
connector's ``connectors/s3-source/csv-rows.ts`` line by line: a line with an odd number of
quotes is ``bad_quoting`` on its own, a quote-free line is split on the delimiter, any other line
is parsed as csv-parse 6 parses it (RFC 4180 quoting, ``""`` escapes, no relaxed quotes; only the
line's first record counts).
"""
from __future__ import annotations

from .field_rules import js_trim


class CsvError(Exception):
    pass


def prepare(line: str, line_no: int) -> str | None:
    """The connector's view of a raw line: trailing CR removed, BOM removed from line 1; None for
    a blank line (skipped, though it still counts for line numbers)."""
    if line.endswith("\r"):
        line = line[:-1]
    if line_no == 1 and line.startswith("\ufeff"):
        line = line[1:]
    if js_trim(line) == "":
        return None
    return line


def split_fields(line: str, delimiter: str) -> tuple[list[str] | None, str | None]:
    """(fields, None) or (None, error) for a prepared line."""
    quotes = line.count('"')
    if quotes % 2 == 1:
        return None, "unbalanced quote"
    if quotes == 0:
        return line.split(delimiter), None
    try:
        return parse_quoted(line, delimiter), None
    except CsvError as err:
        return None, str(err)


def parse_quoted(line: str, delimiter: str) -> list[str]:
    """csv-parse's first record of a line holding quotes."""
    fields: list[str] = []
    field: list[str] = []
    i = 0
    n = len(line)
    quoted = False
    was_quoted = False
    while i < n:
        c = line[i]
        if quoted:
            if c == '"':
                if i + 1 < n and line[i + 1] == '"':
                    field.append('"')
                    i += 2
                    continue
                quoted = False
                nxt = line[i + 1] if i + 1 < n else ""
                if nxt not in ("", delimiter, "\r", "\n"):
                    raise CsvError(
                        f"Invalid Closing Quote: got {nxt!r} at line 1 instead of delimiter, record delimiter, trimable character"
                    )
                i += 1
                continue
            field.append(c)
            i += 1
            continue
        if c == '"':
            if field or was_quoted:
                raise CsvError(f"Invalid Opening Quote: a quote is found on field {len(fields)} at line 1")
            quoted = True
            was_quoted = True
            i += 1
            continue
        if c == delimiter:
            fields.append("".join(field))
            field = []
            was_quoted = False
            i += 1
            continue
        if c in ("\r", "\n"):
            break  # a record delimiter: only the first record counts
        field.append(c)
        i += 1
    if quoted:
        raise CsvError("Quote Not Closed: the parsing is finished with an opening quote")
    fields.append("".join(field))
    return fields
