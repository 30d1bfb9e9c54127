"""``stratstab dialogue`` end to end: round trip through the CLI, one-line errors (exit 2)."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from stratstab.cli.common import error_console
from stratstab.cli.main import app, main
from tests.waiting import HANG_GUARD_S

runner = CliRunner()


def _run(url, *args):
    result = runner.invoke(app, ["dialogue", *args, "--database-url", url])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _stratstab(*args):
    """Run the real entry point (its error handling included) in this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["stratstab", *args])
        out, err = io.StringIO(), io.StringIO()
        patch.setattr(error_console, "file", err)
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code or 0
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_cli_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    _run(url, "create", "cnus", "--title", "CN-US", "--party", "CN", "--party", "US")
    _run(url, "add-delegation", "cnus", "CN", "--name-en", "China", "--name-zh", "中国")
    for person, delegation in (("c1", "CN"), ("u1", "US")):
        _run(url, "add-participant", "cnus", person, "--delegation", delegation)
    _run(url, "add-statement", "cnus", "Keep the hotline open", "--zh", "保持热线畅通",
         "--id", "s1")  # fmt: skip
    _run(url, "vote", "cnus", "c1", "s1", "agree")
    _run(url, "vote", "cnus", "c1", "s1", "disagree")
    _run(url, "set-scope", "cnus", "CN", "nuclear-forces", "--stance", "include", "--priority", "5")
    _run(url, "set-scope", "US", "--dialogue", "cnus", "nuclear-forces", "--stance", "include")
    _run(url, "ledger-add", "cnus", "hotline", "--title", "Hotline", "--status", "disputed")
    _run(url, "close-round", "-d", "cnus", "--outcome", "met")
    _run(url, "open-round", "cnus", "--date", "2026-03-02", "--place", "Geneva")
    ledger = json.loads(_run(url, "ledger", "cnus", "--json"))
    assert [(r["key"], r["status"], r["round"], r["carried"]) for r in ledger] == [
        ("hotline", "disputed", 2, True)
    ]
    memo = tmp_path / "memo.html"
    _run(url, "scope-memo", "cnus", "--format", "html", "--out", str(memo))
    assert "核力量与核政策" in memo.read_text(encoding="utf-8")
    assert "| 1 | shared |" in _run(url, "scope-memo", "--dialogue=cnus")
    listed = json.loads(_run(url, "list", "--json"))
    assert listed[0]["slug"] == "cnus" and listed[0]["statements"] == 1
    _run(url, "export-polis", "cnus", str(tmp_path / "export"))
    votes = (tmp_path / "export" / "votes.csv").read_text().splitlines()
    assert len(votes) == 3  # header + both votes (history kept)


def test_cli_import_and_analyze_json(tmp_path, polis_folder):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    _run(url, "import-polis", str(polis_folder("brexit-consensus")))
    result = json.loads(_run(url, "analyze", "brexit-consensus", "--json", "--seed", "0"))
    assert len(result["participants"]) == 204
    assert set(result["participants"][0]) >= {"participant", "delegation", "group"}
    assert result["n_groups"] == 2 and len(result["statements"]) == 50
    assert "representative" in result["groups"][0]


def test_cli_errors_are_one_line_and_exit_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    created = _stratstab(
        "dialogue", "create", "d", "--title", "T", "--party", "CN", "--party", "US",
        "--database-url", url,
    )  # fmt: skip
    assert created.returncode == 0, created
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "comments.csv").write_text("timestamp,comment-id\n1,2\n")
    (broken / "votes.csv").write_text("")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 200)
    cases = [
        (("vote", "d", "nobody", "s1", "agree"), "unknown participant"),
        (("set-scope", "d", "CN", "weather", "--stance", "include"), "unknown topic"),
        (("create", "d", "--title", "again", "--party", "CN", "--party", "US"), "already exists"),
        (("create", "e", "--title", "one party", "--party", "CN"), "2 to 4 parties"),
        (("open-round", "d"), "still open"),
        (("open-round", "d", "--date", "2026-13-01"), "YYYY-MM-DD"),
        (("import-polis", "d", str(broken)), "missing column"),
        (("ledger", "d", "--round", "5"), "round"),
    ]
    for args, message in cases:
        done = _stratstab("dialogue", *args, "--database-url", url)
        assert done.returncode == 2, done
        assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr
    done = _stratstab("dialogue", "list", "--database-url", f"sqlite:///{garbage}")
    assert done.returncode == 2 and "cannot open database" in done.stderr
    listed = _stratstab("dialogue", "list", "--json", "--database-url", url)
    assert [d["slug"] for d in json.loads(listed.stdout)] == ["d"]


def test_the_dialogue_comes_first_in_every_command_and_dialogue_is_an_alias(tmp_path):
    """The README's own lines: the dialogue is the first argument of every command that
    works on one, and ``--dialogue SLUG`` / ``-d SLUG`` anywhere is the same."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    _run(url, "create", "ssd-2026", "--title", "T", "--party", "CN", "--party", "US")
    out = _run(url, "set-scope", "ssd-2026", "CN", "missile-defense", "--stance", "include",
               "--priority", "5")  # fmt: skip
    assert "CN missile-defense: include (p5)" in out
    _run(url, "set-scope", "US", "missile-defense", "--dialogue", "ssd-2026", "--stance", "exclude")
    assert "| US | Missile defense" in _run(url, "scope-memo", "ssd-2026")
    assert "no ledger items yet" in _run(url, "ledger", "ssd-2026")
    assert json.loads(_run(url, "ledger", "--json", "-d", "ssd-2026")) == []
    from stratstab.cli.dialogue import app as dialogue_app

    group = typer.main.get_group(dialogue_app)
    for name, command in group.commands.items():
        if name in ("create", "list"):
            continue
        assert command.params[0].name == "dialogue", name
        assert command.params[0].param_type_name == "argument", name


def test_dialogue_first_moves_only_the_dialogue_option():
    from stratstab.cli.dialogue import dialogue_first

    assert dialogue_first(["ledger", "--json", "-d", "x"], True) == ["ledger", "x", "--json"]
    assert dialogue_first(["ledger", "--dialogue=x"], True) == ["ledger", "x"]
    assert dialogue_first(["vote", "p", "--", "-d", "s"], True) == ["vote", "p", "--", "-d", "s"]
    assert dialogue_first(["create", "-d", "x"], False) == ["create", "-d", "x"]


def test_created_dialogue_message_lists_parties_in_words(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    out = _run(url, "create", "d", "--title", "T", "--party", "CN", "--party", "US")
    assert "parties CN, US" in out and "(" not in out.split("parties")[1].rstrip(")\n")


def test_module_entry_point_exits_2_on_a_bad_database(tmp_path):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 200)
    done = subprocess.run(
        [sys.executable, "-m", "stratstab", "dialogue", "list", "--database-url",
         f"sqlite:///{garbage}"],
        capture_output=True, text=True, timeout=HANG_GUARD_S,
    )  # fmt: skip
    assert done.returncode == 2 and done.stderr.startswith("error: cannot open database")
    assert len(done.stderr.strip().splitlines()) == 1
