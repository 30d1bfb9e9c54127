"""Safe defaults of the command line: demo database, file modes, sealed output."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from stratstab.cli.main import app
from stratstab.cli.serve import plan_database
from stratstab.db import make_engine
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import InputError
from stratstab.migrations import upgrade_database
from tests.waiting import HANG_GUARD_S

runner = CliRunner()


def test_demo_refuses_another_database_and_touches_nothing(tmp_path):
    target = tmp_path / "real.sqlite"
    env = {**os.environ, "STRATSTAB_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "stratstab", "serve", "--demo", "--database-url",
         f"sqlite:///{target}"],
        capture_output=True, text=True, env=env, timeout=HANG_GUARD_S,
    )  # fmt: skip
    assert done.returncode == 2, done
    assert "--demo" in done.stderr and "own database" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not target.exists()


def test_demo_says_where_its_database_is_and_that_the_environment_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("STRATSTAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STRATSTAB_DATABASE_URL", "postgresql://real-server/stratstab")
    url, notes = plan_database(database_url=None, demo=True)
    assert url == f"sqlite:///{tmp_path / 'home' / 'demo.sqlite'}"
    assert any("STRATSTAB_DATABASE_URL" in n and "ignored" in n for n in notes)
    assert any(str(tmp_path / "home" / "demo.sqlite") in n for n in notes)
    monkeypatch.delenv("STRATSTAB_DATABASE_URL")
    url, notes = plan_database(database_url=None, demo=True)
    assert not any("STRATSTAB_DATABASE_URL" in n for n in notes)
    url, notes = plan_database(database_url="sqlite:///x.sqlite", demo=False)
    assert url == "sqlite:///x.sqlite" and notes == []


def test_a_new_database_file_is_private_to_its_owner(tmp_path):
    folder = tmp_path / "fresh" / "data"
    engine = make_engine(f"sqlite:///{folder / 'stratstab.sqlite'}")
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
    assert stat.S_IMODE((folder / "stratstab.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for sidecar in folder.glob("stratstab.sqlite-*"):
        assert stat.S_IMODE(sidecar.stat().st_mode) & 0o077 == 0, sidecar


@pytest.fixture()
def sealed_dialogue(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    with DialogueStore(url) as store:
        store.create_dialogue(slug="ssd", title="T", track="II", parties=["CN", "US"])
        for code, note in (("CN", "CN-SEALED-NOTE"), ("US", "US-SEALED-NOTE")):
            store.set_scope_position(
                "ssd", delegation=code, topic="missile-defense", stance="include",
                priority=1, note=note, sealed=True,
            )  # fmt: skip
        store.set_scope_position(
            "ssd", delegation="US", topic="cyber", stance="exclude", note="US-OPEN-NOTE"
        )
        store.add_participant("ssd", external_id="p1", delegation="CN")
        for number, (text, moderation, sealed) in enumerate(
            [
                ("Public statement one", "accepted", False),
                ("Pending statement", "pending", False),
                ("Sealed statement", "accepted", True),
                ("Public statement two", "accepted", False),
            ]
        ):
            store.add_statement(
                "ssd", external_id=str(number), text_en=text, moderation=moderation,
                sealed=sealed,
            )  # fmt: skip
            if moderation == "accepted":
                store.cast_vote("ssd", participant="p1", statement=str(number), value=1)
    return url


def _cli(url, *args):
    result = runner.invoke(app, ["dialogue", *args, "--database-url", url])
    assert result.exit_code == 0, result.output
    return result.output


def test_scope_memo_shows_only_public_positions_unless_told(sealed_dialogue):
    public = _cli(sealed_dialogue, "scope-memo", "ssd")
    assert "US-OPEN-NOTE" in public
    assert "CN-SEALED-NOTE" not in public and "US-SEALED-NOTE" not in public
    china = _cli(sealed_dialogue, "scope-memo", "ssd", "--viewer", "CN")
    assert "CN-SEALED-NOTE" in china and "US-SEALED-NOTE" not in china
    facilitator = _cli(sealed_dialogue, "scope-memo", "ssd", "--as-facilitator")
    assert "CN-SEALED-NOTE" in facilitator and "US-SEALED-NOTE" in facilitator
    both = runner.invoke(
        app,
        ["dialogue", "scope-memo", "ssd", "--viewer", "CN", "--as-facilitator",
         "--database-url", sealed_dialogue],
    )  # fmt: skip
    assert isinstance(both.exception, InputError)  # the entry point makes it one line, exit 2


def _comments(folder):
    with open(folder / "comments.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_export_polis_writes_only_public_statements_unless_told(sealed_dialogue, tmp_path):
    _cli(sealed_dialogue, "export-polis", "ssd", str(tmp_path / "public"))
    rows = _comments(tmp_path / "public")
    texts = [r["comment-body"] for r in rows]
    assert texts == ["Public statement one", "Public statement two"]
    assert sorted(int(r["comment-id"]) for r in rows) == [0, 1]  # no gap betrays a hidden one
    votes = (tmp_path / "public" / "votes.csv").read_text().splitlines()
    assert len(votes) == 1 + 2
    _cli(sealed_dialogue, "export-polis", "ssd", str(tmp_path / "all"), "--as-facilitator")
    texts = [r["comment-body"] for r in _comments(tmp_path / "all")]
    assert "Sealed statement" in texts and "Pending statement" in texts
