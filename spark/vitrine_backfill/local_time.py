"""
Wall-clock time in the business zone ↔ instants, with exactly the semantics of the stream's
TypeScript (luxon): a local time that does not exist (a DST gap) or exists twice (a DST overlap)
is resolved the way luxon's ``DateTime.fromObject`` resolves it, starting from the zone's offset
"now" (luxon's ``fixOffset``). Pure; caches per local hour when the hour holds no transition.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

_DAY_MS = 86_400_000


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year, also 0)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def utc_ms(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> int:
    """Epoch milliseconds of a UTC wall-clock time (like ``Date.UTC`` for years ≥ 100)."""
    return (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000


class LocalTime:
    """Conversions in one IANA zone."""

    def __init__(self, zone: str, now_ms: int | None = None) -> None:
        self.zone_name = zone
        self.zone = ZoneInfo(zone)
        now = int(time.time() * 1000) if now_ms is None else now_ms
        # luxon starts every conversion from the zone's offset at the current time.
        self._provisional = self.offset_min(now)
        self._hour_cache: dict[tuple[int, int, int, int], int | None] = {}
        self._parts_cache: dict[int, tuple[str, str, int, int]] = {}
        #: 2000-01-01 00:00 local as the connector computes it: the earliest accepted sale.
        self.earliest_ms = self.connector_epoch_ms(2000, 1, 1, 0, 0, 0)

    def offset_min(self, ms: int) -> int:
        """UTC offset of the zone at an instant, in minutes."""
        dt = datetime.fromtimestamp(ms // 1000, self.zone)
        off = dt.utcoffset()
        return int(off.total_seconds() // 60) if off is not None else 0

    def _fix_offset(self, local_ms: int) -> tuple[int, int]:
        """luxon's fixOffset: (instant ms, offset minutes) of a local wall-clock time."""
        o = self._provisional
        guess = local_ms - o * 60_000
        o2 = self.offset_min(guess)
        if o == o2:
            return guess, o
        guess -= (o2 - o) * 60_000
        o3 = self.offset_min(guess)
        if o2 == o3:
            return guess, o2
        return local_ms - min(o2, o3) * 60_000, max(o2, o3)

    def _plain_offset(self, local_ms: int) -> int | None:
        """The offset of a local time when it is neither in a gap nor shifted (else None)."""
        inst, off = self._fix_offset(local_ms)
        return off if inst == local_ms - off * 60_000 else None

    def resolve(self, y: int, mo: int, d: int, h: int, mi: int, s: int) -> tuple[int, int]:
        """(instant ms, offset minutes) of a local time, as ``DateTime.fromObject(…, { zone })``."""
        key = (y, mo, d, h)
        cached = self._hour_cache.get(key, False)
        if cached is False:
            a = self._plain_offset(utc_ms(y, mo, d, h))
            b = self._plain_offset(utc_ms(y, mo, d, h, 59, 59))
            cached = a if a is not None and a == b else None
            if len(self._hour_cache) > 50_000:
                self._hour_cache.clear()
            self._hour_cache[key] = cached
        local = utc_ms(y, mo, d, h, mi, s)
        if cached is not None:
            return local - cached * 60_000, cached
        return self._fix_offset(local)

    def resolve_and_check(self, y: int, mo: int, d: int, h: int, mi: int, s: int) -> tuple[int, int]:
        """(``resolve``'s instant, ``connector_epoch_ms``) of a local time with a year ≥ 100, in
        one lookup when the hour is plain: then both use the same offset on the same wall clock."""
        ms, _ = self.resolve(y, mo, d, h, mi, s)
        if self._hour_cache.get((y, mo, d, h)) is not None:
            return ms, ms
        return ms, self.connector_epoch_ms(y, mo, d, h, mi, s)

    def connector_epoch_ms(self, y: int, mo: int, d: int, h: int, mi: int, s: int) -> int:
        """The connector's range-check instant (``LocalTimeConverter.toEpochMs``): the offset of
        the local hour's start as luxon resolves it, applied to the wall-clock time."""
        _, offset = self.resolve(y, mo, d, h, 0, 0)
        return utc_ms(1900 + y if 0 <= y <= 99 else y, mo, d, h, mi, s) - offset * 60_000

    def local_parts(self, ms: int) -> tuple[str, str, int, int]:
        """(local date YYYY-MM-DD, month YYYY-MM, ISO weekday 1–7, hour) of an instant. Cached per
        quarter hour of UTC (every zone offset is a multiple of 15 minutes)."""
        key = ms // 900_000
        hit = self._parts_cache.get(key)
        if hit is None:
            dt = datetime.fromtimestamp(ms // 1000, self.zone)
            date = f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"
            hit = (date, date[:7], dt.isoweekday(), dt.hour)
            if len(self._parts_cache) > 100_000:
                self._parts_cache.clear()
            self._parts_cache[key] = hit
        return hit


_DAYS: dict[int, str] = {}


def utc_text(ms: int) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC (ClickHouse DateTime text), seconds truncated like the stream.
    The date text is cached per UTC day; the time of day is plain arithmetic."""
    day, second = divmod(ms // 1000, 86400)
    head = _DAYS.get(day)
    if head is None:
        head = datetime.fromtimestamp(day * 86400, timezone.utc).strftime("%Y-%m-%d ")
        if len(_DAYS) > 100_000:
            _DAYS.clear()
        _DAYS[day] = head
    hour, second = divmod(second, 3600)
    minute, second = divmod(second, 60)
    return f"{head}{hour:02d}:{minute:02d}:{second:02d}"
