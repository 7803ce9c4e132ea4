"""The fast path accepts only what the general path accepts, with the same record and silver
fields: on every transaction vector and on a spread of generated lines."""
import random

from conftest import REPO_ROOT
from vector_runner import DEFAULT_PLAN, context, load, reference_state
from vitrine_backfill.fast_path import fast_accept
from vitrine_backfill.file_kinds import FILE_KINDS
from vitrine_backfill.judge import judge_line
from vitrine_backfill.sale import silver_fields

VECTORS = load(REPO_ROOT / "tests" / "vectors" / "ingest.json")
CTX = context(VECTORS)
STATE = reference_state(VECTORS, CTX)
TX = next(k for k in FILE_KINDS if k.kind == "transactions")


def lines():
    for c in VECTORS["cases"]:
        if c["kind"] == "transactions":
            yield c["line"].rstrip("\r")
    rnd = random.Random(7)
    for _ in range(3000):
        y = rnd.choice(["1999", "2000", "2018", "2019", "2024", "2025"])
        date = f"{y}-{rnd.randint(0, 13):02d}-{rnd.randint(0, 31):02d}"
        time = rnd.choice(["", f" {rnd.randint(0, 25):02d}:{rnd.randint(0, 61):02d}:{rnd.randint(0, 61):02d}"])
        qty = rnd.choice(["1", "2", "-1", "0", "1000", "1001", "-1000", "007", "-0"])
        price = rnd.choice(["59.90", "0.00", "0.01", "100000.00", "100000.01", "007.50", "1.5", "1.234"])
        yield f"{date}{time},{rnd.randint(10001, 10003)},101,{rnd.randint(1, 99999)},{qty},{rnd.choice(['500001', '500002', '599999'])},{price}"


def test_fast_path_agrees_with_the_general_path():
    accepted = 0
    for text in lines():
        general = judge_line(TX, True, 2, text, CTX)
        fast = fast_accept(text, CTX.tz, CTX.now_ms)
        if fast is None:
            continue
        accepted += 1
        record, ms, cents = fast
        assert general is not None and general.record == record, text
        assert silver_fields(record, CTX.tz, STATE, DEFAULT_PLAN, ms, cents) == silver_fields(
            general.record, CTX.tz, STATE, DEFAULT_PLAN
        ), text
    assert accepted > 300
