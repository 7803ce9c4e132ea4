"""pytest setup: the job's package importable from spark/, the repository root for shared files."""
import sys
from pathlib import Path

SPARK_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = SPARK_DIR.parent
sys.path.insert(0, str(SPARK_DIR))
