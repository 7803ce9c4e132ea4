"""The basket vectors (tests/vectors/baskets.json) through the Spark job's windows
(``dedupe_and_pairs``) on a local Spark session: the same decisions as the stream's basket walk."""
import json

import pytest
from pyspark.sql import SparkSession

from conftest import REPO_ROOT
from vitrine_backfill.job import dedupe_and_pairs

VECTORS = json.loads((REPO_ROOT / "tests" / "vectors" / "baskets.json").read_text())


@pytest.fixture(scope="module")
def spark():
    s = (
        SparkSession.builder.master("local[1]")
        .config("spark.driver.memory", "512m")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield s
    s.stop()


def test_windows_decide_like_the_basket_walk(spark):
    rows = [
        # spread over two files: arrival order is (file index, line)
        (0 if i < 6 else 1, i + 2, l["basket"], l["product"], l["quantidade"])
        for i, l in enumerate(VECTORS["lines"])
    ]
    df = spark.createDataFrame(rows, "file_idx int, line long, basket_id string, product_id string, quantidade int")
    got = {
        (r["file_idx"], r["line"]): {"rejection": r["rejection"], "partners": list(r["pair_partners"])}
        for r in dedupe_and_pairs(df).collect()
    }
    assert [got[(f, ln)] for f, ln, *_ in rows] == [l["expect"] for l in VECTORS["lines"]]
