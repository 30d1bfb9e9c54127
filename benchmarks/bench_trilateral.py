"""Benchmark of the assessment among three sides: where its time goes.

Prints, for each three-sided built-in scenario, the CPU seconds of the six pair
exchanges (every ordered pair along its counterforce grid, with the third parties'
reserves and costs), of the required arsenals (in sequence and simultaneously, per
side), and of the reaction matrix (central differences against every adversary's
arsenal and interceptors), plus the number of full counterforce strikes those two
stages ran together.  Process CPU time, not wall time, so a busy machine does not inflate it.

Usage: ``python benchmarks/bench_trilateral.py [--json]``.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import stratstab.analysis.reference.trilateral as trilateral
from stratstab.analysis.reference.exchange_curves import exchange_curve
from stratstab.analysis.reference.inputs import resolve
from stratstab.analysis.spec.scenario import list_builtin_scenarios, load_builtin_scenario


def measure(scenario_id: str) -> dict[str, Any]:
    """CPU seconds of each stage of one three-sided assessment."""
    resolved = resolve(load_builtin_scenario(scenario_id))
    sides = resolved.scenario.sides
    start = time.process_time()
    for striker in sides:
        for victim in resolved.scenario.opponents(striker):
            exchange_curve(resolved, striker, victim)
    pairs = time.process_time() - start

    strikes = 0
    original = trilateral._survival_after

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal strikes
        strikes += 1
        return original(*args, **kwargs)

    trilateral._survival_after = counted
    try:
        start = time.process_time()
        for side in sides:
            trilateral.requirement(resolved, side)
        requirements = time.process_time() - start
        start = time.process_time()
        trilateral.arms_race(resolved)
        race = time.process_time() - start
    finally:
        trilateral._survival_after = original
    return {
        "scenario": scenario_id,
        "pair_exchanges_s": round(pairs, 3),
        "requirements_s": round(requirements, 3),
        "arms_race_with_slopes_s": round(race, 3),
        "full_strikes": strikes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    three = {row["id"] for row in list_builtin_scenarios()} - {
        row["id"] for row in list_builtin_scenarios(max_sides=2)
    }
    rows = [measure(scenario_id) for scenario_id in sorted(three)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        print(
            f"{row['scenario']:24s} pairs {row['pair_exchanges_s']:6.2f} s  "
            f"requirements {row['requirements_s']:6.2f} s  "
            f"arms race + slopes {row['arms_race_with_slopes_s']:6.2f} s  "
            f"({row['full_strikes']} full strikes)"
        )


if __name__ == "__main__":
    main()
