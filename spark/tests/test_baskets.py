"""The basket vectors (tests/vectors/baskets.json) through the Spark job's basket walk: the lines
partitioned and sorted by ``tsv_heads`` on a local Spark session, then walked by ``BasketWalk``
as ``write_silver`` walks them — the same decisions as the stream's basket walk."""
import json

from conftest import REPO_ROOT
from vitrine_backfill.job import BasketWalk, tsv_heads

VECTORS = json.loads((REPO_ROOT / "tests" / "vectors" / "baskets.json").read_text())


def test_walk_decides_like_the_basket_walk(spark):
    rows = [
        # spread over two files: arrival order is (file index, line); the frame holds them shuffled
        (0 if i < 6 else 1, i + 2, l["basket"], l["product"], l["quantidade"])
        for i, l in enumerate(VECTORS["lines"])
    ]
    columns = ("file_idx", "line", "basket_id", "product_id", "quantidade")
    filler = {
        "line_id": "x", "seller_id": "1", "seller_role": "", "store_id": "1", "transaction_id": "1",
        "preco_cents": 1, "revenue_cents": 1, "high_margin": 0, "commission_rate_micro": 1,
        "commission_micro": 1, "plan_version": 1, "sale_time": "2024-01-01 00:00:00",
        "local_date": "2024-01-01", "month": "2024-01", "weekday": 1, "hour": 0,
    }  # fmt: skip
    df = spark.createDataFrame([{**dict(zip(columns, r)), **filler} for r in reversed(rows)])
    got = {}
    for part in tsv_heads(df, ["a.csv", "b.csv"], "2024-01", "2024-01", 3).rdd.glom().collect():
        walk = BasketWalk()
        for r in part:
            rejection, partners = walk.step(r["basket_id"], r["product_id"], r["_positive"])
            file_idx, line = (int(x) for x in r["_head"].split("\t")[1:3])
            got[(file_idx, line)] = {"rejection": rejection, "partners": partners}
    assert [got[(f, ln)] for f, ln, *_ in rows] == [l["expect"] for l in VECTORS["lines"]]
