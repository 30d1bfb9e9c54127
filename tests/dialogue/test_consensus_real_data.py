"""Acceptance on two real Pol.is conversations: same group count, ARI >= 0.8 vs group-id."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratstab.dialogue.consensus import analyze
from stratstab.dialogue.polis import compare_with_polis, read_export, vote_matrix

DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "polis-open-data"
).resolve()

pytestmark = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"Pol.is open data not found at {DATA} (shared/ beside the repo)"
)


@pytest.mark.parametrize("conversation", ["brexit-consensus", "15-per-hour-seattle"])
def test_matches_polis_groups(conversation: str) -> None:
    export = read_export(DATA / conversation)
    result = analyze(votes=vote_matrix(export), seed=0)
    comparison = compare_with_polis(export=export, result=result)
    assert result.n_groups == comparison.n_groups_polis == 2
    assert comparison.n_compared >= 0.9 * comparison.n_grouped_polis
    assert comparison.adjusted_rand_index >= 0.8


def test_group_count_is_stable_across_seeds() -> None:
    export = read_export(DATA / "brexit-consensus")
    votes = vote_matrix(export)
    for seed in (1, 2, 3):
        result = analyze(votes=votes, seed=seed)
        assert result.n_groups == 2
        assert compare_with_polis(export=export, result=result).adjusted_rand_index >= 0.8


def test_seattle_moderation_and_in_conversation_rule() -> None:
    export = read_export(DATA / "15-per-hour-seattle")
    votes = vote_matrix(export)
    assert int(votes.moderated_out.sum()) == 23
    result = analyze(votes=votes, seed=0)
    # Pol.is grouped exactly the 138 participants with at least 7 votes
    assert int(result.in_conversation.sum()) == 138
    moderated = {s["statement"] for s in result.statements if s["moderated_out"]}
    for group in result.group_summaries:
        assert not moderated & {pick["statement"] for pick in group["representative"]}
