"""Sweeps: designs, seeds, chunk-size and worker-count invariance, Dask, resume, Parquet."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from stratstab.analysis.batch.evaluate import evaluate_batch
from stratstab.analysis.batch.schedule import run_sweep
from stratstab.analysis.batch.store import read_metadata
from stratstab.analysis.batch.sweep import (
    SweepSpec,
    design_points,
    evaluate_chunk,
    parse_vary,
    sample_view,
)
from stratstab.analysis.spec.scenario import scenario_from_dict
from stratstab.errors import InputError

SCENARIO = {
    "name": "US forces on both sides (sweep tests)",
    "forces": {"A": {"dataset": "us-2024"}, "B": {"dataset": "us-2024"}},
    "defenses": {"A": {"interceptors": 44, "interceptor_pk": 0.5, "shots_per_rv": 4}},
    "counterforce_levels": 21,
    "beliefs": {
        "A-view": {
            "B.survivability_ssbn": {"dist": "uniform", "low": 0.3, "high": 0.9},
            "A.interceptor_pk": {"dist": "triangular", "low": 0.3, "mode": 0.5, "high": 0.8},
        }
    },
}


@pytest.fixture(scope="module")
def scenario():
    return scenario_from_dict(SCENARIO, source="sweep-test")


def spec_for(scenario, *, chunk_size=4, samples=0, design="full", points=None, seed=11):
    axes = (
        parse_vary("A.interceptors=0:100:3", scenario),
        parse_vary("B.arsenal_scale=0.5:1.5:2", scenario),
    )
    return SweepSpec(
        scenario=scenario,
        axes=axes,
        design=design,
        points=points,
        samples=samples,
        seed=seed,
        sample_view=sample_view(scenario, None) if samples else None,
        chunk_size=chunk_size,
    )


def table(path):
    return pq.read_table(path).to_pandas()


def test_full_design_is_the_cartesian_product(scenario):
    spec = spec_for(scenario)
    points = design_points(spec, np.arange(spec.grid_size))
    assert spec.grid_size == 6
    assert points["A.interceptors"].tolist() == [0, 0, 50, 50, 100, 100]
    assert points["B.arsenal_scale"].tolist() == [0.5, 1.5] * 3


def test_lhs_has_one_point_per_stratum(scenario):
    spec = spec_for(scenario, design="lhs", points=10)
    points = design_points(spec, np.arange(10))
    scale = (points["B.arsenal_scale"] - 0.5) / 1.0
    assert sorted(np.floor(scale * 10).astype(int)) == list(range(10))
    assert np.all(points["A.interceptors"] == np.round(points["A.interceptors"]))


def test_chunk_columns_equal_evaluate_batch(scenario):
    spec = spec_for(scenario, chunk_size=6)
    columns = evaluate_chunk(spec, 0)
    direct = evaluate_batch(scenario, design_points(spec, np.arange(6)))
    for name, values in direct.items():
        np.testing.assert_array_equal(columns[name], values)


def test_chunk_size_does_not_change_results(scenario, tmp_path):
    small = run_sweep(spec_for(scenario, chunk_size=4, samples=3), out=tmp_path / "a.parquet")
    large = run_sweep(spec_for(scenario, chunk_size=7, samples=3), out=tmp_path / "b.parquet")
    first, second = table(small.path), table(large.path)
    assert len(first) == 18 and small.chunks == 5 and large.chunks == 3
    assert first.equals(second)
    # The samples really are draws: they differ within a design point.
    assert first.groupby("point")["B.survivability_ssbn"].nunique().min() == 3


def test_samples_are_each_points_own_sample_levers_stream(scenario):
    from stratstab.analysis.batch.sweep import _point_seed
    from stratstab.analysis.uncertainty.monte_carlo import sample_levers

    spec = spec_for(scenario, samples=3, chunk_size=5)
    columns = evaluate_chunk(spec, 1)  # rows 5..9 cut across design points 1, 2 and 3
    expected = []
    for row in range(5, 10):
        point, k = divmod(row, 3)
        draws = sample_levers(
            scenario, "A-view", 3, np.random.default_rng(_point_seed(spec, point))
        )
        expected.append(draws["B.survivability_ssbn"][k])
    np.testing.assert_array_equal(columns["B.survivability_ssbn"], expected)


def test_seed_changes_samples_and_is_recorded(scenario, tmp_path):
    one = run_sweep(spec_for(scenario, samples=2, seed=1), out=tmp_path / "one.parquet")
    two = run_sweep(spec_for(scenario, samples=2, seed=2), out=tmp_path / "two.parquet")
    assert not np.array_equal(
        table(one.path)["A.interceptor_pk"], table(two.path)["A.interceptor_pk"]
    )
    meta = read_metadata(one.path)
    assert meta["provenance"]["seed"] == 1
    assert meta["provenance"]["datasets"] == {"us-2024": "2024.1"}
    assert meta["sweep"]["axes"][0]["key"] == "A.interceptors"
    assert not (tmp_path / "one.parquet.parts").exists()


def test_samples_need_beliefs():
    plain = scenario_from_dict({k: v for k, v in SCENARIO.items() if k != "beliefs"}, source="x")
    with pytest.raises(InputError, match="--samples needs belief distributions"):
        sample_view(plain, None)


def test_resume_skips_finished_chunks(scenario, tmp_path, monkeypatch):
    spec = spec_for(scenario, chunk_size=2)
    out = tmp_path / "r.parquet"
    complete = table(run_sweep(spec, out=tmp_path / "complete.parquet").path)
    # Interrupt: keep two finished chunks on disk, as a killed run leaves them.
    from stratstab.analysis.batch import store as batch_store

    calls = []
    original = batch_store.SweepStore.write_chunk

    def failing(self, chunk, columns):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(chunk)
        original(self, chunk, columns)

    monkeypatch.setattr(batch_store.SweepStore, "write_chunk", failing)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, out=out)
    assert not out.with_name(out.name + ".tmp").exists()  # the parts keep what was done
    monkeypatch.setattr(batch_store.SweepStore, "write_chunk", original)
    resumed = run_sweep(spec, out=out, resume=True)
    assert resumed.chunks_resumed == 2
    assert table(out).equals(complete)


def test_resume_refuses_other_settings(scenario, tmp_path):
    out = tmp_path / "r.parquet"
    spec = spec_for(scenario, chunk_size=2)
    store_parts = out.with_name(out.name + ".parts")
    from stratstab.analysis.batch.store import SweepStore

    SweepStore(out, spec.record()).open(resume=False)
    assert store_parts.exists()
    with pytest.raises(InputError, match="settings differ"):
        run_sweep(spec_for(scenario, chunk_size=3), out=out, resume=True)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as local:
        yield local


def test_dask_cluster_and_worker_count_do_not_change_results(scenario, tmp_path, cluster):
    local = table(run_sweep(spec_for(scenario, samples=2), out=tmp_path / "local.parquet").path)
    remote = run_sweep(
        spec_for(scenario, samples=2),
        out=tmp_path / "tcp.parquet",
        scheduler=cluster.scheduler_address,
    )
    assert remote.workers == 2
    assert table(remote.path).equals(local)
    one = run_sweep(
        spec_for(scenario, samples=2), out=tmp_path / "p1.parquet", scheduler="processes", workers=1
    )
    assert one.workers == 1
    assert table(one.path).equals(local)


def test_bad_scheduler(scenario, tmp_path):
    with pytest.raises(InputError, match="tcp://HOST:PORT"):
        run_sweep(spec_for(scenario), out=tmp_path / "x.parquet", scheduler="threads")
