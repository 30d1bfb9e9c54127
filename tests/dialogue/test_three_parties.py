"""A United States–China–Russia dialogue: sealed scope positions, the scope analysis and
consensus by delegation with three parties (the store, then the consensus math)."""

from __future__ import annotations

import numpy as np
import pytest

from stratstab.dialogue.consensus import VoteMatrix, analyze

PARTIES = ("CN", "RU", "US")


@pytest.fixture()
def trilateral(store):
    """A CN–RU–US dialogue with two people per delegation and two statements."""
    store.create_dialogue(slug="p3", title="Trilateral Track II", track="II", parties=list(PARTIES))
    for delegation in PARTIES:
        for n in (1, 2):
            store.add_participant("p3", external_id=f"{delegation}{n}", delegation=delegation)
    store.add_statement("p3", external_id="s1", text_en="Keep every hotline open.",
                        moderation="accepted")  # fmt: skip
    store.add_statement("p3", external_id="s2", text_en="Limit missile defenses.",
                        moderation="accepted")  # fmt: skip
    return store


def test_sealed_positions_of_three_parties_stay_sealed_until_reveal(trilateral):
    trilateral.set_scope_position("p3", delegation="US", topic="nuclear-forces",
                                  stance="include", sealed=True)  # fmt: skip
    trilateral.set_scope_position("p3", delegation="CN", topic="missile-defense",
                                  stance="include", sealed=True)  # fmt: skip
    trilateral.set_scope_position("p3", delegation="RU", topic="missile-defense",
                                  stance="include", sealed=True)  # fmt: skip
    trilateral.set_scope_position("p3", delegation="RU", topic="nuclear-forces",
                                  stance="include")  # fmt: skip
    for viewer in PARTIES:
        seen = trilateral.scope_positions("p3", viewer=viewer)
        # its own positions and the unsealed one; nothing sealed of the other two
        assert {p.delegation for p in seen if p.sealed} <= {viewer}
        assert ("RU", "nuclear-forces") in {(p.delegation, p.topic) for p in seen}
    # The US sees neither CN's nor RU's sealed missile-defense position, in the list or
    # in the analysis built from it.
    analysis, visible = trilateral.scope_analysis("p3", viewer="US")
    assert {p.topic for p in visible} == {"nuclear-forces"}
    assert "missile-defense" not in (*analysis.shared, *analysis.contested)
    assert trilateral.reveal_scope("p3") == 3
    analysis, visible = trilateral.scope_analysis("p3", viewer="CN")
    assert len(visible) == 4
    assert analysis.delegations == PARTIES
    # every pair of the three delegations has a distance
    assert {frozenset(pair) for pair in analysis.distances} == {
        frozenset(("CN", "RU")),
        frozenset(("CN", "US")),
        frozenset(("RU", "US")),
    }
    assert "missile-defense" in analysis.contested or "missile-defense" in analysis.shared


def test_votes_of_three_delegations_reach_the_vote_matrix(trilateral):
    for delegation in PARTIES:
        for n in (1, 2):
            person = f"{delegation}{n}"
            trilateral.cast_vote("p3", participant=person, statement="s1", value=1)
            trilateral.cast_vote(
                "p3", participant=person, statement="s2", value=1 if delegation != "US" else -1
            )
    matrix = trilateral.vote_matrix("p3")
    assert sorted(set(matrix.delegations)) == list(PARTIES)
    assert matrix.values.shape == (6, 2)


def _three_delegations(rng: np.random.Generator, per_delegation: int = 12) -> VoteMatrix:
    # s0: all three agree; s1: RU alone disagrees; s2: US agrees, CN and RU disagree
    rows, delegations = [], []
    for name, row in (("US", [1, 1, 1]), ("CN", [1, 1, -1]), ("RU", [1, -1, -1])):
        for _ in range(per_delegation):
            noisy = np.array(row, dtype=float)
            noisy[rng.random(3) < 0.05] = 0.0
            rows.append(noisy)
            delegations.append(name)
    return VoteMatrix(
        participant_ids=[f"p{i}" for i in range(len(rows))],
        statement_ids=["s0", "s1", "s2"],
        values=np.array(rows),
        moderated_out=np.zeros(3, dtype=bool),
        delegations=delegations,
        statement_texts=["hotlines", "limits on Russia", "missile defense"],
    )


def test_consensus_by_delegation_with_three_parties():
    result = analyze(votes=_three_delegations(np.random.default_rng(3)), seed=0)
    bridging = {b["statement"]: b for b in result.bridging if b["grouping"] == "delegation"}
    assert set(bridging) == {"s0"}
    assert set(bridging["s0"]["by"]) == set(PARTIES)
    cruxes = {c["statement"]: c for c in result.cruxes if c["grouping"] == "delegation"}
    assert cruxes["s1"]["lowest"] == "RU"
    assert cruxes["s2"]["highest"] == "US"
    for row in result.statements:
        assert set(row["by_delegation"]) == set(PARTIES)
