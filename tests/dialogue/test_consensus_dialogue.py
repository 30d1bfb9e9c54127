"""A small Track II dialogue: delegations, bridging statements, cruxes, honest small n."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stratstab.dialogue.consensus import VoteMatrix, analyze
from stratstab.errors import InputError

# statements: 0 bridging (both agree), 1 crux (US agree / CN disagree), 2 crux reversed,
# 3 bridging on thin evidence (only 3 voters per side take a side), 4 moderated out
TEXTS = ["hotline", "BMD limits", "no first use", "joint study", "off topic"]


def _dialogue(rng: np.random.Generator, *, per_delegation: int = 12) -> VoteMatrix:
    rows, delegations = [], []
    for name, sign in (("US", 1.0), ("CN", -1.0)):
        for _ in range(per_delegation):
            noise = rng.random(5) < 0.1
            row = np.array([1.0, sign, -sign, np.nan, 1.0])
            row[1:3] = np.where(noise[1:3], 0.0, row[1:3])
            rows.append(row)
            delegations.append(name)
    values = np.array(rows)
    values[[0, 1, 2, 12, 13, 14], 3] = 1.0
    values[[3, 15], 3] = 0.0  # a pass changes no agree rate
    return VoteMatrix(
        participant_ids=[f"p{i}" for i in range(len(rows))],
        statement_ids=[f"s{j}" for j in range(5)],
        values=values,
        moderated_out=np.array([False, False, False, False, True]),
        delegations=delegations,
        statement_texts=TEXTS,
    )


@pytest.fixture(scope="module")
def result():
    return analyze(votes=_dialogue(np.random.default_rng(1)), seed=0)


def test_found_groups_follow_the_delegations(result) -> None:
    assert result.n_groups == 2
    # most answered 4 of 5 statements, below min(7, 5): the fill-up to 15 takes them
    # all, since they are tied for the last place
    assert bool(result.in_conversation.all())
    us = {result.group_of(f"p{i}") for i in range(12)}
    cn = {result.group_of(f"p{i}") for i in range(12, 24)}
    assert len(us) == len(cn) == 1 and us != cn


def test_bridging_across_delegations_with_honest_small_n(result) -> None:
    bridging = {b["statement"]: b for b in result.bridging if b["grouping"] == "delegation"}
    assert set(bridging) == {"s0", "s3"}
    assert bridging["s0"]["significant"] and bridging["s0"]["note"] is None
    thin = bridging["s3"]
    assert not thin["significant"]
    assert thin["note"] == "majority but not significant"
    assert thin["by"]["US"]["agree"] == 3 and thin["by"]["US"]["pass"] == 1
    assert thin["min_lower_bound"] < 0.5


def test_cruxes_split_the_delegations(result) -> None:
    cruxes = {c["statement"]: c for c in result.cruxes if c["grouping"] == "delegation"}
    assert set(cruxes) == {"s1", "s2"}
    assert cruxes["s1"]["highest"] == "US" and cruxes["s1"]["lowest"] == "CN"
    assert cruxes["s2"]["highest"] == "CN"
    for crux in cruxes.values():
        assert crux["p_value"] < 1e-4 and crux["significant"]
        assert crux["agree_rate_difference"] == pytest.approx(1.0)


def test_moderated_statement_is_reported_but_never_selected(result) -> None:
    row = result.statements[4]
    assert row["moderated_out"] and row["agree"] == 24
    picked = {p["statement"] for g in result.group_summaries for p in g["representative"]}
    assert "s4" not in picked
    assert all(entry["statement"] != "s4" for entry in result.bridging + result.cruxes)


def test_every_group_has_representative_statements_with_counts(result) -> None:
    for group in result.group_summaries:
        assert 1 <= len(group["representative"]) <= 5
        for pick in group["representative"]:
            assert pick["agree"] + pick["disagree"] + pick["pass"] == pick["n"]
            assert 0.0 <= pick["p_value"] <= 1.0


def test_to_dict_is_strict_json_with_the_documented_shape(result) -> None:
    data = result.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text) == data
    assert set(data["participants"][0]) >= {"participant", "delegation", "group", "x", "y"}
    statement = data["statements"][0]
    for key in (
        "agree",
        "disagree",
        "pass",
        "n",
        "agree_rate",
        "agree_rate_interval",
        "consensus",
        "group_informed_consensus",
        "by_group",
        "by_delegation",
    ):
        assert key in statement
    assert set(statement["by_delegation"]) == {"CN", "US"}
    assert data["n_groups"] == 2 and data["provenance"]["seed"] == 0


def test_too_few_votes_leaves_participant_ungrouped() -> None:
    votes = _dialogue(np.random.default_rng(2))
    values = votes.values.copy()
    values[0, 1:] = np.nan  # p0 answered one statement only
    sparse = VoteMatrix(
        participant_ids=votes.participant_ids,
        statement_ids=votes.statement_ids,
        values=values,
        moderated_out=votes.moderated_out,
        delegations=votes.delegations,
    )
    result = analyze(votes=sparse, seed=0)
    assert result.group_of("p0") is None
    assert result.to_dict()["participants"][0]["group"] is None


def test_bad_arguments_and_matrices_raise_input_errors() -> None:
    votes = _dialogue(np.random.default_rng(3))
    with pytest.raises(InputError, match="max_groups"):
        analyze(votes=votes, max_groups=1)
    with pytest.raises(InputError, match="values"):
        VoteMatrix(
            participant_ids=["a"],
            statement_ids=["s"],
            values=np.array([[2.0]]),
            moderated_out=np.array([False]),
        )
    with pytest.raises(InputError, match="duplicate id"):
        VoteMatrix(
            participant_ids=["a", "a"],
            statement_ids=["s"],
            values=np.array([[1.0], [0.0]]),
            moderated_out=np.array([False]),
        )


def test_empty_and_tiny_inputs_do_not_crash() -> None:
    empty = VoteMatrix(
        participant_ids=[],
        statement_ids=["s"],
        values=np.zeros((0, 1)),
        moderated_out=np.array([False]),
    )
    assert analyze(votes=empty).n_groups == 0
    one = VoteMatrix(
        participant_ids=["a"],
        statement_ids=["s"],
        values=np.array([[1.0]]),
        moderated_out=np.array([False]),
    )
    data = analyze(votes=one).to_dict()
    assert data["n_groups"] == 1 and data["participants"][0]["group"] == 0
