"""The JVM fast path (``fast_sql``) on a local Spark session: every line it takes is one the
Python rules accept, with exactly the silver fields they derive; the lines at its boundary (DST
days, the future bound, padding, other line terminators, unusual digits) are left to the Python
path; and its cost segments and plain days agree with ``cost_at`` and ``LocalTime``."""
import random
from datetime import date, timedelta

from conftest import REPO_ROOT
from vector_runner import DEFAULT_PLAN, context, load, reference_state
from vitrine_backfill.fast_sql import cost_segments, fast_judged, fast_silver, plain_days
from vitrine_backfill.file_kinds import FILE_KINDS
from vitrine_backfill.judge import judge_line
from vitrine_backfill.sale import ReferenceState, silver_fields

VECTORS = load(REPO_ROOT / "tests" / "vectors" / "ingest.json")
CTX = context(VECTORS)
STATE = reference_state(VECTORS, CTX)
TX = next(k for k in FILE_KINDS if k.kind == "transactions")
SALE_FIELDS = [
    "line_id", "basket_id", "seller_id", "seller_role", "store_id", "transaction_id", "product_id", "quantidade",
    "preco_cents", "revenue_cents", "high_margin", "commission_rate_micro", "commission_micro", "plan_version",
    "sale_time", "local_date", "month", "weekday", "hour",
]  # fmt: skip

# Lines of the canonical shape (or nearly) that the fast path must leave to the Python rules.
PYTHON_PATH = {
    "2018-11-04 12:00:00,10001,101,1,1,500001,59.90": "a DST change that day",
    "2018-11-03 23:30:00,10001,101,2,1,500001,59.90": "a DST change the next day",
    "2019-02-16 23:30:00,10001,101,3,1,500001,59.90": "a DST overlap",
    "2024-06-16 09:00:00,10001,101,4,1,500001,59.90": "the day of the future bound",
    "2024-06-16 09:00:01,10001,101,5,1,500001,59.90": "past the future bound",
    "1999-12-31 23:59:59,10001,101,6,1,500001,59.90": "before 2000",
    "2024-05-10 24:00:00,10001,101,7,1,500001,59.90": "hour 24",
    "2024-05-10 10:60:00,10001,101,8,1,500001,59.90": "minute 60",
    "2024-05-10 10:00:60,10001,101,9,1,500001,59.90": "second 60",
    "2024-02-30 10:00:00,10001,101,10,1,500001,59.90": "30 February",
    "2024-05-10 10:00:00,10001,101,11,-0,500001,59.90": "quantity -0",
    "2024-05-10 10:00:00,10001,101,12,00001,500001,59.90": "five digits of quantity",
    "2024-05-10 10:00:00,10001,101,13,1001,500001,59.90": "quantity 1001",
    "2024-05-10 10:00:00,10001,101,14,1,500001,100000.01": "price above the limit",
    "2024-05-10 10:00:00,10001,101,15,1,500001,0.00": "price zero",
    "2024-05-10 10:00:00,10001,101,16,1,500001,1234567890123.00": "thirteen digits of price",
    "2024-05-10 10:00:00,10001,101,17,1,500001,59.9": "one decimal",
    "2024-05-10 10:00:00,10001,101,18,1,500001,59.90\r\r": "two CRs",
    "2024-05-10 10:00:00,10001,101,19,1,500001,59.90\u2028": "a line separator at the end",
    "2024-05-10 10:00:00,10001,101,20,1,500001,59.90\u0085": "a NEL at the end",
    "2024-05-10 10:00:00,10001,101,21,1,500001,59.90\n": "an LF at the end",
    "2024-05-10 10:00:00 ,10001,101,22,1,500001,59.90": "padding",
    "2024-05-10T10:00:00,10001,101,23,1,500001,59.90": "a T",
    "2024-05-10 10:00,10001,101,24,1,500001,59.90": "no seconds",
    "2024-05-10 10:00:00,10001,101,25,1,500001,59.90,": "8 fields",
    '2024-05-10 10:00:00,10001,101,26,1,500001,"59.90"': "quotes",
    "2024-05-10 10:00:00,10001,101,\u0661\u0662,1,500001,59.90": "non-ASCII digits",
    "2024-05-10T10:00:00-02:00,10001,101,27,1,500001,59.90": "an offset not the zone's that day",
    "2024-05-10T10:00:00+00:00,10001,101,28,1,500001,59.90": "offset +00:00",
    "2024-05-10T10:00:00Z,10001,101,29,1,500001,59.90": "Z",
    "2024-05-10T10:00:00-0300,10001,101,30,1,500001,59.90": "an offset without colon",
    "2024-05-10T10:00:00.5-03:00,10001,101,30,1,500001,59.90": "a fraction of a second",
    "2018-11-04T12:00:00-02:00,10001,101,30,1,500001,59.90": "an offset on a DST-change day",
    "2024-05-10T10:00:00-03:00 ,10001,101,30,1,500001,59.90": "an offset and padding",
    "2024-05-10T24:00:00-03:00,10001,101,30,1,500001,59.90": "an offset and hour 24",
}
# Lines it must take (the earliest instant, the largest values, leading zeros, a CR).
FAST_PATH = [
    "2000-01-01 00:00:00,10001,101,31,1,500001,59.90",
    "2000-01-01,10001,101,32,1,500001,59.90",
    "2024-05-10 10:00:00,10001,101,33,1000,500001,100000.00",
    "2024-05-10 10:00:00,10001,101,34,-1000,500001,100000.00",
    "2024-05-10 10:00:00,00010001,0101,035,0007,0500001,000000000059.90",
    "2024-05-10 10:00:00,10001,101,36,1,500001,59.90\r",
    "2024-06-15 23:59:59,10001,101,37,1,500001,59.90",
    "2024-03-15 22:30:00,10001,101,38,1,500001,59.90",
    "2024-05-10 10:00:00,10002,101,39,1,500003,40.00",
    "2024-05-10 10:00:00,10002,101,40,1,500003,39.99",
    "2024-05-10T10:00:00-03:00,10001,101,41,1,500001,59.90",
    "2024-05-10T23:59:59-03:00,10001,101,42,2,500001,59.90",
    "2012-12-10T23:30:00-02:00,10001,101,43,1,500001,59.90",
]


def random_lines(n: int):
    rnd = random.Random(11)
    for i in range(n):
        y = rnd.choice(["1999", "2000", "2012", "2018", "2019", "2024"])
        d = f"{y}-{rnd.randint(0, 13):02d}-{rnd.randint(0, 31):02d}"
        clock = f"{rnd.randint(0, 25):02d}:{rnd.randint(0, 61):02d}:{rnd.randint(0, 61):02d}"
        offset = rnd.choice(["-03:00", "-02:00", "+00:00", "-0300", "Z", "-03:60"])
        t = rnd.choice(["", f" {clock}", f"T{clock}{offset}"])
        qty = rnd.choice(["1", "2", "-1", "0", "1000", "1001", "-1000", "007", "-0", "12345"])
        price = rnd.choice(["59.90", "0.00", "0.01", "100000.00", "100000.01", "007.50", "1.5", "20.00", "39.99", "40.00"])
        end = rnd.choice(["", "", "\r", " "])
        seller = rnd.choice(["10001", "10002", "10003", "19999"])
        product = rnd.choice(["500001", "500002", "500003", "599999"])
        yield f"{d}{t},{seller},101,{i},{qty},{product},{price}{end}"


def run_fast_path(spark, texts: list[str]):
    """(line → fast silver row) of the lines the fast path takes, (lines it leaves)."""
    df = spark.createDataFrame([(0, i + 2, t) for i, t in enumerate(texts)], "file_idx int, line long, value string")
    judged = fast_judged(spark, df, [], CTX.tz, CTX.now_ms).cache()
    fast = {r["line"]: r.asDict() for r in fast_silver(spark, judged, STATE, DEFAULT_PLAN).collect()}
    left = {r["line"] for r in judged.where("NOT _fast").select("line").collect()}
    judged.unpersist()
    return fast, left


def check_same(texts: list[str], fast: dict, left: set) -> int:
    for i, text in enumerate(texts):
        ln = i + 2
        assert (ln in fast) != (ln in left), text
        if ln not in fast:
            continue
        general = judge_line(TX, True, 2, text, CTX)
        assert general is not None and general.record is not None, f"fast path accepted a rejected line: {text!r}"
        expect = silver_fields(general.record, CTX.tz, STATE, DEFAULT_PLAN)
        got = fast[ln]
        assert {k: got[k] for k in SALE_FIELDS} == {k: expect[k] for k in SALE_FIELDS}, text
    return len(fast)


def test_boundary_lines_go_to_the_python_path(spark):
    texts = list(PYTHON_PATH) + FAST_PATH
    fast, left = run_fast_path(spark, texts)
    for i, text in enumerate(texts):
        if text in PYTHON_PATH:
            assert i + 2 in left, f"fast path took {PYTHON_PATH[text]}: {text!r}"
        else:
            assert i + 2 in fast, f"fast path left a clean line: {text!r}"
    check_same(texts, fast, left)


def test_fast_path_agrees_with_the_python_rules(spark):
    vector_lines = [c["line"] for c in VECTORS["cases"] if c["kind"] == "transactions"]
    texts = vector_lines + list(random_lines(6000))
    fast, left = run_fast_path(spark, texts)
    assert check_same(texts, fast, left) > 400


def test_vectors_through_the_fast_path(spark):
    """Each transaction vector the fast path takes gets exactly the stream's expected silver fields
    (the others are judged by the Python rules, test_vectors.py); it takes the clean ones."""
    cases = [c for c in VECTORS["cases"] if c["kind"] == "transactions"]
    fast, left = run_fast_path(spark, [c["line"] for c in cases])
    taken = []
    for i, c in enumerate(cases):
        if i + 2 in fast:
            assert "silver" in c["expect"], c["name"]
            assert {k: fast[i + 2][k] for k in SALE_FIELDS} == {k: c["expect"]["silver"][k] for k in SALE_FIELDS}, c["name"]
            taken.append(c["name"])
    assert "fast-path boundary: date only on the earliest day" in taken
    assert "fast-path boundary: leading zeros in ids, quantity and price" in taken
    assert "margin exactly 50 % is high-margin" in taken
    for name in (
        "fast-path boundary: clean shape on a DST-change day goes to the general rules",
        "fast-path boundary: clean shape the evening before a DST change",
        "fast-path boundary: clean shape at the future bound exactly (local time)",
        "fast-path boundary: two CRs at the end",
        "fast-path boundary: a line separator (U+2028) after the price is trimmed",
        "fields are trimmed",
    ):
        assert name not in taken, name


def test_header_line_and_bad_header_files_are_left(spark):
    df = spark.createDataFrame(
        [(0, 1, FAST_PATH[0]), (0, 2, FAST_PATH[1]), (1, 2, FAST_PATH[1])], "file_idx int, line long, value string"
    )
    got = {(r["file_idx"], r["line"]): r["_fast"] for r in fast_judged(spark, df, [1], CTX.tz, CTX.now_ms).collect()}
    assert got == {(0, 1): False, (0, 2): True, (1, 2): False}


def test_cost_segments_agree_with_cost_at():
    state = ReferenceState()
    rnd = random.Random(3)
    day0 = date(2023, 12, 20)
    for _ in range(60):
        start = day0 + timedelta(days=rnd.randint(0, 40))
        end = rnd.choice([None, start + timedelta(days=rnd.randint(0, 15))])
        state.apply("sku_cost", {
            "cod_prod": rnd.choice(["1", "2", "3"]), "data_inicio": start.isoformat(),
            "data_fim": end.isoformat() if end else None, "custo": f"{rnd.randint(1, 30)}.{rnd.randint(0, 99):02d}",
        })  # fmt: skip
    segments = cost_segments(state)
    for product in ["1", "2", "3", "4"]:
        for k in range(80):
            d = (day0 + timedelta(days=k - 10)).isoformat()
            hits = [c for p, lo, hi, c in segments if p == product and lo <= d and (hi is None or d < hi)]
            assert len(hits) <= 1
            assert (hits[0] if hits else None) == state.cost_cents_at(product, d), (product, d)


def test_plain_days_resolve_like_local_time():
    tz = CTX.tz
    days = plain_days(tz, CTX.now_ms)
    assert days[0][0] == "2000-01-01"
    assert "2018-11-04" not in {d for d, _, _ in days} and "2019-02-16" not in {d for d, _, _ in days}
    rnd = random.Random(5)
    for text, midnight, weekday in rnd.sample(days, 400):
        y, m, d = (int(x) for x in text.split("-"))
        for h in (0, rnd.randint(1, 22), 23):
            mi, s = rnd.randint(0, 59), rnd.randint(0, 59)
            ms = (midnight + h * 3600 + mi * 60 + s) * 1000
            assert tz.resolve_and_check(y, m, d, h, mi, s) == (ms, ms)
            assert tz.local_parts(ms) == (text, text[:7], weekday, h)
