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
"""


def loaded(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))], capture_output=True, text=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED"))
    return {m.rsplit(".", 1)[1] for m in ast.literal_eval(line.split(" ", 1)[1])}


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
