"""Plain-language findings: each statement classified once, for 2 and 3 delegations."""

from __future__ import annotations

import numpy as np
import pytest

from stratstab.dialogue.consensus import VoteMatrix, analyze
from stratstab.dialogue.findings import KINDS, classify, summary


def _matrix(leanings: dict[str, list[float]], *, per_party: int, seed: int = 7) -> VoteMatrix:
    """Votes drawn from per-party agreement probabilities, one list entry per statement."""
    rng = np.random.default_rng(seed)
    rows, ids, parties = [], [], []
    for code, probabilities in leanings.items():
        for member in range(per_party):
            draws = rng.random(len(probabilities))
            rows.append(np.where(draws < np.asarray(probabilities), 1.0, -1.0))
            ids.append(f"{code}-{member}")
            parties.append(code)
    n = len(next(iter(leanings.values())))
    return VoteMatrix(
        participant_ids=ids,
        statement_ids=[str(i) for i in range(n)],
        values=np.array(rows),
        moderated_out=np.zeros(n, dtype=bool),
        delegations=parties,
        statement_texts=[f"statement {i}" for i in range(n)],
    )


@pytest.mark.parametrize("parties", [("CN", "US"), ("CN", "RU", "US")])
def test_agreement_split_and_rejection_are_told_apart(parties):
    # statement 0: everyone agrees; 1: the first party alone agrees; 2: everyone rejects
    leanings = {code: [1.0, 1.0 if code == parties[0] else 0.0, 0.0, 0.5] for code in parties}
    votes = _matrix(leanings, per_party=12)
    result = analyze(votes=votes, seed=0).to_dict()
    found = {f.statement: f for f in classify(result, delegations=list(parties))}
    assert found["0"].kind == "delegations_agree" and found["0"].certain
    assert found["0"].agreeing == parties and found["0"].n_delegations == len(parties)
    assert found["1"].kind == "delegations_split" and found["1"].certain
    assert found["1"].agreeing == (parties[0],)
    assert set(found["1"].disagreeing) == set(parties[1:])
    assert found["2"].kind == "delegations_reject" and found["2"].certain
    assert summary(list(found.values()))["delegations_agree"] == 1


def test_small_delegations_give_leaning_not_certain_findings():
    leanings = {"CN": [1.0, 0.0], "US": [1.0, 0.0]}
    votes = _matrix(leanings, per_party=3)
    result = analyze(votes=votes, seed=0).to_dict()
    found = {f.statement: f for f in classify(result, delegations=["CN", "US"])}
    # 3 of 3 agreeing: the exact 95 % lower bound is 0.29, below one half
    assert found["0"].kind == "delegations_agree" and not found["0"].certain
    assert found["1"].kind == "delegations_reject" and not found["1"].certain


def test_a_party_without_votes_is_neither_side():
    result = {
        "statements": [
            {
                "statement": "0",
                "n": 5,
                "agree_rate": 0.2,
                "by_delegation": {
                    "CN": {"agree_rate": 0.2, "agree_rate_interval": [0.01, 0.7]},
                    "US": {"agree_rate": None, "agree_rate_interval": [None, None]},
                },
            }
        ],
        "bridging": [],
        "cruxes": [],
    }
    (finding,) = classify(result, delegations=["CN", "US"])
    assert finding.kind == "unclear" and finding.disagreeing == ("CN",)
    assert finding.to_dict()["agree_rates"] == {"CN": 0.2, "US": None}


def test_findings_are_sorted_by_kind():
    leanings = {"CN": [0.0, 1.0, 1.0], "US": [0.0, 0.0, 1.0]}
    result = analyze(votes=_matrix(leanings, per_party=10), seed=0).to_dict()
    kinds = [f.kind for f in classify(result, delegations=["CN", "US"])]
    assert kinds == sorted(kinds, key=KINDS.index)
