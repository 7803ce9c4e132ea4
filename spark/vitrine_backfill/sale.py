"""
A validated sale line → its silver row (DESIGN §6), as the stream's
``processors/normalize/normalize-sale.ts``, ``processors/enrich/*`` and
``processors/domain/*``: exact revenue in cents, the instant and local date / month / weekday /
hour in the business zone, cost at the local date (latest start wins, equal starts the later
row), high-margin rate class, line commission in micro-cents, the seller's role.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .field_rules import WITH_OFFSET, _offset_parse_ms
from .local_time import LocalTime, utc_text

RATE_SCALE = 1_000_000
NAIVE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?")


def cents_of(decimal: str) -> int:
    m = re.fullmatch(r"(-?)([0-9]+)(?:\.([0-9]{1,2}))?", decimal.strip())
    if not m:
        raise ValueError(f"not a money amount: {decimal!r}")
    cents = int(m[2]) * 100 + int((m[3] or "").ljust(2, "0") or "0")
    return -cents if m[1] else cents


@dataclass(frozen=True)
class Plan:
    """A commission plan as the TypeScript ``CommissionPlan`` (rates in millionths)."""

    version: int
    base_rate: int
    high_margin_threshold: int
    high_margin_bonus: int

    @staticmethod
    def from_json(d: dict) -> "Plan":
        return Plan(int(d["version"]), int(d["baseRate"]), int(d["highMarginThreshold"]), int(d["highMarginBonus"]))


@dataclass
class ReferenceState:
    """What enrichment needs, built from reference rows in arrival (file, line) order."""

    employees: dict[str, dict] = field(default_factory=dict)
    stores: dict[str, dict] = field(default_factory=dict)
    products: dict[str, dict] = field(default_factory=dict)
    costs: dict[str, list[tuple[str, str | None, str, int]]] = field(default_factory=dict)
    seq: int = 0

    def apply(self, kind: str, row: dict) -> None:
        self.seq += 1
        if kind == "employees":
            self.employees[row["id_employee"]] = {"role": row["role"]}
        elif kind == "stores":
            self.stores[row["nome_loja"]] = {}
        elif kind == "sku_dataset":
            self.products[row["cod_prod"]] = {}
        elif kind == "sku_cost":
            self.costs.setdefault(row["cod_prod"], []).append((row["data_inicio"], row["data_fim"], row["custo"], self.seq))

    def cost_cents_at(self, product: str, date: str) -> int | None:
        """cost_at in cents, cached per (product, date)."""
        key = (product, date)
        cache = self.__dict__.setdefault("_cost_cache", {})
        if key in cache:
            return cache[key]
        cost = self.cost_at(product, date)
        value = None if cost is None else cents_of(cost)
        if len(cache) > 200_000:
            cache.clear()
        cache[key] = value
        return value

    def cost_at(self, product: str, date: str) -> str | None:
        best: tuple[str, str | None, str, int] | None = None
        for p in self.costs.get(product, ()):
            start, end, _, seq = p
            if start > date or (end is not None and end < date):
                continue
            if best is None or start > best[0] or (start == best[0] and seq > best[3]):
                best = p
        return None if best is None else best[2]


def is_high_margin(plan: Plan, preco: str, cost: str | None) -> bool:
    if cost is None:
        return False
    p = cents_of(preco)
    if p <= 0:
        return False
    return (p - cents_of(cost)) * RATE_SCALE >= plan.high_margin_threshold * p


def sale_instant_ms(data: str, tz: LocalTime) -> int:
    """normalizeSale's instant: a local time resolved in the zone, or an ISO time with offset."""
    m = NAIVE.fullmatch(data)
    if m:
        ms, _ = tz.resolve(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
        return ms
    o = WITH_OFFSET.fullmatch(data)
    ms2 = _offset_parse_ms(o) if o else None
    if ms2 is None:
        raise ValueError(f"unparsable sale time {data!r} (the validation should have rejected it)")
    return int(ms2)


def silver_fields(
    raw: dict, tz: LocalTime, ref: ReferenceState, plan: Plan, ms: int | None = None, preco_cents: int | None = None
) -> dict:
    """The silver columns of an accepted raw transaction (without Kafka coordinates, rejection and
    pair partners, which depend on the line's neighbours). ``ms`` / ``preco_cents`` may be passed
    when the caller already has them (the fast path)."""
    if ms is None:
        ms = sale_instant_ms(raw["data"], tz)
    local_date, month, weekday, hour = tz.local_parts(ms)
    qty = raw["quantidade"]
    p = cents_of(raw["preco"]) if preco_cents is None else preco_cents
    revenue = qty * p
    cost = ref.cost_cents_at(raw["cod_prod"], local_date)
    # is_high_margin, on cents: (preco − cost) × 10⁶ ≥ threshold × preco; unknown cost → no bonus
    high = cost is not None and p > 0 and (p - cost) * RATE_SCALE >= plan.high_margin_threshold * p
    rate = plan.base_rate + (plan.high_margin_bonus if high else 0)
    employee = ref.employees.get(raw["cod_vendedor"])
    return {
        "line_id": f"{raw['cod_loja']}|{raw['cod_transacao']}|{raw['cod_prod']}",
        "basket_id": f"{raw['cod_loja']}|{raw['cod_transacao']}",
        "seller_id": raw["cod_vendedor"],
        "seller_role": employee["role"] if employee else "",
        "store_id": raw["cod_loja"],
        "transaction_id": raw["cod_transacao"],
        "product_id": raw["cod_prod"],
        "quantidade": qty,
        "preco_cents": p,
        "revenue_cents": revenue,
        "high_margin": 1 if high else 0,
        "commission_rate_micro": rate,
        "commission_micro": revenue * rate,
        "plan_version": plan.version,
        "sale_time": utc_text(ms),
        "local_date": local_date,
        "month": month,
        "weekday": weekday,
        "hour": hour,
        "cost_cents": cost,
        "unknown_product": raw["cod_prod"] not in ref.products,
        "unknown_seller": employee is None,
        "unknown_store": raw["cod_loja"] not in ref.stores,
    }
