"""
Inserts silver rows into ClickHouse over its HTTP interface (TabSeparated, streamed). Works on
18.16 and on current ClickHouse. Only constant SQL text is sent: the table and column names are validated identifiers.
"""
from __future__ import annotations

import http.client
import itertools
import re
import urllib.parse

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


def insert_tsv_stream(url: str, user: str, password: str, database: str, table: str, columns: list[str], chunks) -> None:
    """One INSERT whose TabSeparated body is sent chunk by chunk as it is produced (HTTP chunked
    transfer encoding); nothing is sent when ``chunks`` yields nothing non-empty. ClickHouse cuts
    the stream into blocks of ``max_insert_block_size`` rows; the views fire once per block."""
    it = (c for c in chunks if len(c) > 0)
    first = next(it, None)
    if first is None:
        return
    query = f"INSERT INTO {ident(database)}.{ident(table)} ({', '.join(ident(c) for c in columns)}) FORMAT TabSeparated"
    u = urllib.parse.urlparse(url)
    conn = (http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection)(u.hostname, u.port, timeout=600)
    try:
        conn.request(
            "POST",
            f"{u.path.rstrip('/')}/?{urllib.parse.urlencode({'query': query})}",
            body=itertools.chain((first,), it),
            headers={
                "X-ClickHouse-User": user,
                "X-ClickHouse-Key": password,
                "Content-Type": "text/tab-separated-values",
                "Transfer-Encoding": "chunked",
            },
            encode_chunked=True,
        )
        resp = conn.getresponse()
        answer = resp.read()
    finally:
        conn.close()
    if resp.status != 200:
        raise RuntimeError(f"ClickHouse insert into {database}.{table} failed: {resp.status} {answer[:500]!r}")
