"""Consensus analysis on the two real Pol.is conversations: groups, ARI vs Pol.is, time.

Run: ``.venv/bin/python benchmarks/consensus_real_data.py [--seeds N]``.  Reads the data
from ``<repo>/../shared/data/polis-open-data``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from stratstab.dialogue.consensus import analyze
from stratstab.dialogue.polis import compare_with_polis, read_export, vote_matrix

DATA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "polis-open-data"
).resolve()
CONVERSATIONS = ("brexit-consensus", "15-per-hour-seattle")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1, help="number of seeds to run (0..N-1)")
    seeds = range(parser.parse_args().seeds)
    print(
        f"{'conversation':22} {'seed':>4} {'groups':>6} {'polis':>5} {'ARI':>6} "
        f"{'compared':>8} {'read s':>7} {'analyze s':>9}"
    )
    for name in CONVERSATIONS:
        started = time.perf_counter()
        export = read_export(DATA / name)
        votes = vote_matrix(export)
        read_s = time.perf_counter() - started
        for seed in seeds:
            started = time.perf_counter()
            result = analyze(votes=votes, seed=seed)
            analyze_s = time.perf_counter() - started
            comparison = compare_with_polis(export=export, result=result)
            print(
                f"{name:22} {seed:>4} {result.n_groups:>6} {comparison.n_groups_polis:>5} "
                f"{comparison.adjusted_rand_index:>6.3f} {comparison.n_compared:>8} "
                f"{read_s:>7.3f} {analyze_s:>9.3f}"
            )


if __name__ == "__main__":
    main()
