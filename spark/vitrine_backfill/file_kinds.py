"""
The partner's file kinds (DESIGN §4), as ``connectors/s3-source/contract/file-kinds.ts``: how a
file is recognised by name, its delimiter and columns, and the row validator (same checks, same
order, so the same reason wins when several apply). Reference kinds first: that is load order.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Callable

from . import field_rules as fr
from .local_time import LocalTime
from .reasons import RowRejected, reject

Fields = dict[str, str]


@dataclass(frozen=True)
class ValidationContext:
    tz: LocalTime
    now_ms: int
    pseudonym_secret: str

    def pseudonymize(self, digits: str) -> str:
        return hmac.new(self.pseudonym_secret.encode(), digits.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class FileKind:
    kind: str
    delimiter: str
    columns: tuple[str, ...]
    pattern: re.Pattern[str]
    validate: Callable[[Fields, ValidationContext], dict]


def _positive_money(v: str | None, field: str) -> str:
    m = fr.money(v, field)
    if fr.money_cents(m) <= 0:
        reject("price_out_of_range", f"{field} must be greater than zero, got {m}")
    return m


def _non_negative_money(v: str | None, field: str) -> str:
    m = fr.money(v, field)
    if fr.money_cents(m) < 0:
        reject("price_out_of_range", f"{field} must not be negative, got {m}")
    return m


MAX_PRICE_CENTS = 100_000 * 100


def _stores(f: Fields, _: ValidationContext) -> dict:
    return {
        "nome_loja": fr.ident(f.get("nome_loja"), "nome_loja"),
        "regiao": fr.required(f.get("regiao"), "regiao"),
        "diretoria": fr.required(f.get("diretoria"), "diretoria"),
        "data_inauguracao": fr.date(f.get("data_inauguracao"), "data_inauguracao"),
    }


def _employees(f: Fields, ctx: ValidationContext) -> dict:
    status = fr.required(f.get("status"), "status").lower()
    if status not in ("ativo", "não ativo"):
        reject("bad_value", f'status must be "ativo" or "não ativo", got {fr.q(f.get("status", ""))}')
    role = fr.required(f.get("role"), "role").lower()
    if role not in ("vendedor", "gerente"):
        reject("bad_value", f'role must be "vendedor" or "gerente", got {fr.q(f.get("role", ""))}')
    initial = fr.date(f.get("initial_date"), "initial_date")
    end = fr.optional_date(f.get("end_date"), "end_date")
    fr.period(initial, end, "employment")
    return {
        "id_employee": fr.ident(f.get("id_employee"), "id_employee"),
        "name": fr.required(f.get("name"), "name"),
        "surname": fr.required(f.get("surname"), "surname"),
        "cpf_pseudonym": ctx.pseudonymize(fr.cpf_digits(f.get("cpf"), "cpf")),
        "status": status,
        "role": role,
        "initial_date": initial,
        "end_date": end,
        "store_id": fr.ident(f.get("store_id"), "store_id"),
    }


_VALOR = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _products(f: Fields, _: ValidationContext) -> dict:
    valor = fr.js_trim(f.get("conteudo_valor") or "")
    if valor != "" and not _VALOR.fullmatch(valor):
        reject("not_numeric", f"conteudo_valor must be a number, got {fr.q(valor)}")
    return {
        "cod_prod": fr.ident(f.get("cod_prod"), "cod_prod"),
        "nome_abrev": fr.required(f.get("nome_abrev"), "nome_abrev"),
        "nome_completo": fr.js_trim(f.get("nome_completo") or ""),
        "descricao": fr.js_trim(f.get("descricao") or ""),
        "categoria": fr.required(f.get("categoria"), "categoria"),
        "sub_categoria": fr.js_trim(f.get("sub_categoria") or ""),
        "marca": fr.js_trim(f.get("marca") or ""),
        "conteudo_valor": valor,
        "conteudo_medida": fr.js_trim(f.get("conteudo_medida") or ""),
    }


def _price_period(f: Fields) -> dict:
    start = fr.date(f.get("data_inicio"), "data_inicio")
    end = fr.optional_date(f.get("data_fim"), "data_fim")
    fr.period(start, end, "period")
    return {"cod_prod": fr.ident(f.get("cod_prod"), "cod_prod"), "data_inicio": start, "data_fim": end}


def _prices(f: Fields, _: ValidationContext) -> dict:
    return {**_price_period(f), "preco": _positive_money(f.get("preco"), "preco")}


def _costs(f: Fields, _: ValidationContext) -> dict:
    return {**_price_period(f), "custo": _positive_money(f.get("custo"), "custo")}


def _statuses(f: Fields, _: ValidationContext) -> dict:
    return _price_period(f)


def _seller_targets(f: Fields, _: ValidationContext) -> dict:
    return {
        "id_employee": fr.ident(f.get("id_employee"), "id_employee"),
        "sales_target": _non_negative_money(f.get("sales_target"), "sales_target"),
        "month": fr.month(f.get("month"), "month"),
    }


def _store_targets(f: Fields, _: ValidationContext) -> dict:
    return {
        "month": fr.month(f.get("month"), "month"),
        "store_id": fr.ident(f.get("store_id"), "store_id"),
        "sales_target": _non_negative_money(f.get("sales_target"), "sales_target"),
    }


def _stock(f: Fields, _: ValidationContext) -> dict:
    qty = fr.integer(f.get("quantidade"), "quantidade")
    if qty < 0:
        reject("quantity_out_of_range", f"quantidade must not be negative, got {qty}")
    return {
        "data": fr.date(f.get("data"), "data"),
        "cod_loja": fr.ident(f.get("cod_loja"), "cod_loja"),
        "cod_prod": fr.ident(f.get("cod_prod"), "cod_prod"),
        "quantidade": qty,
    }


TX_COLUMNS = ("data", "cod_vendedor", "cod_loja", "cod_transacao", "quantidade", "cod_prod", "preco")


def _transactions(f: Fields, ctx: ValidationContext) -> dict:
    # Presence first, so that an empty field is reported as missing rather than malformed.
    for c in TX_COLUMNS:
        fr.required(f.get(c), c)
    row = {
        "data": fr.js_trim(f["data"]),
        "cod_vendedor": fr.ident(f.get("cod_vendedor"), "cod_vendedor"),
        "cod_loja": fr.ident(f.get("cod_loja"), "cod_loja"),
        "cod_transacao": fr.ident(f.get("cod_transacao"), "cod_transacao"),
        "quantidade": fr.integer(f.get("quantidade"), "quantidade"),
        "cod_prod": fr.ident(f.get("cod_prod"), "cod_prod"),
        "preco": fr.money(f.get("preco"), "preco"),
    }
    qty = row["quantidade"]
    if qty == 0 or abs(qty) > 1000:
        reject("quantity_out_of_range", f"quantidade must be non-zero and at most 1000 in size, got {qty}")
    cents = fr.money_cents(row["preco"])
    if cents <= 0 or cents > MAX_PRICE_CENTS:
        reject("price_out_of_range", f"preco must be above 0 and at most 100000, got {row['preco']}")
    fr.sale_instant(row["data"], "data", ctx.tz, ctx.now_ms)
    return row


def _name(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("stores", ",", ("nome_loja", "regiao", "diretoria", "data_inauguracao"), _name(r"store_final.*\.csv"), _stores),
    FileKind(
        "employees",
        ",",
        ("id_employee", "name", "surname", "cpf", "status", "role", "initial_date", "end_date", "store_id"),
        _name(r"employee_final.*\.csv"),
        _employees,
    ),
    FileKind(
        "sku_dataset",
        ";",
        ("cod_prod", "nome_abrev", "nome_completo", "descricao", "categoria", "sub_categoria", "marca", "conteudo_valor", "conteudo_medida"),
        _name(r"sku_dataset.*\.csv"),
        _products,
    ),
    FileKind("sku_status", ";", ("cod_prod", "data_inicio", "data_fim"), _name(r"sku_status_dataset.*\.csv"), _statuses),
    FileKind("sku_price", ",", ("cod_prod", "data_inicio", "data_fim", "preco"), _name(r"sku_price.*\.csv"), _prices),
    FileKind("sku_cost", ",", ("cod_prod", "data_inicio", "data_fim", "custo"), _name(r"sku_cost.*\.csv"), _costs),
    FileKind("targets_salesperson", ",", ("id_employee", "sales_target", "month"), _name(r"targets_salesperson_final.*\.csv"), _seller_targets),
    FileKind("targets_store", ",", ("month", "store_id", "sales_target"), _name(r"target_store_final.*\.csv"), _store_targets),
    FileKind("daily_stock", ",", ("data", "cod_loja", "cod_prod", "quantidade"), _name(r"daily_stock.*\.csv"), _stock),
    FileKind("transactions", ",", TX_COLUMNS, _name(r"(?:[0-9]{4}|transactions.*)\.csv"), _transactions),
)

UNKNOWN_KIND = "unknown"


def kind_of(key: str) -> FileKind | None:
    base = key.split("/")[-1]
    for k in FILE_KINDS:
        if k.pattern.fullmatch(base):
            return k
    return None


def kind_rank(key: str) -> int:
    k = kind_of(key)
    return FILE_KINDS.index(k) if k is not None else len(FILE_KINDS)


def load_order(keys: list[str]) -> list[str]:
    """The connector's discovery order: ``.csv`` keys by kind rank, then by key (code units)."""
    csv = [k for k in keys if k.lower().endswith(".csv")]
    return sorted(csv, key=lambda k: (kind_rank(k), k.encode("utf-16-be")))


def header_matches(kind: FileKind, fields: list[str]) -> bool:
    return len(fields) == len(kind.columns) and all(
        fr.js_trim(f).lower() == c for f, c in zip(fields, kind.columns)
    )


def validate_fields(kind: FileKind, fields: list[str] | None, error: str | None, ctx: ValidationContext) -> tuple[dict | None, str | None, str | None]:
    """(record, None, None) or (None, reason, detail) for one data row (the connector's validateRow)."""
    if fields is None:
        return None, "bad_quoting", f"broken CSV quoting: {error}"
    if len(fields) != len(kind.columns):
        return None, "column_count", (
            f"expected {len(kind.columns)} columns ({kind.delimiter.join(kind.columns)}), got {len(fields)}"
        )
    named = {c: (fields[i] if i < len(fields) else "") for i, c in enumerate(kind.columns)}
    try:
        return kind.validate(named, ctx), None, None
    except RowRejected as err:
        return None, err.reason, err.detail


_CPF_LIKE = re.compile(r"(?<![0-9])[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}(?![0-9])")


def mask_cpfs(text: str, ctx: ValidationContext) -> str:
    """CPF-like numbers in a rejected row's raw text → ``cpf:<pseudonym prefix>`` (as the connector)."""
    return _CPF_LIKE.sub(lambda m: "cpf:" + ctx.pseudonymize(re.sub(r"[^0-9]", "", m[0]))[:16], text)
