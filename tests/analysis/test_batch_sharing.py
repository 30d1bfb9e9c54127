"""Exchanges and reaction functions shared across variants with equal inputs: the
batch gives bit for bit what each variant gives alone, and does less work."""

from __future__ import annotations

import numpy as np
import pytest

from stratstab.analysis.batch.evaluate import evaluate_batch
from stratstab.analysis.spec.scenario import load_scenario


def _grid(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.meshgrid(first, second, indexing="ij")
    return a.ravel(), b.ravel()


@pytest.mark.parametrize(("outputs", "slopes"), [("all", "secant"), ("crisis", "secant"),
                                                  ("all", "derivative")])  # fmt: skip
def test_shared_work_is_bit_identical_to_each_variant_alone(outputs, slopes):
    scenario = load_scenario("us-china-2024-baseline")
    interceptors, lua = _grid(np.array([0.0, 44.0, 200.0]), np.array([0.0, 0.5, 1.0]))
    levers = {
        "US.interceptors": interceptors,
        "CN.launch_under_attack": lua,
        "CN.retaliation_warheads": np.where(lua > 0.6, 150.0, 100.0),
    }
    work: dict[str, np.ndarray] = {}
    shared = evaluate_batch(scenario, levers, outputs=outputs, slopes=slopes, work=work)
    for i in range(interceptors.size):
        alone = evaluate_batch(
            scenario, {k: v[i : i + 1] for k, v in levers.items()}, outputs=outputs, slopes=slopes
        )
        for name, values in alone.items():
            assert np.array_equal(shared[name][i : i + 1], values, equal_nan=True), (i, name)
    # China's strike on the United States does not depend on China's launch under
    # attack or requirement: three distinct exchanges (one per US inventory), not nine.
    assert np.count_nonzero(work["CN.levels_traced"]) == 3
    assert np.count_nonzero(work["US.levels_traced"]) == 9
    assert np.all(work["CN.stop_rule_level"][::3] == work["CN.stop_rule_level"][1::3])
