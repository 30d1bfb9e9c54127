"""The ``stratstab`` entry point loads only the subcommand it runs."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from stratstab.cli.main import SUBCOMMANDS, build_app

PROBE = """
import sys
sys.argv = ["stratstab", *{args!r}]
from stratstab.cli.main import main
try:
    main()
except SystemExit:
    pass
print("LOADED", sorted(m for m in sys.modules if m.startswith("stratstab.cli.")))
print("HEAVY", sorted(m for m in ("sqlalchemy", "numpy", "stratstab.dialogue.store",
                                  "importlib.metadata") if m in sys.modules))
"""


def _probe(*args: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))], capture_output=True, text=True
    )
    return {
        line.split(" ", 1)[0]: ast.literal_eval(line.split(" ", 1)[1])
        for line in done.stdout.splitlines()
        if line.startswith(("LOADED", "HEAVY"))
    }


def loaded(*args: str) -> set[str]:
    return {m.rsplit(".", 1)[1] for m in _probe(*args)["LOADED"]}


def test_root_help_loads_no_subcommand():
    """``stratstab`` and ``stratstab --help`` list every subcommand from SHORT_HELP."""
    for args in ((), ("--help",)):
        probe = _probe(*args)
        assert [m.rsplit(".", 1)[1] for m in probe["LOADED"]] == ["main"]
        assert probe["HEAVY"] == []


def test_dialogue_help_does_not_open_the_store():
    for args in (("dialogue", "--help"), ("dialogue", "set-scope", "--help")):
        heavy = _probe(*args)["HEAVY"]
        assert "sqlalchemy" not in heavy and "stratstab.dialogue.store" not in heavy, args


def test_short_help_matches_each_subcommand():
    from typer.main import get_command

    from stratstab.cli.main import SHORT_HELP

    full = get_command(build_app())
    assert list(SHORT_HELP) == list(SUBCOMMANDS)
    for name, command in full.commands.items():
        assert command.get_short_help_str(limit=200) == SHORT_HELP[name], name


def test_root_help_lists_every_subcommand():
    done = subprocess.run(
        [sys.executable, "-m", "stratstab", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    for name in SUBCOMMANDS:
        assert f" {name} " in done.stdout


def test_a_subcommand_loads_its_own_module_only():
    assert loaded("sweep", "--help") == {"main", "common", "sweep"}
    assert loaded("--version") == {"main"}


def test_an_unknown_subcommand_still_gets_suggestions():
    assert {"assess", "sweep", "dialogue"} <= loaded("asess")  # the full set, for the hint
    done = subprocess.run(
        [sys.executable, "-m", "stratstab", "asess"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Did you mean 'assess'" in done.stderr


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_each_subcommand_builds_alone(name):
    # The application built for one subcommand offers exactly that one.
    from typer.main import get_command

    command = get_command(build_app(name))
    assert list(command.commands) == [name]
