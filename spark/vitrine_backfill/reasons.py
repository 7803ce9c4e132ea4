"""
Rejection of a partner-file row: the machine-readable reasons of the connector
(``connectors/s3-source/contract/reasons.ts``, ``docs/ingest-reasons.md``) plus the stream
processor's ``duplicate``. A test checks this list against the TypeScript one.
"""
from __future__ import annotations

REJECT_REASONS = (
    "column_count",
    "bad_quoting",
    "bad_header",
    "missing_field",
    "not_numeric",
    "quantity_out_of_range",
    "price_out_of_range",
    "bad_date",
    "date_out_of_range",
    "bad_month",
    "bad_period",
    "bad_value",
    "bad_cpf",
    "unknown_file",
)

DUPLICATE = "duplicate"


class RowRejected(Exception):
    """Raised inside validators; carries the reason code and a short English detail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def reject(reason: str, detail: str) -> None:
    raise RowRejected(reason, detail)
