"""The golden vectors (tests/vectors/ingest.json) through the Spark job's rules: every case gives
exactly the verdict and silver fields the stream's TypeScript gives (tests/unit/vectors-ingest.test.ts
checks the same JSON against the stream)."""
import re

import pytest

from conftest import REPO_ROOT
from vector_runner import case_verdict, context, file_verdicts, load, reference_state
from vitrine_backfill.reasons import REJECT_REASONS

VECTORS = load(REPO_ROOT / "tests" / "vectors" / "ingest.json")
CTX = context(VECTORS)
STATE = reference_state(VECTORS, CTX)


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_case(case):
    assert case_verdict(case, CTX, STATE, CTX.tz) == case["expect"]


@pytest.mark.parametrize("file", VECTORS["files"], ids=[f["name"] for f in VECTORS["files"]])
def test_file(file):
    assert file_verdicts(file, CTX) == file["expect"]


def test_every_connector_reason_is_covered_by_a_vector():
    seen = {c["expect"].get("reason") for c in VECTORS["cases"]}
    seen |= {r.get("reason") for f in VECTORS["files"] for r in f["expect"]}
    assert set(REJECT_REASONS) <= seen


def test_reasons_are_the_connectors():
    text = (REPO_ROOT / "connectors" / "s3-source" / "contract" / "reasons.ts").read_text()
    block = text[text.index("REJECT_REASONS = [") : text.index("] as const")]
    assert tuple(re.findall(r'"([a-z_]+)"', block)) == REJECT_REASONS
