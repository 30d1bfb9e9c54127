"""Group stability: silhouette by k, bootstrap adjusted Rand index, and the verdict."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stratstab.dialogue.consensus import VoteMatrix, analyze
from stratstab.dialogue.stability import FRAGILE_ARI, GroupStability


def _matrix(values: np.ndarray) -> VoteMatrix:
    return VoteMatrix(
        participant_ids=[f"p{i}" for i in range(values.shape[0])],
        statement_ids=[f"s{j}" for j in range(values.shape[1])],
        values=values,
        moderated_out=np.zeros(values.shape[1], dtype=bool),
    )


def _two_blocs(rng: np.random.Generator, people: int = 60, statements: int = 16) -> np.ndarray:
    """Two clear camps: each agrees with its own half of the statements, 5 % noise."""
    camp = np.arange(people) % 2
    values = np.where((np.arange(statements)[None, :] % 2) == camp[:, None], 1.0, -1.0)
    flip = rng.random(values.shape) < 0.05
    return np.where(flip, -values, values)


def test_clear_camps_are_stable():
    result = analyze(votes=_matrix(_two_blocs(np.random.default_rng(1))), stability_resamples=10)
    stability = result.to_dict()["group_stability"]
    assert result.n_groups == 2
    assert stability["bootstrap_ari"] > 0.9 and not stability["fragile"]
    assert stability["sentence"] == {"en": "", "zh": ""}


def test_structureless_votes_are_reported_fragile_in_both_languages():
    noise = np.random.default_rng(3).choice([-1.0, 0.0, 1.0], size=(60, 16))
    stability = analyze(votes=_matrix(noise), stability_resamples=10).stability
    assert stability.bootstrap_ari is not None and stability.bootstrap_ari < FRAGILE_ARI
    assert stability.fragile
    assert "fragile" in stability.sentence("en") and "adjusted Rand" in stability.sentence("en")
    assert "并不稳固" in stability.sentence("zh")
    assert not any("a" <= ch <= "z" for ch in stability.sentence("zh").replace("k", ""))


def test_json_keys_and_seeded_reproducibility():
    votes = _matrix(np.random.default_rng(5).choice([-1.0, 1.0, np.nan], size=(40, 12)))
    first = analyze(votes=votes, seed=7, stability_resamples=5).to_dict()["group_stability"]
    again = analyze(votes=votes, seed=7, stability_resamples=5).to_dict()["group_stability"]
    assert first == again
    assert set(first) >= {"silhouette_by_k", "bootstrap_ari", "fragile", "sentence"}
    assert all(key.isdigit() for key in first["silhouette_by_k"])
    json.dumps(first)  # plain JSON


def test_a_near_tie_in_silhouette_is_fragile_however_stable_the_resamples():
    tied = GroupStability({2: 0.41, 3: 0.4095, 4: 0.30}, bootstrap_ari=0.95, resamples=20,
                          chosen_k=2)  # fmt: skip
    assert tied.near_tie == (2, 3) and tied.fragile
    assert "2 groups and 3 groups" in tied.sentence("en")
    clear = GroupStability({2: 0.41, 3: 0.30}, bootstrap_ari=0.95, resamples=20, chosen_k=2)
    assert not clear.fragile and clear.sentence("zh") == ""


def test_no_resamples_means_no_index():
    result = analyze(votes=_matrix(_two_blocs(np.random.default_rng(2))))
    assert result.stability.bootstrap_ari is None


@pytest.mark.parametrize("name", ["brexit-consensus"])
def test_cli_json_has_group_stability(tmp_path, polis_folder, name):
    from typer.testing import CliRunner

    from stratstab.cli.main import app

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()
    done = runner.invoke(app, ["dialogue", "import-polis", "b", str(polis_folder(name)),
                               "--database-url", url])  # fmt: skip
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["dialogue", "analyze", "b", "--json", "--bootstrap", "4",
                               "--database-url", url])  # fmt: skip
    assert done.exit_code == 0, done.output
    stability = json.loads(done.stdout)["group_stability"]
    assert set(stability["silhouette_by_k"]) == {"2", "3", "4", "5"}
    assert 0.0 < stability["bootstrap_ari"] <= 1.0 and stability["bootstrap_resamples"] == 4
