"""Pol.is's incremental grouping (``analyze --kmeans polis``) and its state in the store."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from stratstab.dialogue import clusters
from stratstab.dialogue.clusters import (
    PolisState,
    first_distinct_rows,
    polis_grouping,
    warm_kmeans,
)
from stratstab.dialogue.consensus import VoteMatrix, analyze


def test_first_distinct_rows_keep_data_order():
    points = np.array([[5.0, 1], [0, 0], [5, 1], [2, 2], [0, 0]])
    assert first_distinct_rows(points, 3).tolist() == [[5, 1], [0, 0], [2, 2]]


def test_cold_start_is_lloyd_from_the_first_distinct_rows():
    points = np.array([[0.0, 0], [0, 0], [10, 0], [11, 0], [0, 10]])
    labels, centers = warm_kmeans(points=points, weights=np.ones(5), n_clusters=2, previous=None)
    assert labels.tolist() == [0, 0, 1, 1, 0]
    assert np.allclose(centers, [[0, 10 / 3], [10.5, 0]])


def test_warm_start_begins_from_the_previous_centres():
    points = np.array([[0.0, 0], [0, 0], [10, 0], [11, 0], [0, 10]])
    # Started from centres near (0, 10) and (5, 0) Lloyd ends elsewhere than cold.
    labels, _ = warm_kmeans(points=points, weights=np.ones(5), n_clusters=2,
                            previous=np.array([[0.0, 9.0], [5.0, 0.0]]))  # fmt: skip
    assert labels.tolist() == [1, 1, 1, 1, 0]


def _votes(rng: np.random.Generator, people: int = 48, statements: int = 12) -> np.ndarray:
    camp = np.arange(people) % 3
    values = np.where((np.arange(statements)[None, :] % 3) == camp[:, None], 1.0, -1.0)
    return np.where(rng.random(values.shape) < 0.1, -values, values)


def test_a_tie_in_silhouette_goes_to_the_larger_k(monkeypatch):
    monkeypatch.setattr(clusters, "silhouette", lambda *, points, labels: 0.25)
    values = _votes(np.random.default_rng(0))
    ids = [f"p{i}" for i in range(values.shape[0])]
    *_, choice, _ = polis_grouping(values=values, moderated_out=np.zeros(12, bool),
                                   participant_ids=ids, max_groups=5)  # fmt: skip
    assert len(choice.silhouette_by_k) >= 2  # several k tried, all tied
    assert choice.n_groups == max(choice.silhouette_by_k)


def test_participants_once_grouped_stay_in():
    values = _votes(np.random.default_rng(1))
    values[0, 2:] = np.nan  # p0 now has 2 votes: below min(7, statements)
    ids = [f"p{i}" for i in range(values.shape[0])]
    moderated = np.zeros(12, bool)
    _, member, *_ = polis_grouping(values=values, moderated_out=moderated, participant_ids=ids,
                                   max_groups=5)  # fmt: skip
    assert not member[0]
    before = PolisState(frozenset({"p0"}), np.zeros((0, 2)), {})
    _, member, labels, _, state = polis_grouping(values=values, moderated_out=moderated,
                                                 participant_ids=ids, max_groups=5,
                                                 previous=before)  # fmt: skip
    assert member[0] and labels[0] >= 0 and "p0" in state.in_conversation


def test_state_round_trips_through_json():
    values = _votes(np.random.default_rng(2))
    ids = [f"p{i}" for i in range(values.shape[0])]
    state = polis_grouping(values=values, moderated_out=np.zeros(12, bool), participant_ids=ids,
                           max_groups=5)[-1]  # fmt: skip
    again = PolisState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again.in_conversation == state.in_conversation
    assert np.allclose(again.base_centers, state.base_centers)
    assert set(again.group_centers) == set(state.group_centers)


def test_default_grouping_is_unchanged_by_the_option():
    values = _votes(np.random.default_rng(3))
    votes = VoteMatrix([f"p{i}" for i in range(48)], [f"s{j}" for j in range(12)], values,
                       np.zeros(12, bool))  # fmt: skip
    assert analyze(votes=votes).polis_state is None
    with pytest.raises(Exception, match="default or polis"):
        analyze(votes=votes, kmeans="fancy")  # type: ignore[arg-type]


def test_cli_keeps_the_state_between_updates(tmp_path, polis_folder):
    from stratstab.cli.main import app
    from stratstab.dialogue.store import DialogueStore

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()

    def run(*args):
        done = runner.invoke(app, ["dialogue", *args, "--database-url", url])
        assert done.exit_code == 0, done.output
        return done.stdout

    run("import-polis", "b", str(polis_folder("brexit-consensus")))
    first = json.loads(run("analyze", "b", "--kmeans", "polis", "--bootstrap", "0", "--json"))
    assert first["provenance"]["method"] == "polis-incremental"
    with DialogueStore(url) as store:
        saved = store.polis_state("b")
    assert saved is not None and len(saved.in_conversation) == sum(
        p["in_conversation"] for p in first["participants"]
    )
    second = json.loads(run("analyze", "b", "--kmeans", "polis", "--bootstrap", "0", "--json"))
    assert [p["group"] for p in second["participants"]] == [
        p["group"] for p in first["participants"]
    ]  # the same votes, warm-started from their own result: nothing moves
