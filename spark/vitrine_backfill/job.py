"""
The Spark backfill job: partner files in the bucket (S3A) → the connector's validation → the
processor's normalize / enrich / dedupe / co-purchase partners → silver rows inserted into a
STAGING ClickHouse database (its materialized views compute the staging gold). The caller
(spark/backfill.ts) then swaps whole month partitions into the live database.

Reads one JSON job description on stdin (secrets never on the command line); writes progress and
the summary as JSON lines on stdout (``{"event": …}``); Spark's own log goes to stderr.

Ordering is the stream's: files in the connector's discovery order (reference kinds first, then
by key), lines in file order. A line's (file index, line number) is its position; it becomes the
silver row's ``_partition`` / ``_offset`` (``_topic = 'backfill'``).

Where the work runs: small reference files are judged on the driver; transaction lines of the
common clean shape are judged and enriched by Spark SQL expressions in the JVM (``fast_sql``),
every other line by the Python rules in the workers; the windows and the TabSeparated text of the
insert are JVM too, and each window partition is streamed into ClickHouse as one INSERT.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .clickhouse_http import insert_tsv_stream, tsv_string
from .fast_path import fast_accept
from .fast_sql import CLEAN_LINE, fast_judged, fast_silver
from .file_kinds import FILE_KINDS, UNKNOWN_KIND, ValidationContext, kind_of, load_order
from .judge import header_ok, judge_line
from .local_time import LocalTime
from .sale import Plan, ReferenceState, silver_fields

HADOOP_AWS = "org.apache.hadoop:hadoop-aws:3.4.1"  # the Hadoop of pyspark 4.0's jars
# What Ivy puts in <ivyDir>/jars for it (hadoop-aws 3.4.1's pom pins the AWS SDK bundle 2.24.6).
HADOOP_AWS_JARS = (
    "org.apache.hadoop_hadoop-aws-3.4.1.jar",
    "software.amazon.awssdk_bundle-2.24.6.jar",
    "org.wildfly.openssl_wildfly-openssl-1.1.3.Final.jar",
)
STATE_KINDS = ("employees", "stores", "sku_dataset", "sku_cost")
#: ``fast_sql.CLEAN_LINE`` in Python's syntax (``\z`` is ``\Z`` here).
CLEAN_LINE_RE = re.compile(CLEAN_LINE.replace(r"\z", r"\Z"))

SILVER_COLUMNS = [
    "_topic", "_partition", "_offset", "line_id", "basket_id", "seller_id", "seller_role", "store_id",
    "transaction_id", "product_id", "quantidade", "preco_cents", "revenue_cents", "high_margin",
    "commission_rate_micro", "commission_micro", "plan_version", "sale_time", "local_date", "month",
    "weekday", "hour", "source_file", "source_line", "rejection", "pair_partners",
]  # fmt: skip

VERDICT_FIELDS = [
    pa.field("file_idx", pa.int32()),
    pa.field("line", pa.int64()),
    pa.field("reason", pa.string()),
    pa.field("detail", pa.string()),
    pa.field("raw", pa.string()),
]
REF_SCHEMA = pa.schema(VERDICT_FIELDS + [pa.field("record", pa.string())])
SALE_FIELDS = [
    ("line_id", pa.string()), ("basket_id", pa.string()), ("seller_id", pa.string()), ("seller_role", pa.string()),
    ("store_id", pa.string()), ("transaction_id", pa.string()), ("product_id", pa.string()), ("quantidade", pa.int32()),
    ("preco_cents", pa.int64()), ("revenue_cents", pa.int64()), ("high_margin", pa.int32()),
    ("commission_rate_micro", pa.int64()), ("commission_micro", pa.int64()), ("plan_version", pa.int32()),
    ("sale_time", pa.string()), ("local_date", pa.string()), ("month", pa.string()), ("weekday", pa.int32()),
    ("hour", pa.int32()),
]  # fmt: skip
TX_SCHEMA = pa.schema(VERDICT_FIELDS + [pa.field(n, t) for n, t in SALE_FIELDS])
COUNT_SCHEMA = pa.schema([pa.field("month", pa.string()), pa.field("rejection", pa.string()), pa.field("n", pa.int64())])


def ddl(schema: pa.Schema) -> str:
    """The Spark DDL of an Arrow schema (for mapInArrow's output)."""
    names = {pa.int32(): "int", pa.int64(): "bigint", pa.string(): "string"}
    return ", ".join(f"{f.name} {names[f.type]}" for f in schema)


def emit(event: str, **fields: object) -> None:
    print(json.dumps({"event": event, **fields}, ensure_ascii=False), flush=True)


# === Spark session


def build_session(job: dict) -> SparkSession:
    s3 = job["s3"]
    spark_dir = Path(__file__).resolve().parents[1]
    master = job.get("master") or "local[*]"
    b = (
        SparkSession.builder.appName("vitrine-backfill")
        .master(master)
        .config("spark.driver.memory", job.get("driverMemory", "1g"))
        .config("spark.executor.memory", job.get("executorMemory", "1g"))
        .config("spark.sql.shuffle.partitions", str(job.get("shufflePartitions", 4)))
        # One staging INSERT stream per window partition: keep them as many as configured.
        .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "20000")
        .config("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
        .config("spark.hadoop.fs.s3a.access.key", s3["accessKeyId"])
        .config("spark.hadoop.fs.s3a.secret.key", s3["secretAccessKey"])
        .config("spark.hadoop.fs.s3a.endpoint.region", s3["region"])
        .config("spark.hadoop.fs.s3a.path.style.access", "true")
    )
    jars = [Path(job["ivyDir"], "jars", j) for j in HADOOP_AWS_JARS]
    if all(j.exists() for j in jars) and master.startswith("local"):
        # Resolved by an earlier run, and the executors are this JVM: the jars go on its class
        # path (spark.jars would register and serve them, ~2 s more at start for the SDK bundle).
        b = b.config("spark.driver.extraClassPath", os.pathsep.join(str(j) for j in jars))
    elif all(j.exists() for j in jars):  # resolved by an earlier run: skip Ivy's resolution
        b = b.config("spark.jars", ",".join(str(j) for j in jars))
    else:
        b = b.config("spark.jars.packages", HADOOP_AWS)
        b = b.config("spark.jars.ivySettings", str(spark_dir / "ivysettings.xml"))
        b = b.config("spark.jars.ivy", job["ivyDir"])
    if s3.get("endpoint"):
        b = b.config("spark.hadoop.fs.s3a.endpoint", s3["endpoint"])
        b = b.config("spark.hadoop.fs.s3a.connection.ssl.enabled", str(s3["endpoint"].startswith("https")).lower())
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    # Ship this package to the executors (a cluster's workers do not have the repository).
    tmp = tempfile.mkdtemp(prefix="vitrine-backfill-")
    archive = shutil.make_archive(os.path.join(tmp, "vitrine_backfill"), "zip", spark_dir, "vitrine_backfill")
    spark.sparkContext.addPyFile(archive)
    return spark


def list_keys(spark: SparkSession, bucket: str, prefix: str, sizes: dict[str, int] | None = None) -> dict[str, str]:
    """Every object key under the prefix (S3 prefix semantics) → its s3a:// path (and its size in
    bytes into ``sizes``)."""
    jvm = spark._jvm  # type: ignore[attr-defined]
    conf = spark._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
    parent = prefix[: prefix.rfind("/") + 1] if "/" in prefix else ""
    root = jvm.org.apache.hadoop.fs.Path(f"s3a://{bucket}/{parent}")
    fs = root.getFileSystem(conf)
    out: dict[str, str] = {}
    if not fs.exists(root):
        return out
    it = fs.listFiles(root, True)
    while it.hasNext():
        st = it.next()
        p = st.getPath()
        key = urllib.parse.unquote(p.toUri().getPath()).lstrip("/")
        if key.startswith(prefix):
            out[key] = p.toString()
            if sizes is not None:
                sizes[key] = int(st.getLen())
    return out


def first_lines(spark: SparkSession, paths: list[str]) -> list[str | None]:
    """Line 1 of each file (up to 64 KiB), read on the driver through the same S3A filesystem."""
    jvm = spark._jvm  # type: ignore[attr-defined]
    conf = spark._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
    out: list[str | None] = []
    for path in paths:
        p = jvm.org.apache.hadoop.fs.Path(path)
        stream = p.getFileSystem(conf).open(p)
        try:
            reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(stream, "UTF-8"))
            out.append(reader.readLine())  # None for an empty file
        finally:
            stream.close()
    return out


def key_of_path(path: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlparse(path).path).lstrip("/")


def scanned_lines(spark: SparkSession, paths: list[str]) -> DataFrame:
    """(fp, blk, mid, value) for every physical line: lines split on LF only, the file's path, the
    start of its split and ``monotonically_increasing_id`` (each split's rows are contiguous in it;
    ``block_numbering`` turns these into line numbers)."""
    return (
        spark.read.option("lineSep", "\n")
        .text(paths)
        .select(
            "value",
            F.col("_metadata.file_path").alias("fp"),
            F.col("_metadata.file_block_start").alias("blk"),
            F.monotonically_increasing_id().alias("mid"),
        )
    )


def block_numbering(spark: SparkSession, scanned: DataFrame, index_of: dict[str, int]) -> tuple[DataFrame, int]:
    """(fp, blk, file_idx, base, m0) of every file split of ``scanned`` (runs a job: the rows per
    split): a line's number, from 1 like the connector, is the rows of the file's earlier splits
    (``base``) + its place in its split (``mid - m0``) + 1. Also how many lines but the files'
    line 1 have a false ``_fast`` (0 without that column): the lines the Python path must judge
    (line 1, the header, it skips)."""
    aggs = [F.count("*").alias("n"), F.min("mid").alias("m0")]
    if "_fast" in scanned.columns:
        aggs += [F.count(F.when(~F.col("_fast"), 1)).alias("left"), F.min(F.when(~F.col("_fast"), F.col("mid"))).alias("l0")]
    blocks = scanned.groupBy("fp", "blk").agg(*aggs).collect()
    left = 0
    for r in blocks if "_fast" in scanned.columns else []:
        left += r["left"] - (1 if r["blk"] == 0 and r["l0"] == r["m0"] else 0)
    by_file: dict[str, list] = {}
    for r in blocks:
        by_file.setdefault(r["fp"], []).append(r)
    rows = []
    for fp, bs in by_file.items():
        base = 0
        for r in sorted(bs, key=lambda r: r["blk"]):
            rows.append((fp, int(r["blk"]), index_of[key_of_path(fp)], base, int(r["m0"])))
            base += int(r["n"])
    numbering = spark.createDataFrame(rows, "fp string, blk long, file_idx int, base long, m0 long")
    return numbering, left


def with_line_numbers(scanned: DataFrame, numbering: DataFrame) -> DataFrame:
    """``scanned`` with ``file_idx`` and ``line`` in place of (fp, blk, mid)."""
    df = scanned.join(F.broadcast(numbering), ["fp", "blk"])
    line = (F.col("base") + F.col("mid") - F.col("m0") + 1).alias("line")
    rest = [c for c in scanned.columns if c not in ("fp", "blk", "mid")]
    return df.select("file_idx", line, *rest)


def numbered_lines(spark: SparkSession, paths: list[str], index_of: dict[str, int]) -> DataFrame:
    """(file_idx, line, value) for every physical line, numbered from 1 like the connector."""
    scanned = scanned_lines(spark, paths)
    return with_line_numbers(scanned, block_numbering(spark, scanned, index_of)[0])


# === Per-row work on the executors (mapInArrow)


def _context(job: dict) -> ValidationContext:
    return ValidationContext(LocalTime(job["zone"], job["nowMs"]), job["nowMs"], job["pseudonymSecret"])


def _reference_row(kinds: dict[int, str], headers: dict[int, bool], fi: int, ln: int, text: str, ctx: ValidationContext) -> tuple | None:
    """A REF_SCHEMA row of one reference line (None for the header and blank lines)."""
    k = kinds[fi]
    kind = None if k == UNKNOWN_KIND else _KIND[k]
    v = judge_line(kind, headers[fi], ln, text, ctx)
    if v is None:
        return None
    keep = v.record is not None and k in STATE_KINDS
    return (fi, ln, v.reason, v.detail, v.raw, json.dumps(v.record, ensure_ascii=False) if keep else None)


def judge_reference(job: dict, kinds: dict[int, str], headers: dict[int, bool]):
    def run(batches):
        ctx = _context(job)
        for batch in batches:
            idx, line, value = (batch.column(i).to_pylist() for i in range(3))
            rows = [r for fi, ln, text in zip(idx, line, value) if (r := _reference_row(kinds, headers, fi, ln, text, ctx))]
            yield pa.RecordBatch.from_pylist([dict(zip(REF_SCHEMA.names, r)) for r in rows], schema=REF_SCHEMA)

    return run


#: Reference files up to this size in all are read and judged on the driver: no executor round
#: trip, no line-numbering pass, no Python worker start. Larger ones go through Spark.
REFERENCE_ON_DRIVER_BYTES = 64 * 2**20


def file_lines(content: bytes) -> list[str]:
    """A file's lines as ``spark.read.option("lineSep", "\\n").text`` reads them: split on LF
    only (a CR stays), no line after a final LF, none at all for an empty file."""
    if not content:
        return []
    parts = content.split(b"\n")
    if content.endswith(b"\n"):
        parts.pop()
    return [p.decode("utf-8", errors="replace") for p in parts]


def judge_reference_on_driver(
    spark: SparkSession, job: dict, paths: list[str], index_of: dict[str, int], kinds: dict[int, str], headers: dict[int, bool]
) -> list[tuple]:
    """REF_SCHEMA rows of small reference files, read whole (binaryFile) and judged here."""
    ctx = _context(job)
    out: list[tuple] = []
    for r in spark.read.format("binaryFile").load(paths).select("path", "content").collect():
        fi = index_of[key_of_path(r["path"])]
        for ln, text in enumerate(file_lines(bytes(r["content"])), start=1):
            row = _reference_row(kinds, headers, fi, ln, text, ctx)
            if row is not None:
                out.append(row)
    return out


def judge_sales(job: dict, headers: dict[int, bool], state: ReferenceState, plan: Plan):
    tx = _KIND["transactions"]
    names = [n for n, _ in SALE_FIELDS]

    def run(batches):
        ctx = _context(job)
        tz = ctx.tz
        for batch in batches:
            idx, line, value = (batch.column(i).to_pylist() for i in range(3))
            out: dict[str, list] = {f.name: [] for f in TX_SCHEMA}
            for fi, ln, text in zip(idx, line, value):
                fast = fast_accept(text[:-1] if text.endswith("\r") else text, tz, ctx.now_ms) if ln > 1 and headers[fi] else None
                if fast is not None:
                    record, ms, cents = fast
                    s = silver_fields(record, tz, state, plan, ms, cents)
                    out["file_idx"].append(fi)
                    out["line"].append(ln)
                    out["reason"].append(None)
                    out["detail"].append(None)
                    out["raw"].append(None)
                    for n in names:
                        out[n].append(s[n])
                    continue
                v = judge_line(tx, headers[fi], ln, text, ctx)
                if v is None:
                    continue
                out["file_idx"].append(fi)
                out["line"].append(ln)
                out["reason"].append(v.reason)
                out["detail"].append(v.detail)
                out["raw"].append(v.raw)
                if v.record is None:
                    for n in names:
                        out[n].append(None)
                else:
                    s = silver_fields(v.record, tz, state, plan)
                    for n in names:
                        out[n].append(s[n])
            yield pa.RecordBatch.from_pydict(out, schema=TX_SCHEMA)

    return run


_KIND = {k.kind: k for k in FILE_KINDS}


class BasketWalk:
    """The processor's basket walk (``processors/pipeline/basket-walk.ts``) over lines sorted by
    basket, then arrival order (file index, line): a product the basket already holds →
    ``duplicate``; an accepted line with quantidade > 0 gets as partners the sorted products with
    quantidade > 0 its basket held before. State is one basket; it carries across batches."""

    def __init__(self) -> None:
        self.basket: str | None = None
        self.held: set[str] = set()
        self.positive: list[str] = []

    def step(self, basket: str, product: str, positive: bool) -> tuple[str, list[str]]:
        """(rejection, pair partners) of the next line."""
        if basket != self.basket:
            self.basket, self.held, self.positive = basket, set(), []
        if product in self.held:
            return "duplicate", []
        self.held.add(product)
        partners = sorted(self.positive) if positive else []
        if positive:
            self.positive.append(product)
        return "", partners


def _array_text(values: list[str]) -> str:
    """A ClickHouse Array(String) in TSV of values that need no escaping (digits)."""
    return "['" + "','".join(values) + "']" if values else "[]"


def _data_bytes(lines: pa.Array) -> bytes:
    """The values of a (large_)string array end to end, nulls left out (they have no bytes)."""
    if len(lines) == 0:
        return b""
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    _, offsets, data = lines.buffers()
    o = np.frombuffer(offsets, dtype=width, count=len(lines) + 1, offset=lines.offset * np.dtype(width).itemsize)
    start, end = int(o[0]), int(o[-1])
    return data[start:end].to_pybytes() if end > start else b""


def write_silver(ch: dict):
    """Walks a partition's baskets (``BasketWalk``) and streams its TabSeparated lines into
    ``sales_lines`` as ONE chunked INSERT: the JVM built each line's text up to ``source_line``
    (``tsv_heads``), the walk adds rejection and pair partners (product ids are digits: nothing to
    escape). Returns the partition's rows per (month, rejection), counted before the month-range
    filter (a null head is a row outside the range). The heads stay Arrow strings: Arrow joins
    each with its walk's tail (a Python object per head would cost more than the walk itself)."""

    def run(batches):
        counts: dict[tuple[str, str], int] = {}
        walk = BasketWalk()

        def chunks():
            step = walk.step
            for batch in batches:
                basket, product, positive, month = (batch.column(i).to_numpy(zero_copy_only=False).tolist() for i in range(4))
                tails: list[str] = []
                append = tails.append
                for b, p, pos, m in zip(basket, product, positive, month):
                    rejection, partners = step(b, p, pos)
                    k = (m, rejection)
                    counts[k] = counts.get(k, 0) + 1
                    append(f"{rejection}\t{_array_text(partners)}\n")
                head = batch.column(4)
                # head + "\t" + tail; a null head (outside the month range) gives a null line
                yield _data_bytes(pc.binary_join_element_wise(head, pa.array(tails, head.type), pa.scalar("\t", head.type)))

        insert_tsv_stream(ch["url"], ch["user"], ch["password"], ch["database"], "sales_lines", SILVER_COLUMNS, chunks())
        yield pa.RecordBatch.from_pydict(
            {"month": [k[0] for k in counts], "rejection": [k[1] for k in counts], "n": list(counts.values())},
            schema=COUNT_SCHEMA,
        )

    return run


def tsv_heads(sales: DataFrame, keys: list[str], from_month: str, to_month: str, partitions: int) -> DataFrame:
    """What ``write_silver`` needs of each accepted line, partitioned by basket and sorted by
    basket, then arrival order: (basket, product, quantidade > 0, month, TabSeparated text of the
    silver row up to ``source_line`` — null outside the month range). The text is built in the
    JVM; every column is digits, a validated code or a fixed word: nothing to escape
    (seller_role is vendedor / gerente / empty, product ids are digits); file names are escaped
    here, once each."""
    c = lambda name: F.col(name).cast("string")  # noqa: E731
    files = F.array(*[F.lit(tsv_string(k)) for k in keys])
    text = F.concat_ws(
        "\t",
        F.lit("backfill"), c("file_idx"), c("line"), c("line_id"), c("basket_id"), c("seller_id"),
        c("seller_role"), c("store_id"), c("transaction_id"), c("product_id"), c("quantidade"),
        c("preco_cents"), c("revenue_cents"), c("high_margin"), c("commission_rate_micro"),
        c("commission_micro"), c("plan_version"), c("sale_time"), c("local_date"), c("month"),
        c("weekday"), c("hour"), F.element_at(files, (F.col("file_idx") + 1).cast("int")), c("line"),
    )  # fmt: skip
    in_range = F.col("month").between(from_month, to_month)
    # Partitioned and sorted by (hash, basket): the sort's prefix is then a long, not the text.
    return (
        sales.select(
            F.xxhash64("basket_id").alias("_h"),
            "file_idx",
            "line",
            "basket_id",
            "product_id",
            (F.col("quantidade") > 0).alias("_positive"),
            "month",
            F.when(in_range, text).alias("_head"),
        )
        .repartition(partitions, "_h", "basket_id")
        .sortWithinPartitions("_h", "basket_id", "file_idx", "line")
        .select("basket_id", "product_id", "_positive", "month", "_head")
    )


# === The job


def run(job: dict) -> dict:
    t0 = time.time()
    spark = build_session(job)
    try:
        return _run(spark, job, t0)
    finally:
        spark.stop()


def _run(spark: SparkSession, job: dict, t0: float) -> dict:
    bucket, prefix = job["s3"]["bucket"], job["prefix"]
    sizes: dict[str, int] = {}
    listed = list_keys(spark, bucket, prefix, sizes)
    keys = load_order(list(listed))
    kinds = {i: (kind_of(k).kind if kind_of(k) else UNKNOWN_KIND) for i, k in enumerate(keys)}  # type: ignore[union-attr]
    emit("files", count=len(keys), transactions=sum(1 for k in kinds.values() if k == "transactions"))
    if not keys:
        return {"files": 0, "rowsRead": 0, "transactionRows": 0, "acceptedByKind": {}, "deadLetters": {}, "months": {}, "ms": int((time.time() - t0) * 1000)}
    index_of = {k: i for i, k in enumerate(keys)}
    first = first_lines(spark, [listed[k] for k in keys])
    headers = {i: header_ok(None if kinds[i] == UNKNOWN_KIND else _KIND[kinds[i]], first[i]) for i in kinds}

    tx_idx = [i for i, k in kinds.items() if k == "transactions"]
    ref_idx = [i for i, k in kinds.items() if k != "transactions"]

    def lines_of(idx: list[int]) -> DataFrame:
        return numbered_lines(spark, [listed[keys[i]] for i in idx], index_of)

    deadletter_frames = []
    dead: dict[str, int] = {}
    ref_rows_read = 0
    state = ReferenceState()
    accepted_by_kind: dict[str, int] = {}
    dl_schema = "file_idx int, line long, reason string, detail string, raw string"
    if ref_idx:
        ref_paths = [listed[keys[i]] for i in ref_idx]
        if sum(sizes[keys[i]] for i in ref_idx) <= REFERENCE_ON_DRIVER_BYTES:
            ref_rows = judge_reference_on_driver(spark, job, ref_paths, index_of, kinds, headers)
            ref_rows.sort(key=lambda r: (r[0], r[1]))
            deadletter_frames.append(spark.createDataFrame([r[:5] for r in ref_rows if r[2] is not None], dl_schema))
            ref_rows_read = len(ref_rows)
            for r in ref_rows:
                if r[2] is None:
                    accepted_by_kind[kinds[r[0]]] = accepted_by_kind.get(kinds[r[0]], 0) + 1
        else:  # every verdict but the accepted rows of kinds that feed no state is collected
            ref = (
                lines_of(ref_idx)
                .mapInArrow(judge_reference(job, kinds, headers), ddl(REF_SCHEMA))
                .persist(StorageLevel.DISK_ONLY)
            )
            ref_rows = [tuple(r) for r in ref.where(F.col("reason").isNotNull() | F.col("record").isNotNull()).collect()]
            ref_rows.sort(key=lambda r: (r[0], r[1]))
            ref_counts = ref.groupBy("file_idx", "reason").count().collect()
            deadletter_frames.append(ref.where(F.col("reason").isNotNull()).select("file_idx", "line", "reason", "detail", "raw"))
            ref_rows_read = sum(r["count"] for r in ref_counts)
            for r in ref_counts:
                if r["reason"] is None:
                    accepted_by_kind[kinds[r["file_idx"]]] = accepted_by_kind.get(kinds[r["file_idx"]], 0) + r["count"]
        for r in ref_rows:
            if r[2] is not None:
                dead[r[2]] = dead.get(r[2], 0) + 1
            elif r[5] is not None:
                state.apply(kinds[r[0]], json.loads(r[5]))
        emit("reference", rows=ref_rows_read, employees=len(state.employees), stores=len(state.stores),
             products=len(state.products), costProducts=len(state.costs))  # fmt: skip

    months: dict[str, dict[str, int]] = {}
    tx_rows_read = 0
    if tx_idx:
        plan = Plan.from_json(job["plan"])
        ctx = _context(job)
        # Files whose line 1 is the header go through the fast path (their line 1 never matches
        # CLEAN_LINE, checked here once more); every line of the others goes to Python.
        scan_idx = [i for i in tx_idx if headers[i] and not (first[i] is not None and CLEAN_LINE_RE.search(first[i]))]
        python_idx = [i for i in tx_idx if i not in scan_idx]
        slow_lines: DataFrame | None = None
        judged: DataFrame | None = None
        scanned: DataFrame | None = None
        if scan_idx:
            # One read of the files both numbers the lines and finds those the fast path leaves:
            # the fast path's verdict of every line (the raw text only of the lines it leaves) is
            # cached, the line numbering counts the cached rows and the Python path reads them.
            # (Caching the parsed fields too, to spare the fast path's own scan, costs more to
            # build than parsing the text again.)
            scan_paths = [listed[keys[i]] for i in scan_idx]

            def fast_scan() -> DataFrame:  # a read of the files, judged by the fast path
                return fast_judged(spark, scanned_lines(spark, scan_paths), [], ctx.tz, job["nowMs"])

            thin = fast_scan()
            scanned = thin.select("fp", "blk", "mid", F.when(~F.col("_fast"), F.col("value")).alias("value"), "_fast")
            scanned = scanned.persist(StorageLevel.MEMORY_AND_DISK)
            numbering, left = block_numbering(spark, scanned, index_of)
            if left:
                slow_lines = with_line_numbers(scanned, numbering).where(~F.col("_fast")).select("file_idx", "line", "value")
            judged = with_line_numbers(fast_scan(), numbering)  # the second read (see above)
        if python_idx:
            rest = lines_of(python_idx)
            slow_lines = rest if slow_lines is None else slow_lines.unionByName(rest)
        # Lines the fast path does not take: the Python rules (small; kept for the dead letters).
        # None at all (every line clean): no Python job before the insert.
        names = ["file_idx", "line"] + [n for n, _ in SALE_FIELDS]
        slow_accepted = 0
        accepted: DataFrame | None = None
        if slow_lines is not None:
            slow = slow_lines.mapInArrow(judge_sales(job, headers, state, plan), ddl(TX_SCHEMA)).persist(
                StorageLevel.MEMORY_AND_DISK
            )
            for r in slow.groupBy("reason").count().collect():
                tx_rows_read += r["count"]
                if r["reason"] is None:
                    slow_accepted = r["count"]
                else:
                    dead[r["reason"]] = dead.get(r["reason"], 0) + r["count"]
            deadletter_frames.append(slow.where(F.col("reason").isNotNull()).select("file_idx", "line", "reason", "detail", "raw"))
            accepted = slow.where(F.col("reason").isNull()).select(*names)
        if scanned is not None:
            scanned.unpersist()  # the Python path's rows are cached in ``slow`` now
        emit("validated", pythonPath=tx_rows_read, rejected=tx_rows_read - slow_accepted)
        if judged is not None:
            fast = fast_silver(spark, judged, state, plan).select(*names)
            accepted = fast if accepted is None else fast.unionByName(accepted)
        assert accepted is not None
        # One INSERT stream per partition; about 32 MiB of input each keeps every partition's sort in
        # memory (spark.driver.memory 1g) and both cores busy.
        tx_bytes = sum(sizes[keys[i]] for i in tx_idx)
        partitions = job.get("insertPartitions") or max(4, -(-tx_bytes // (32 * 2**20)))
        heads = tsv_heads(accepted, keys, job["fromMonth"], job["toMonth"], partitions)
        counts = heads.mapInArrow(write_silver(job["clickhouse"]), ddl(COUNT_SCHEMA))
        validated = 0
        for r in counts.collect():
            validated += r["n"]
            if job["fromMonth"] <= r["month"] <= job["toMonth"]:
                m = months.setdefault(r["month"], {"accepted": 0, "duplicate": 0})
                m["accepted" if r["rejection"] == "" else r["rejection"]] += r["n"]
        accepted_by_kind["transactions"] = validated
        tx_rows_read += validated - slow_accepted
        sales_accepted = sum(m["accepted"] + m["duplicate"] for m in months.values())
        emit("silver", rows=sales_accepted, months=len(months), transactionRows=tx_rows_read)

    if job.get("deadLetterPath") and not dead:  # nothing to write: just clear an earlier run's
        jvm = spark._jvm  # type: ignore[attr-defined]
        path = jvm.org.apache.hadoop.fs.Path(job["deadLetterPath"])
        path.getFileSystem(spark._jsc.hadoopConfiguration()).delete(path, True)  # type: ignore[attr-defined]
        emit("dead_letters", total=0, path=job["deadLetterPath"])
    elif deadletter_frames and job.get("deadLetterPath"):
        dl = deadletter_frames[0]
        for f in deadletter_frames[1:]:
            dl = dl.unionByName(f)
        names = spark.createDataFrame([(i, k, kinds[i]) for i, k in enumerate(keys)], "file_idx int, source_file string, kind string")
        dl = dl.join(F.broadcast(names), "file_idx").select(
            "source_file", F.col("line").alias("source_line"), "kind", "reason", "detail", "raw"
        )
        dl.orderBy("source_file", "source_line").coalesce(1).write.mode("overwrite").json(job["deadLetterPath"])
        emit("dead_letters", total=sum(dead.values()), path=job.get("deadLetterPath"))
    return {
        "files": len(keys),
        "rowsRead": ref_rows_read + tx_rows_read,
        "transactionRows": tx_rows_read,
        "acceptedByKind": accepted_by_kind,
        "deadLetters": dead,
        "months": months,
        "ms": int((time.time() - t0) * 1000),
    }


def main() -> None:
    job = json.load(sys.stdin)
    summary = run(job)
    emit("summary", **summary)


if __name__ == "__main__":
    main()
