"""
The fast path for the common transaction line: quote-free, no padding, plain ASCII digits, a
local ``YYYY-MM-DD[ HH:MM:SS]`` time and a price with two decimals. Such a line passes every check
of the general path (``judge_line``) with exactly these values, so the fast path may ACCEPT it
directly; anything else — and every rejection — goes through the general path, which alone
decides reasons. ``spark/tests/test_fast_path.py`` checks that both paths agree.
"""
from __future__ import annotations

import re

from .field_rules import valid_calendar_date
from .local_time import LocalTime

CLEAN = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?: ([0-9]{2}):([0-9]{2}):([0-9]{2}))?,"
    r"([0-9]+),([0-9]+),([0-9]+),(-?[0-9]{1,4}),([0-9]+),([0-9]{1,12})\.([0-9]{2})"
)


def fast_accept(text: str, tz: LocalTime, now_ms: int) -> tuple[dict, int, int] | None:
    """(raw record, instant ms, price cents) of a clean, valid line, or None (use the general path)."""
    m = CLEAN.fullmatch(text)
    if m is None:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    h, mi, s = (int(m[4]), int(m[5]), int(m[6])) if m[4] is not None else (0, 0, 0)
    if y < 2000 or not valid_calendar_date(y, mo, d) or h > 23 or mi > 59 or s > 59:
        return None
    qty = int(m[10])
    cents = int(m[12]) * 100 + int(m[13])
    if qty == 0 or abs(qty) > 1000 or cents <= 0 or cents > 10_000_000:
        return None
    ms, check_ms = tz.resolve_and_check(y, mo, d, h, mi, s)
    if check_ms < tz.earliest_ms or check_ms > now_ms + 86_400_000:
        return None
    record = {
        "data": text[: m.end(6) if m[4] is not None else 10],
        "cod_vendedor": m[7],
        "cod_loja": m[8],
        "cod_transacao": m[9],
        "quantidade": qty,
        "cod_prod": m[11],
        "preco": f"{int(m[12])}.{m[13]}",
    }
    return record, ms, cents
