"""Every shell example in README.md and docs/*.md runs as written.

Each ```bash block is split into commands (a line ending in ``\\`` continues on the
next); the commands of one file run in order, in one scratch folder per file, so a
later example may use what an earlier one made (``create`` before ``set-scope``).  The
folder holds a copy of ``examples/`` (the examples are written to be run from a checkout's
root) and the commands see a scratch database and data folder
(``STRATSTAB_DATABASE_URL``, ``STRATSTAB_HOME``, ``HOME``) and this interpreter's
``bin`` folder first on ``PATH`` (what ``. .venv/bin/activate`` does).  A command fails
the test when it exits non-zero or prints a Python repr (``('CN', 'US')``,
``{'US': 0}``) instead of words.

Markers, written as an HTML comment on the line right before a block's opening fence
(invisible when the Markdown is rendered, visible in its source):

- ``<!-- docs-test: skip (REASON) -->`` leaves the block out.  Used only for set-up
  commands (the README's install-and-serve line and the test-suite line, and the
  environment activation that this test performs itself) and for ``serve``, which runs
  until it is stopped.  :data:`ALLOWED_SKIPS` lists every skipped block, so a new skip
  must be added here, with its reason, on purpose.
- ``<!-- docs-test: replace "OLD" "NEW" (REASON) -->`` runs the block with OLD replaced
  by NEW: for a benchmark-sized example only (docs/sweeps.md's 10-million-row sweep).
- ``<!-- docs-test: stdin "TEXT" (REASON) -->`` feeds TEXT (``\\n`` for a new line,
  repeated as often as the command reads) to an example that asks at a prompt.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"^<!--\s*docs-test:\s*(skip|replace|stdin)\b(.*?)-->\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")

#: Every block left out, as (file, first command), with the reason.
ALLOWED_SKIPS = {
    ("README.md", "python3 -m venv .venv && .venv/bin/pip install -q -e . && "
                  ".venv/bin/stratstab serve --demo"):
        "set-up: builds the environment this test runs in, then serves until stopped",
    ("README.md", "bash scripts/test.sh"): "set-up: the test suite, this test included",
    ("README.md", ". .venv/bin/activate"): "set-up: this test puts .venv/bin on PATH itself",
    ("README.md", "stratstab serve --demo"): "serve runs until it is stopped",
}  # fmt: skip
#: A Python repr leaking into what a user reads: ('CN', 'US'), {'US': 0}, ['a'].
PYTHON_REPR = re.compile(r"[(\[{]'[^'\n]*'(?:, |: |[)\]}])")
#: Bound on one command, only so that a hung command fails instead of blocking the run.
HANG_GUARD_S = 1800


@dataclass
class Block:
    """One ```bash block: its commands and the markers written before it."""

    document: str
    line: int
    commands: list[str]
    skip: str | None = None
    replacements: list[tuple[str, str]] = field(default_factory=list)
    stdin: str | None = None


def commands_of(lines: list[str]) -> list[str]:
    """Shell commands of a block: continued lines joined, blank and comment lines dropped."""
    commands, pending = [], ""
    for raw in lines:
        text = raw.rstrip()
        if text.endswith("\\"):
            pending += text[:-1].rstrip() + " "
            continue
        text = (pending + text.strip()).strip()
        pending = ""
        if text and not text.startswith("#"):
            commands.append(text)
    return commands


def blocks_of(path: Path) -> list[Block]:
    """The ```bash blocks of a Markdown file, with their markers."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        if fence.group(1) == "bash":
            block = Block(path.name, index + 1, commands_of(lines[index + 1 : end]))
            above = index - 1
            while above >= 0 and MARKER.match(lines[above]):
                kind, rest = MARKER.match(lines[above]).groups()
                words = shlex.split(rest.split("(")[0]) if kind != "skip" else []
                if kind == "skip":
                    block.skip = rest.strip() or "(no reason given)"
                elif kind == "replace":
                    block.replacements.append((words[0], words[1]))
                else:
                    block.stdin = words[0].replace("\\n", "\n")
                above -= 1
            found.append(block)
        index = end + 1
    return found


def _environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATSTAB_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(workdir / "home"),
        STRATSTAB_HOME=str(workdir / "stratstab-home"),
        STRATSTAB_DATABASE_URL=f"sqlite:///{workdir / 'stratstab.sqlite'}",
        MPLBACKEND="Agg",
    )
    return env


def test_markers_are_parsed_and_every_skip_is_listed():
    """Guards the mechanism itself: skips are the listed ones, and each has a reason."""
    skipped = {
        (block.document, re.sub(r"\s+#.*$", "", block.commands[0])): block.skip
        for document in DOCUMENTS
        for block in blocks_of(document)
        if block.skip
    }
    assert set(skipped) == set(ALLOWED_SKIPS), "a skipped block must be listed in ALLOWED_SKIPS"
    assert all(reason.startswith("(") for reason in skipped.values())
    sweeps = [b for b in blocks_of(ROOT / "docs" / "sweeps.md") if b.replacements]
    assert sweeps and sweeps[0].replacements == [("--samples 1000", "--samples 1")]
    assert commands_of(["a \\", "  b  # c", "", "# only a comment"]) == ["a b  # c"]
    assert PYTHON_REPR.search("parties ('CN', 'US')") and PYTHON_REPR.search("{'US': 0}")
    assert not PYTHON_REPR.search("parties CN, US; it's 'quoted' text")


@pytest.mark.slow
@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_shell_example_runs_as_written(document, tmp_path):
    blocks = [block for block in blocks_of(document) if not block.skip]
    if not blocks:
        pytest.skip(f"{document.name} has no shell examples to run")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = _environment(tmp_path)
    (tmp_path / "home").mkdir()
    for block in blocks:
        for command in block.commands:
            for old, new in block.replacements:
                command = command.replace(old, new)
            done = subprocess.run(
                ["bash", "-o", "pipefail", "-c", command],
                cwd=tmp_path,
                env=env,
                input=(block.stdin or "") * 200,
                capture_output=True,
                text=True,
                timeout=HANG_GUARD_S,
            )
            assert done.returncode == 0, (
                f"{document.name}:{block.line}: `{command}` exited {done.returncode}\n"
                f"stdout:\n{done.stdout[-2000:]}\nstderr:\n{done.stderr[-2000:]}"
            )
            leaked = PYTHON_REPR.search(done.stdout + done.stderr)
            assert leaked is None, f"{document.name}:{block.line}: `{command}` printed {leaked[0]}"
