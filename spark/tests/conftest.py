"""pytest setup: the job's package importable from spark/, the repository root for shared files."""
import sys
from pathlib import Path

import pytest

SPARK_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = SPARK_DIR.parent
sys.path.insert(0, str(SPARK_DIR))


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for every test that needs one (UTC, as the job runs)."""
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[1]")
        .config("spark.driver.memory", "512m")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield s
    s.stop()
