"""
Inserts silver rows into ClickHouse over its HTTP interface (TabSeparated, one INSERT per call =
one block, so the materialized views fire once per call). Works on 18.16 and on current
ClickHouse. Only constant SQL text is sent: the table and column names are validated identifiers.
"""
from __future__ import annotations

import re
import urllib.parse
import urllib.request

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})


def ident(name: str) -> str:
    if not _IDENT.fullmatch(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return f"`{name}`"


def tsv_string(value: str) -> str:
    return value.translate(_ESCAPES)


def tsv_array(values: list[str]) -> str:
    """A String array as a TSV field: ['a','b'] with quotes and backslashes escaped."""
    inner = ",".join("'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" for v in values)
    return tsv_string(f"[{inner}]")


def insert_tsv(url: str, user: str, password: str, database: str, table: str, columns: list[str], body: bytes) -> None:
    query = f"INSERT INTO {ident(database)}.{ident(table)} ({', '.join(ident(c) for c in columns)}) FORMAT TabSeparated"
    req = urllib.request.Request(
        f"{url.rstrip('/')}/?{urllib.parse.urlencode({'query': query})}",
        data=body,
        method="POST",
        headers={"X-ClickHouse-User": user, "X-ClickHouse-Key": password, "Content-Type": "text/tab-separated-values"},
    )
    try:
        with urllib.request.urlopen(req, timeout=600) as resp:
            resp.read()
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"ClickHouse insert into {database}.{table} failed: {err.code} {err.read()[:500]!r}") from None
