"""
The clean-line fast path in the JVM: Spark SQL built-in expressions (one regex test, ``split``,
casts, broadcast joins) judge and enrich the common transaction line without a round trip through
the Python workers. It takes only lines whose verdict is certain — the shape of ``fast_path.CLEAN``
(quote-free, no padding, ASCII digits, ``YYYY-MM-DD[ HH:MM:SS]``, a price with two decimals) on a
local day whose every hour is plain in the business zone (no DST gap or overlap near it, so a
local time is ``day start + time of day``), every range check passed — and ACCEPTS them. Every
other line (rejections, quotes, padding, offsets, DST days, a day near the future bound) goes to
the Python rules (``judge.judge_line``), which alone decide reasons.

The tables the expressions join are computed on the driver with the Python rules themselves
(``LocalTime`` for days, ``ReferenceState.cost_at`` for cost segments), so the two paths share one
source of truth; ``spark/tests/test_fast_sql.py`` checks that both give the same silver fields.
"""
from __future__ import annotations

from datetime import date as civil_date
from datetime import timedelta

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from .field_rules import money_cents
from .local_time import LocalTime, days_from_civil
from .sale import Plan, ReferenceState

# fast_path.CLEAN as a Java regex over the raw line (one trailing CR allowed, as ``prepare``
# removes it), or the same with an ISO time and offset (``YYYY-MM-DDTHH:MM:SS±HH:MM``, taken
# only when the offset is the day's own); \z, not $: Java's $ would also match before a final
# line terminator.
CLEAN_LINE = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2}:[0-9]{2}|T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2})?,"
    r"[0-9]+,[0-9]+,[0-9]+,-?[0-9]{1,4},[0-9]+,[0-9]{1,12}\.[0-9]{2}\r?\z"
)
_HOUR_MS = 3_600_000
_DAY_MS = 86_400_000


def plain_days(tz: LocalTime, now_ms: int) -> list[tuple[str, int, int]]:
    """(local date, epoch seconds of its local midnight, ISO weekday) of every day from
    2000-01-01 to the day after ``now`` whose local times all resolve plainly: the zone's offset is
    the same at every hour from a day before to a day after it (no transition near), the hours at
    both ends resolve to that offset, and the day's last second is not past ``now`` + 1 day. For
    such a day, luxon's instant of a local time and the connector's range-check instant are both
    ``local midnight + time of day``, and the instant's local parts are the wall clock's."""
    first = civil_date(2000, 1, 1)
    last = civil_date.fromtimestamp(now_ms // 1000) + timedelta(days=2)
    start_ms = days_from_civil(first.year, first.month, first.day) * _DAY_MS
    hours = (days_from_civil(last.year, last.month, last.day) * _DAY_MS - start_ms) // _HOUR_MS + 8 * 24
    # Offsets sampled every hour from 2 days before the first day (UTC instants).
    base = start_ms - 2 * _DAY_MS
    offsets = [tz.offset_min(base + i * _HOUR_MS) for i in range(hours)]
    out: list[tuple[str, int, int]] = []
    d = first
    while d <= last:
        local0 = days_from_civil(d.year, d.month, d.day) * _DAY_MS
        i = (local0 - base) // _HOUR_MS
        window = offsets[i - 24 : i + 72]  # the local day ± a day, whatever the offset (within ±24 h)
        off = window[0]
        if all(o == off for o in window):
            midnight_ms = local0 - off * 60_000
            last_ms = midnight_ms + _DAY_MS - 1000
            text = d.isoformat()
            plain = (
                tz.resolve(d.year, d.month, d.day, 0, 0, 0) == (midnight_ms, off)
                and tz.resolve(d.year, d.month, d.day, 23, 59, 59) == (last_ms, off)
                and tz.connector_epoch_ms(d.year, d.month, d.day, 0, 0, 0) == midnight_ms
                and tz.local_parts(midnight_ms)[0] == text
                and tz.local_parts(last_ms)[0] == text
            )
            if plain and midnight_ms >= tz.earliest_ms and last_ms <= now_ms + _DAY_MS:
                out.append((text, midnight_ms // 1000, d.isoweekday()))
        d += timedelta(days=1)
    return out


def cost_segments(state: ReferenceState) -> list[tuple[str, str, str | None, int]]:
    """(product, from, until, cost cents): ``cost_at`` as date ranges, ``from`` ≤ date < ``until``
    (None = open). Between two consecutive boundaries of a product's periods — a start ``s`` (in
    from ``s``) or an end ``e`` (out after ``e``, i.e. from ``e + "\\0"``, which sorts between
    ``e`` and any later 10-character date) — the set of periods that apply is constant, so
    ``cost_at`` at the boundary itself gives the cost of every date up to the next one."""
    out: list[tuple[str, str, str | None, int]] = []
    for product, periods in state.costs.items():
        bounds = sorted({p[0] for p in periods} | {p[1] + "\0" for p in periods if p[1] is not None})
        for i, lo in enumerate(bounds):
            cost = state.cost_at(product, lo)
            if cost is not None:
                out.append((product, lo, bounds[i + 1] if i + 1 < len(bounds) else None, money_cents(cost)))
    return out


def fast_judged(
    spark: SparkSession,
    lines: DataFrame,
    bad_header_files: list[int],
    tz: LocalTime,
    now_ms: int,
) -> DataFrame:
    """``lines`` (key columns and ``value``: file_idx, line, value — or any other keys) with the
    parsed fields of a clean line and ``_fast`` (true: the fast path accepts it; false: the Python
    rules must judge it). Line 1 (the header) and the files in ``bad_header_files`` are left to
    Python when ``lines`` has the ``line`` / ``file_idx`` columns; a caller whose lines have no
    number yet passes only files whose line 1 is the header (it never matches ``CLEAN_LINE``)."""
    days = spark.createDataFrame(
        [(d, m, w, (days_from_civil(*map(int, d.split("-"))) * 86400 - m)) for d, m, w in plain_days(tz, now_ms)],
        "_day string, _midnight long, _weekday int, _offset int",
    )
    # Step by step: each select names what the next one uses more than once, so the regex, the
    # split and the casts run once per line (Spark does not inline an expensive expression into
    # several uses, and does not share it across CASE branches).
    keys = [c for c in lines.columns if c != "value"]
    clean = F.col("value").rlike(CLEAN_LINE)
    if "line" in keys:
        clean = clean & (F.col("line") > 1)
    if bad_header_files:
        clean = clean & ~F.col("file_idx").isin(bad_header_files)
    df = lines.select(*keys, "value", clean.alias("_clean"))
    df = df.select("*", F.split(F.when(F.col("_clean"), F.col("value")), ",").alias("_f"))
    f = F.col("_f")
    df = df.select(
        *keys, "value", "_clean",
        f.getItem(0).alias("_data"),
        f.getItem(1).alias("seller_id"),
        f.getItem(2).alias("store_id"),
        f.getItem(3).alias("transaction_id"),
        f.getItem(4).cast("int").alias("quantidade"),
        f.getItem(5).alias("product_id"),
        f.getItem(6).alias("_price"),  # whole.cc, maybe followed by the CR
    )  # fmt: skip
    data = F.col("_data")
    n = F.length(data)

    def two(pos: int) -> Column:
        return F.when(n >= pos + 1, F.substring(data, pos, 2).cast("int")).otherwise(F.lit(0))

    price = F.col("_price")
    df = df.select(
        *keys, "value", "_clean", "seller_id", "store_id", "transaction_id", "quantidade", "product_id",
        F.substring(data, 1, 10).alias("_date"),
        two(12).alias("_h"),
        two(15).alias("_mi"),
        two(18).alias("_s"),
        # ISO time with an offset: ±HH:MM in seconds (0 without)
        F.when(
            n == 25,
            F.when(F.substring(data, 20, 1) == "-", F.lit(-1)).otherwise(F.lit(1))
            * (F.substring(data, 21, 2).cast("int") * 3600 + F.substring(data, 24, 2).cast("int") * 60),
        ).alias("_text_offset"),
        (
            F.substring_index(price, ".", 1).cast("long") * 100
            + F.substring(F.substring_index(price, ".", -1), 1, 2).cast("long")
        ).alias("preco_cents"),
    )  # fmt: skip
    df = df.join(F.broadcast(days), F.col("_date") == F.col("_day"), "left")
    df = df.select("*", (F.col("_midnight") + F.col("_h") * 3600 + F.col("_mi") * 60 + F.col("_s")).alias("_sec"))
    sec = F.col("_sec")
    fast = (
        F.col("_clean")
        & F.col("_day").isNotNull()
        # an ISO time on a plain day with that day's own offset is the same instant as its wall clock
        & (F.col("_text_offset").isNull() | (F.col("_text_offset") == F.col("_offset")))
        & (F.col("_h") <= 23)
        & (F.col("_mi") <= 59)
        & (F.col("_s") <= 59)
        & (F.col("quantidade") != 0)
        & (F.abs(F.col("quantidade")) <= 1000)
        & (F.col("preco_cents") > 0)
        & (F.col("preco_cents") <= 10_000_000)
        & (sec * 1000 >= F.lit(tz.earliest_ms))
        & (sec * 1000 <= F.lit(now_ms + _DAY_MS))
    )
    return df.withColumn("_fast", F.coalesce(fast, F.lit(False)))


def fast_silver(spark: SparkSession, judged: DataFrame, state: ReferenceState, plan: Plan) -> DataFrame:
    """The silver columns (``job.SALE_FIELDS``) of the lines the fast path accepts."""
    employees = spark.createDataFrame(
        [(k, e["role"]) for k, e in state.employees.items()] or [("", "")], "_emp string, _role string"
    )
    segments = spark.createDataFrame(
        cost_segments(state) or [("", "", None, 0)], "_cprod string, _from string, _until string, _cost long"
    )
    rows = judged.where(F.col("_fast"))
    rows = rows.join(F.broadcast(employees), F.col("seller_id") == F.col("_emp"), "left")
    rows = rows.join(
        F.broadcast(segments),
        (F.col("product_id") == F.col("_cprod"))
        & (F.col("_date") >= F.col("_from"))
        & (F.col("_until").isNull() | (F.col("_date") < F.col("_until"))),
        "left",
    )
    p = F.col("preco_cents")
    revenue = F.col("quantidade").cast("long") * p
    high = F.coalesce(
        F.col("_cost").isNotNull() & ((p - F.col("_cost")) * 1_000_000 >= F.lit(plan.high_margin_threshold) * p),
        F.lit(False),
    )
    rate = F.lit(plan.base_rate).cast("long") + F.when(high, F.lit(plan.high_margin_bonus)).otherwise(F.lit(0))
    return rows.select(
        "file_idx",
        "line",
        F.concat_ws("|", "store_id", "transaction_id", "product_id").alias("line_id"),
        F.concat_ws("|", "store_id", "transaction_id").alias("basket_id"),
        "seller_id",
        F.coalesce(F.col("_role"), F.lit("")).alias("seller_role"),
        "store_id",
        "transaction_id",
        "product_id",
        "quantidade",
        "preco_cents",
        revenue.alias("revenue_cents"),
        high.cast("int").alias("high_margin"),
        rate.alias("commission_rate_micro"),
        (revenue * rate).alias("commission_micro"),
        F.lit(plan.version).cast("int").alias("plan_version"),
        F.from_unixtime("_sec", "yyyy-MM-dd HH:mm:ss").alias("sale_time"),
        F.col("_date").alias("local_date"),
        F.substring("_date", 1, 7).alias("month"),
        F.col("_weekday").alias("weekday"),
        F.col("_h").alias("hour"),
    )
