"""What the Spark job's Python rules make of the golden vectors (tests/vectors/ingest.json) —
the counterpart of spark/vectors/stream-verdicts.ts."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from vitrine_backfill.file_kinds import FILE_KINDS, ValidationContext, kind_of
from vitrine_backfill.judge import header_ok, judge_line
from vitrine_backfill.local_time import LocalTime
from vitrine_backfill.sale import Plan, ReferenceState, silver_fields

VECTOR_PSEUDONYM_SECRET = "vectors-pseudonym-secret-0123456789abcdef"
# DESIGN §6's default plan (processors/domain/commission-plan.ts DEFAULT_PLAN), rates in millionths.
DEFAULT_PLAN = Plan(version=1, base_rate=30_000, high_margin_threshold=500_000, high_margin_bonus=20_000)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def context(v: dict) -> ValidationContext:
    now_ms = int(datetime.fromisoformat(v["now"].replace("Z", "+00:00")).timestamp() * 1000)
    return ValidationContext(tz=LocalTime(v["zone"], now_ms), now_ms=now_ms, pseudonym_secret=VECTOR_PSEUDONYM_SECRET)


def kind_named(name: str):
    return next(k for k in FILE_KINDS if k.kind == name)


def reference_state(v: dict, ctx: ValidationContext) -> ReferenceState:
    state = ReferenceState()
    for kind_name, lines in v["reference"].items():
        kind = kind_named(kind_name)
        for i, line in enumerate(lines):
            verdict = judge_line(kind, True, i + 2, line, ctx)
            assert verdict is not None and verdict.record is not None, f"reference row rejected: {line}"
            state.apply(kind_name, verdict.record)
    return state


def case_verdict(c: dict, ctx: ValidationContext, state: ReferenceState, zone_tz: LocalTime) -> dict:
    kind = kind_named(c["kind"])
    verdict = judge_line(kind, True, 2, c["line"], ctx)
    assert verdict is not None
    if verdict.record is None:
        return {"reason": verdict.reason}
    if c["kind"] != "transactions":
        return {"record": verdict.record}
    return {"silver": silver_fields(verdict.record, zone_tz, state, DEFAULT_PLAN)}


def file_verdicts(f: dict, ctx: ValidationContext) -> list[dict]:
    kind = kind_of(f["key"])
    ok = header_ok(kind, f["lines"][0] if f["lines"] else None)
    out: list[dict] = []
    for i, line in enumerate(f["lines"]):
        verdict = judge_line(kind, ok, i + 1, line, ctx)
        if verdict is None:
            continue
        if verdict.record is not None:
            out.append({"line": verdict.line, "accepted": True})
        else:
            out.append({"line": verdict.line, "reason": verdict.reason, "raw": verdict.raw})
    return out
