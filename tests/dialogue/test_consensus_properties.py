"""Invariants of the consensus analysis (hypothesis property tests)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratstab.dialogue.consensus import VoteMatrix, analyze

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def vote_matrices(draw) -> VoteMatrix:
    n_participants = draw(st.integers(min_value=3, max_value=24))
    n_statements = draw(st.integers(min_value=2, max_value=7))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    # two latent camps make groups likely, with noise, passes and gaps
    camp = rng.integers(0, 2, n_participants)
    leaning = rng.choice([-1.0, 1.0], size=(2, n_statements))
    values = leaning[camp]
    values = np.where(rng.random(values.shape) < 0.2, -values, values)
    values = np.where(rng.random(values.shape) < 0.15, 0.0, values)
    values = np.where(rng.random(values.shape) < 0.2, np.nan, values)
    names = draw(
        st.lists(
            st.sampled_from(["US", "CN", "RU", None]),
            min_size=n_participants,
            max_size=n_participants,
        )
    )
    return VoteMatrix(
        participant_ids=[f"p{i}" for i in range(n_participants)],
        statement_ids=[f"s{j}" for j in range(n_statements)],
        values=values,
        moderated_out=rng.random(n_statements) < 0.15,
        delegations=names,
        statement_texts=[f"statement {j}" for j in range(n_statements)],
    )


def _reordered(votes: VoteMatrix, order: np.ndarray, *, rename=None) -> VoteMatrix:
    rename = rename or (lambda d: d)
    return VoteMatrix(
        participant_ids=[f"q{votes.participant_ids[i]}" for i in order],
        statement_ids=votes.statement_ids,
        values=votes.values[order],
        moderated_out=votes.moderated_out,
        delegations=[rename(votes.delegations[i]) for i in order],
        statement_texts=votes.statement_texts,
    )


def _same_partition(first: np.ndarray, second: np.ndarray) -> bool:
    return bool(((first[:, None] == first[None, :]) == (second[:, None] == second[None, :])).all())


@FAST
@given(votes=vote_matrices(), permutation_seed=st.integers(0, 1000))
def test_permuting_and_renaming_participants_changes_no_result(votes, permutation_seed) -> None:
    order = np.random.default_rng(permutation_seed).permutation(votes.n_participants)
    base = analyze(votes=votes, seed=0)
    moved = analyze(votes=_reordered(votes, order), seed=0)
    assert moved.n_groups == base.n_groups
    assert _same_partition(base.groups[order], moved.groups)
    assert (base.in_conversation[order] == moved.in_conversation).all()
    for before, after in zip(base.statements, moved.statements, strict=True):
        for key in (
            "agree",
            "disagree",
            "pass",
            "agree_rate",
            "agree_rate_interval",
            "consensus",
            "by_delegation",
        ):
            assert before[key] == after[key]
    assert base.to_dict()["bridging"] == moved.to_dict()["bridging"]


@FAST
@given(votes=vote_matrices())
def test_renaming_delegations_changes_no_result(votes) -> None:
    names = {"US": "Delegation B", "CN": "Delegation A", "RU": "Delegation C", None: None}
    renamed = analyze(
        votes=_reordered(votes, np.arange(votes.n_participants), rename=names.__getitem__), seed=0
    )
    base = analyze(votes=votes, seed=0)
    assert (base.groups == renamed.groups).all()

    def by_delegation(result):
        return [
            entry for entry in result.cruxes + result.bridging if entry["grouping"] == "delegation"
        ]

    for before, after in zip(by_delegation(base), by_delegation(renamed), strict=True):
        assert before["statement"] == after["statement"]
        assert before.get("p_value") == after.get("p_value")
        assert {names[k]: v for k, v in before["by"].items()} == after["by"]


@FAST
@given(votes=vote_matrices(), cell_seed=st.integers(0, 1000))
def test_adding_a_pass_vote_changes_no_agree_rate(votes, cell_seed) -> None:
    empty = np.argwhere(np.isnan(votes.values))
    if empty.size == 0:
        return
    row, column = empty[np.random.default_rng(cell_seed).integers(len(empty))]
    values = votes.values.copy()
    values[row, column] = 0.0
    passed = VoteMatrix(
        participant_ids=votes.participant_ids,
        statement_ids=votes.statement_ids,
        values=values,
        moderated_out=votes.moderated_out,
        delegations=votes.delegations,
        statement_texts=votes.statement_texts,
    )
    before, after = analyze(votes=votes).statements, analyze(votes=passed).statements
    for old, new in zip(before, after, strict=True):
        assert old["agree_rate"] == new["agree_rate"]
        assert old["agree_rate_interval"] == new["agree_rate_interval"]
        for name, block in old["by_delegation"].items():
            assert block["agree_rate"] == new["by_delegation"][name]["agree_rate"]
    assert after[column]["pass"] == before[column]["pass"] + 1


@FAST
@given(votes=vote_matrices(), seed=st.integers(0, 2**31 - 1))
def test_same_seed_same_result(votes, seed) -> None:
    assert analyze(votes=votes, seed=seed).to_dict() == analyze(votes=votes, seed=seed).to_dict()


@FAST
@given(votes=vote_matrices())
def test_rates_and_intervals_are_probabilities(votes) -> None:
    for row in analyze(votes=votes).statements:
        low, high = row["agree_rate_interval"]
        assert 0.0 <= low <= high <= 1.0
        if row["agree_rate"] is not None:
            assert low <= row["agree_rate"] <= high
        assert 0.0 < row["consensus"] < 1.0
        assert row["agree"] + row["disagree"] + row["pass"] == row["n"]
