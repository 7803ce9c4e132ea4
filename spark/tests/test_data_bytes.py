"""``job._data_bytes``: the insert writer's lines (Arrow strings) as one chunk, nulls left out."""
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from vitrine_backfill.job import _data_bytes


@pytest.mark.parametrize("t", [pa.string(), pa.large_string()])
def test_lines_end_to_end_without_nulls(t):
    heads = pa.array(["héllo", None, "", "x\ty", None], t)
    lines = pc.binary_join_element_wise(heads, pa.array(["1\n"] * 5, t), pa.scalar("\t", t))
    assert _data_bytes(lines) == "héllo\t1\n\t1\nx\ty\t1\n".encode()
    assert _data_bytes(lines.slice(2)) == "\t1\nx\ty\t1\n".encode()
    assert _data_bytes(lines.slice(1, 1)) == b""
    assert _data_bytes(pa.array([None, None], t)) == b""
    assert _data_bytes(pa.array([], t)) == b""
