"""Runs SQL on an embedded current ClickHouse (chdb-core, ClickHouse 26.x) for portability checks.

Reads one JSON object on stdin:
  {"database": "x", "statements": ["CREATE …", …], "queries": {"name": "SELECT …"}}
executes the statements in order inside the database, then each query, and prints one JSON
object: {"version": "26.x", "results": {"name": [ {col: value, …}, … ]}} — or
{"error": "…", "statement": n} with exit code 1 on the first failure.
"""
import json
import sys

from chdb import session


def main() -> int:
    job = json.load(sys.stdin)
    s = session.Session()
    db = job["database"]
    s.query(f"CREATE DATABASE IF NOT EXISTS `{db}`")
    s.query(f"USE `{db}`")
    for i, statement in enumerate(job.get("statements", [])):
        try:
            s.query(statement)
        except Exception as err:  # noqa: BLE001 - reported to the caller as data
            print(json.dumps({"error": str(err), "statement": i}))
            return 1
    results = {}
    for name, query in job.get("queries", {}).items():
        out = s.query(query, "JSONEachRow").bytes().decode("utf-8")
        results[name] = [json.loads(line) for line in out.splitlines() if line.strip()]
    version = s.query("SELECT version()", "CSV").bytes().decode().strip().strip('"')
    print(json.dumps({"version": version, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
