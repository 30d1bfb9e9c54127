"""Hand-worked checks of the Pol.is pieces and the small-sample statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from stratstab.dialogue.clusters import (
    base_clusters,
    in_conversation,
    opinion_groups,
    project_participants,
    silhouette,
)
from stratstab.dialogue.repness import group_informed_consensus, repness_stats
from stratstab.dialogue.stats import (
    GroupCounts,
    benjamini_hochberg,
    clopper_pearson_interval,
    polis_prop_test,
    polis_two_prop_test,
    rate_spread_p_value,
)


def test_clopper_pearson_edges_by_hand() -> None:
    # 0 of 10: upper bound solves (1 - p)^10 = 0.025
    low, high = clopper_pearson_interval(successes=0, trials=10)
    assert low == 0.0
    assert high == pytest.approx(1 - 0.025 ** (1 / 10))
    low, high = clopper_pearson_interval(successes=10, trials=10)
    assert (low, high) == (pytest.approx(0.025 ** (1 / 10)), 1.0)
    assert clopper_pearson_interval(successes=0, trials=0) == (0.0, 1.0)


def test_clopper_pearson_contains_estimate_and_is_wider_than_wilson() -> None:
    low, high = clopper_pearson_interval(successes=7, trials=12)
    wilson = scipy_stats.binomtest(7, 12).proportion_ci(method="wilson")
    assert low < 7 / 12 < high
    assert low <= wilson.low and high >= wilson.high


def test_polis_z_tests_by_hand() -> None:
    # (8 + 1) / (10 + 1) = 9/11; 2·sqrt(11)·(9/11 − 1/2)
    assert polis_prop_test(successes=8, trials=10) == pytest.approx(
        2 * math.sqrt(11) * (9 / 11 - 0.5)
    )
    # counts +1: 5/11 vs 2/11, pooled 7/22
    expected = (5 / 11 - 2 / 11) / math.sqrt(7 / 22 * 15 / 22 * (2 / 11))
    z = polis_two_prop_test(successes_in=4, successes_out=1, trials_in=10, trials_out=10)
    assert z == pytest.approx(expected)
    assert polis_two_prop_test(successes_in=3, successes_out=3, trials_in=3, trials_out=3) == 0.0


def test_two_group_spread_test_is_exact_and_two_sided() -> None:
    rng = np.random.default_rng(0)
    # 5/5 vs 0/5: one table of C(10,5)=252 each way is as extreme
    p = rate_spread_p_value(successes=np.array([5, 0]), trials=np.array([5, 5]), rng=rng)
    assert p == pytest.approx(2 / 252)
    fisher = scipy_stats.fisher_exact([[5, 0], [0, 5]]).pvalue
    assert p == pytest.approx(fisher)
    same = rate_spread_p_value(successes=np.array([2, 2]), trials=np.array([4, 4]), rng=rng)
    assert same == pytest.approx(1.0)


def test_three_group_spread_test_is_seeded_monte_carlo() -> None:
    args = {"successes": np.array([9, 1, 5]), "trials": np.array([10, 10, 10])}
    first = rate_spread_p_value(**args, rng=np.random.default_rng(4))
    again = rate_spread_p_value(**args, rng=np.random.default_rng(4))
    assert first == again
    assert 0 < first < 0.01


def test_benjamini_hochberg_by_hand() -> None:
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))
    np.testing.assert_allclose(q, [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])


def test_in_conversation_threshold_and_greedy_fill() -> None:
    counts = np.array([7] * 14 + [6, 5, 5, 0])
    member = in_conversation(vote_counts=counts, n_statements=20)
    # 14 meet the threshold; the most active other voter fills the 15th place
    assert member.tolist() == [True] * 15 + [False] * 3
    tied = in_conversation(vote_counts=np.array([7] * 14 + [5, 5, 1]), n_statements=20)
    assert tied.tolist() == [True] * 16 + [False]  # both tied for 15th place are taken
    small = in_conversation(vote_counts=np.array([3, 2, 0]), n_statements=3, greedy_count=0)
    assert small.tolist() == [True, False, False]


def test_projection_scaling_by_hand() -> None:
    values = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, np.nan]])
    projection = project_participants(values=values, moderated_out=np.array([False, False]))
    # column means 1/3 and 0; the third row's missing cell is imputed with 0
    center = np.array([1 / 3, 0.0])
    np.testing.assert_allclose(projection.center, center)
    pc1 = projection.components[0]
    expected = (values[2, 0] - center[0]) * pc1[0] * math.sqrt(2 / 1)
    assert projection.coordinates[2, 0] == pytest.approx(expected)
    assert pc1[np.argmax(np.abs(pc1))] > 0


def test_moderated_columns_are_zeroed_but_count_as_answered() -> None:
    values = np.array([[1.0, np.nan, 1.0], [-1.0, -1.0, np.nan], [1.0, 1.0, -1.0]])
    projection = project_participants(values=values, moderated_out=np.array([False, True, False]))
    # column 1 carries no variance after zeroing, so it has no loading
    assert np.allclose(projection.components[:, 1], 0.0)
    assert projection.vote_counts.tolist() == [2, 2, 3]


def test_silhouette_by_hand() -> None:
    points = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0]])
    labels = np.array([0, 0, 1])
    a = 1.0
    b0, b1 = 10.0, math.hypot(10, 1)
    expected = ((b0 - a) / b0 + (b1 - a) / b1 + 0.0) / 3  # the singleton scores 0
    assert silhouette(points=points, labels=labels) == pytest.approx(expected)


def test_distinct_points_are_their_own_base_clusters() -> None:
    points = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    centers, labels = base_clusters(points=points, seed=0)
    assert centers.shape == (2, 2)
    assert labels[0] == labels[2] != labels[1]


def test_two_clear_clumps_give_two_groups_numbered_by_size() -> None:
    centers = np.array([[-5.0, 0], [-5.2, 0.1], [-4.9, -0.1], [5.0, 0], [5.1, 0.2]])
    weights = np.array([1.0, 1.0, 1.0, 4.0, 4.0])
    choice = opinion_groups(centers=centers, weights=weights, seed=0)
    assert choice.n_groups == 2
    assert choice.labels.tolist() == [1, 1, 1, 0, 0]
    assert choice.silhouette == max(choice.silhouette_by_k.values())


def test_repness_ratios_and_group_informed_consensus_by_hand() -> None:
    counts = GroupCounts(
        agree=np.array([[8], [1]]), disagree=np.array([[1], [8]]), seen=np.array([[10], [10]])
    )
    first = repness_stats(counts)[0][0]
    assert first["pa"] == pytest.approx(9 / 12)
    assert first["ra"] == pytest.approx((9 / 12) / (2 / 12))
    gac = group_informed_consensus(counts)
    assert gac[0] == pytest.approx((9 / 12) * (2 / 12))
