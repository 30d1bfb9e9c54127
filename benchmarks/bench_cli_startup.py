"""Start-up time of the command line: ``stratstab --help`` and every ``--help`` below it.

Run: ``.venv/bin/python benchmarks/bench_cli_startup.py [--runs N] [--json]``.

Each command is started ``--runs`` times as a whole process (the interpreter's start
and every import included), after one warm-up run.  Printed per command: the median
wall time and the median CPU time (user + system, from the operating system's
accounting of the finished child); min and max of the wall time show how noisy the
machine was.  Targets: ``stratstab --help`` under 0.5 s, each ``dialogue`` subcommand's
``--help`` under 1 s.  On a busy machine quote the CPU column: it moves far less than the
wall time when other work competes for the processors.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

STRATSTAB = [str(Path(sys.executable).parent / "stratstab")]
TARGETS_S = {"stratstab --help": 0.5}
DIALOGUE_TARGET_S = 1.0


def commands() -> list[list[str]]:
    """The commands timed: the root help, the version, each group's help and each
    ``dialogue`` subcommand's help."""
    from typer.main import get_command

    from stratstab.cli.dialogue import app as dialogue_app
    from stratstab.cli.main import SUBCOMMANDS

    out = [["--help"], ["--version"]]
    out += [[name, "--help"] for name in SUBCOMMANDS]
    out += [["dialogue", name, "--help"] for name in get_command(dialogue_app).commands]
    return out


def time_command(args: list[str], runs: int) -> dict[str, float]:
    """Median wall and CPU seconds of ``stratstab ARGS`` over ``runs`` runs."""
    walls, cpus = [], []
    for attempt in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([*STRATSTAB, *args], capture_output=True, check=True,
                       env={**os.environ, "COLUMNS": "100"})  # fmt: skip
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if attempt == 0:
            continue  # warm-up: file system caches
        walls.append(wall)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {
        "wall_median_s": statistics.median(walls),
        "wall_min_s": min(walls),
        "wall_max_s": max(walls),
        "cpu_median_s": statistics.median(cpus),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument("--json", action="store_true", help="print JSON")
    options = parser.parse_args()
    figures = {}
    for args in commands():
        name = " ".join(["stratstab", *args])
        figures[name] = time_command(args, options.runs)
        target = TARGETS_S.get(name, DIALOGUE_TARGET_S if args[0] == "dialogue" else None)
        figures[name]["target_s"] = target
    if options.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{'command':48} {'wall s':>7} {'(min-max)':>13} {'cpu s':>6} {'target':>7}")
    for name, row in figures.items():
        target = f"{row['target_s']:.1f}" if row["target_s"] else ""
        spread = f"{row['wall_min_s']:.2f}-{row['wall_max_s']:.2f}"
        print(f"{name:48} {row['wall_median_s']:7.3f} {spread:>13} "
              f"{row['cpu_median_s']:6.3f} {target:>7}")  # fmt: skip


if __name__ == "__main__":
    main()
