"""The sweep store: chunk files, and the output file that grows in chunk order."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from stratstab.analysis.batch import store as batch_store
from stratstab.analysis.batch.store import SweepStore, read_metadata

RECORD = {"scenario": "test", "chunk_size": 3}


def chunk(c: int) -> dict[str, np.ndarray]:
    rows = np.arange(3 * c, 3 * c + 3)
    return {"point": rows, "x": rows * 0.5, "label": np.array(["a", "b", "c"], dtype=object)}


@pytest.mark.parametrize("memory", [0, 1, 8])
def test_chunks_finishing_out_of_order_land_in_order(tmp_path, monkeypatch, memory):
    # With room for `memory` waiting chunks, the rest are read back from their files.
    monkeypatch.setattr(batch_store, "WAITING_IN_MEMORY", memory)
    out = tmp_path / "s.parquet"
    store = SweepStore(out, RECORD, {"provenance": {"seed": 1}})
    store.open(resume=False)
    for c in [3, 1, 4, 0, 2, 6, 5]:
        store.write_chunk(c, chunk(c))
    assert store.finish(7) == out
    table = pq.read_table(out)
    np.testing.assert_array_equal(table["point"].to_numpy(), np.arange(21))
    np.testing.assert_array_equal(table["x"].to_numpy(), np.arange(21) * 0.5)
    assert table["label"].to_pylist() == ["a", "b", "c"] * 7
    assert pq.ParquetFile(out).metadata.num_row_groups == 7
    assert read_metadata(out) == {"provenance": {"seed": 1}}
    assert not store.parts.exists() and not store.partial.exists()


def test_resumed_chunks_are_taken_from_disk(tmp_path):
    out = tmp_path / "s.parquet"
    first = SweepStore(out, RECORD)
    first.open(resume=False)
    for c in [0, 2, 1, 4]:  # chunk 3 was lost when the run was killed
        first.write_chunk(c, chunk(c))
    first.close()
    again = SweepStore(out, RECORD)
    assert again.open(resume=True) == {0, 1, 2, 4}
    again.write_chunk(3, chunk(3))
    again.finish(5)
    np.testing.assert_array_equal(pq.read_table(out)["point"].to_numpy(), np.arange(15))


def test_finishing_with_a_chunk_missing_fails_and_keeps_the_parts(tmp_path):
    out = tmp_path / "s.parquet"
    store = SweepStore(out, RECORD)
    store.open(resume=False)
    store.write_chunk(0, chunk(0))
    store.write_chunk(2, chunk(2))
    with pytest.raises(RuntimeError, match="1 of 3 chunks"):
        store.finish(3)
    store.abandon()
    assert not out.exists() and not store.partial.exists()
    assert store.chunk_path(2).exists()  # a resumed run can still use it
