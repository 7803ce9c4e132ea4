"""
Field rules of the partner's CSV contract (DESIGN §4, §5), line for line the connector's
``connectors/s3-source/contract/field-rules.ts``: ids, exact decimals, dates, months, CPF and sale
timestamps. JavaScript semantics are kept where Python differs (``trim`` whitespace, ASCII
digits, ``Date.UTC`` years 0–99, ``Date.parse`` offsets).
"""
from __future__ import annotations

import json
import re

from .local_time import LocalTime, utc_ms
from .reasons import reject

# The characters String.prototype.trim removes.
JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPACE_CLASS = "[" + re.escape(JS_WHITESPACE) + "]"

DIGITS = re.compile(r"[0-9]+")
DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]{1,2})?")
INTEGER = re.compile(r"-?[0-9]+")
DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
MONTH = re.compile(r"([0-9]{2})/([0-9]{4})")
CPF_STRIP = re.compile(r"[.\-" + re.escape(JS_WHITESPACE) + r"]")
ELEVEN = re.compile(r"[0-9]{11}")
SAME_DIGIT = re.compile(r"([0-9])\1{10}")
LOCAL = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?")
WITH_OFFSET = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(Z|[+-][0-9]{2}:?[0-9]{2})"
)


def js_trim(value: str) -> str:
    return value.strip(JS_WHITESPACE)


def q(value: str) -> str:
    """JSON.stringify of a string (as the connector quotes values in details)."""
    return json.dumps(value, ensure_ascii=False)


def required(value: str | None, field: str) -> str:
    v = js_trim(value or "")
    if v == "":
        reject("missing_field", f"{field} is empty")
    return v


def optional(value: str | None) -> str | None:
    v = js_trim(value or "")
    return None if v == "" else v


def ident(value: str | None, field: str) -> str:
    v = required(value, field)
    if not DIGITS.fullmatch(v):
        reject("not_numeric", f"{field} must be digits only, got {q(v)}")
    return v


def integer(value: str | None, field: str) -> int:
    v = required(value, field)
    if not INTEGER.fullmatch(v) or len(v.replace("-", "", 1)) > 9:
        reject("not_numeric", f"{field} must be a whole number, got {q(v)}")
    return int(v)


def money(value: str | None, field: str) -> str:
    """Canonical exact decimal text ("59.9" → "59.90"); never a float."""
    v = required(value, field)
    if not DECIMAL.fullmatch(v) or len(v.replace("-", "", 1).split(".")[0]) > 12:
        reject("not_numeric", f"{field} must be a decimal like 59.90, got {q(v)}")
    negative = v.startswith("-")
    parts = v.replace("-", "", 1).split(".")
    whole = parts[0].lstrip("0") or "0"
    frac = (parts[1] if len(parts) > 1 else "").ljust(2, "0")
    cents = f"{whole}.{frac}"
    return f"-{cents}" if negative and cents != "0.00" else cents


def money_cents(canonical: str) -> int:
    return int(canonical.replace(".", ""))


def valid_calendar_date(y: int, m: int, d: int) -> bool:
    if m < 1 or m > 12 or d < 1:
        return False
    yy = 1900 + y if 0 <= y <= 99 else y  # Date.UTC maps years 0–99 to 1900–1999
    leap = yy % 4 == 0 and (yy % 100 != 0 or yy % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return d <= days


def date(value: str | None, field: str) -> str:
    v = required(value, field)
    m = DATE.fullmatch(v)
    if not m or not valid_calendar_date(int(m[1]), int(m[2]), int(m[3])):
        reject("bad_date", f"{field} must be a date YYYY-MM-DD, got {q(v)}")
    return v


def optional_date(value: str | None, field: str) -> str | None:
    return None if optional(value) is None else date(value, field)


def period(start: str, end: str | None, field: str) -> None:
    if end is not None and end < start:
        reject("bad_period", f"{field} ends ({end}) before it starts ({start})")


def month(value: str | None, field: str) -> str:
    v = required(value, field)
    m = MONTH.fullmatch(v)
    if not m or int(m[1]) < 1 or int(m[1]) > 12:
        reject("bad_month", f"{field} must be a month MM/YYYY, got {q(v)}")
    return f"{m[2]}-{m[1]}"  # type: ignore[index]


def cpf_digits(value: str | None, field: str) -> str:
    v = required(value, field)
    digits = CPF_STRIP.sub("", v)
    if not ELEVEN.fullmatch(digits) or SAME_DIGIT.fullmatch(digits) or not _cpf_check_ok(digits):
        reject("bad_cpf", f"{field} is not a valid CPF")
    return digits


def _cpf_check_ok(d: str) -> bool:
    nums = [int(c) for c in d]

    def check(length: int) -> int:
        total = sum(nums[i] * (length + 1 - i) for i in range(length))
        r = (total * 10) % 11
        return 0 if r == 10 else r

    return check(9) == nums[9] and check(10) == nums[10]


def _offset_parse_ms(m: re.Match[str]) -> float | None:
    """``Date.parse`` of an ISO time with offset (matched by WITH_OFFSET); None = NaN."""
    y, mo, d, h, mi = (int(m[i]) for i in range(1, 6))
    s = int(m[6] or 0)
    frac = (m[7] or "")[:3].ljust(3, "0")
    off = m[8]
    if off == "Z":
        offset_min = 0
    else:
        digits = off[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:])
        if oh > 23 or om > 59:
            return None
        offset_min = (oh * 60 + om) * (1 if off[0] == "+" else -1)
    return utc_ms(y, mo, d, h, mi, s) + int(frac) - offset_min * 60_000



def sale_instant(value: str | None, field: str, tz: LocalTime, now_ms: int) -> int:
    """The connector's ``saleInstant``: validates a sale timestamp (local or with offset) and
    returns the epoch ms the connector judges it by."""
    v = required(value, field)
    ms: float | None = None
    local = LOCAL.fullmatch(v)
    m = local or WITH_OFFSET.fullmatch(v)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        h, mi = int(m[4] or 0), int(m[5] or 0)
        s = int(m[6] or 0)
        if valid_calendar_date(y, mo, d) and h < 24 and mi < 60 and s < 60:
            if local:
                # Any year before 1970 lies before 2000-01-01; the zone maths is not needed.
                ms = -1 if y < 1970 else tz.connector_epoch_ms(y, mo, d, h, mi, s)
            else:
                ms = _offset_parse_ms(m)
    if ms is None:
        reject("bad_date", f"{field} is not a date/time we understand: {q(v)}")
    assert ms is not None
    if ms < tz.earliest_ms:
        reject("date_out_of_range", f"{field} {v} is before 2000-01-01")
    if ms > now_ms + 86_400_000:
        reject("date_out_of_range", f"{field} {v} is more than one day in the future")
    return int(ms)
