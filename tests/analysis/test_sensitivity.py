"""Sobol indices through SALib (Saltelli design on a Sobol sequence) on known cases."""

import numpy as np
import pytest

from stratstab.analysis.uncertainty.sensitivity import (
    base_samples,
    ishigami,
    ishigami_indices,
    ranking_warning,
    saltelli_design,
    sobol_analysis,
    sobol_indices,
)
from stratstab.errors import InputError


def _ishigami_unit(u):
    return ishigami(-np.pi + 2 * np.pi * u)


def test_analytic_ishigami_values():
    first, total = ishigami_indices()
    assert first == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)
    assert total == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)


def test_ishigami_estimates_match_analytic_indices():
    result = sobol_analysis(_ishigami_unit, n=2**14, groups=[[0], [1], [2]], seed=1, bootstrap=50)
    first, total = ishigami_indices()
    assert result.first_order == pytest.approx(first, abs=0.03)
    assert result.total == pytest.approx(total, abs=0.03)
    for i in range(3):
        low, high = result.total_interval[i]
        assert low - 0.02 <= total[i] <= high + 0.02


def test_additive_linear_model_hand_worked():
    # f = 1*x1 + 2*x2 on uniforms: variances 1/12 and 4/12, so S = (0.2, 0.8), S = ST.
    result = sobol_analysis(
        lambda u: u[:, 0] + 2 * u[:, 1],
        n=4096,
        groups=[[0], [1]],
        seed=3,
        bootstrap=0,
    )
    assert result.first_order == pytest.approx([0.2, 0.8], abs=0.03)
    assert result.total == pytest.approx([0.2, 0.8], abs=0.03)


def test_groups_take_the_variance_of_all_their_columns():
    result = sobol_analysis(
        lambda u: u[:, 0] + u[:, 1] + u[:, 2],
        n=4096,
        groups=[[0, 1], [2]],
        seed=4,
        bootstrap=0,
    )
    assert result.total == pytest.approx([2 / 3, 1 / 3], abs=0.03)


def test_constant_output_gives_zero_indices_and_reproducible_design():
    design = saltelli_design(n=8, groups=[[0], [1]], seed=5)
    assert design.rows == 32 and design.n == 8
    again = saltelli_design(n=8, groups=[[0], [1]], seed=5)
    assert np.array_equal(design.matrix, again.matrix)
    result = sobol_indices(design, np.ones(32), bootstrap=5)
    assert np.all(result.first_order == 0) and np.all(result.total == 0)


def test_bad_designs():
    with pytest.raises(InputError):
        saltelli_design(n=1, groups=[[0]], seed=0)
    with pytest.raises(InputError):
        saltelli_design(n=4, groups=[[0], [2]], seed=0)
    design = saltelli_design(n=4, groups=[[0]], seed=0)
    with pytest.raises(InputError):
        sobol_indices(design, np.ones(5))


def test_base_samples_round_up_to_a_power_of_two():
    assert [base_samples(n) for n in (2, 3, 64, 65, 200)] == [2, 4, 64, 128, 256]


def test_small_designs_are_flagged_and_large_ones_rank_ishigami():
    # At a handful of samples the intervals overlap and the ranking is flagged; at
    # 2^12 the Ishigami totals (0.56, 0.44, 0.24) are told apart.
    small = sobol_analysis(_ishigami_unit, n=8, groups=[[0], [1], [2]], seed=2, bootstrap=100)
    assert ranking_warning(small.total, small.total_interval) is not None
    large = sobol_analysis(_ishigami_unit, n=2**12, groups=[[0], [1], [2]], seed=2, bootstrap=100)
    assert ranking_warning(large.total, large.total_interval) is None
    assert np.all(large.first_order_interval[:, 0] <= large.first_order)
    assert np.all(large.total_interval[:, 1] >= large.total)
