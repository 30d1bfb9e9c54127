"""Benchmark of the three-sided explorer, sweep and Monte Carlo (the reference path).

Prints, for ``us-china-russia-2024``: the web explorer's server time per three-sided
assessment (its ``Server-Timing`` header, median of ``--repeat`` requests with a
Russian lever changed each time), and evaluations per second of the batch evaluation
that ``stratstab sweep`` and ``stratstab uncertainty`` use, with every output and with
the crisis outputs only — in wall time and in this process's CPU time, since the
wall figure depends on how busy the machine is.  Nothing here uses the compiled kernel.

Usage: ``python benchmarks/bench_sides_batch.py [--repeat N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from stratstab.analysis.batch.evaluate import evaluate_batch
from stratstab.analysis.spec.scenario import load_builtin_scenario

SCENARIO = "us-china-russia-2024"


def explorer_ms(repeat: int) -> list[float]:
    """Server time (ms) of ``POST /api/v1/assess`` on the three-sided scenario."""
    from fastapi.testclient import TestClient

    from stratstab.accounts import service as accounts
    from stratstab.web.app import create_app
    from stratstab.web.settings import Settings

    database = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    app = create_app(Settings(database_url=database, secret_key="bench-" + "k" * 40))
    password = "Kettle-orbit-quartz-719"
    with app.state.session_factory() as db:
        accounts.create_user(db, username="bench", password=password, role="observer")
        db.commit()
    client = TestClient(app)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = client.post(
        "/api/v1/auth/login",
        json={"username": "bench", "password": password},
        headers={"X-CSRF-Token": token},
    )
    answer.raise_for_status()
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    times = []
    for k in range(repeat):
        body = {"scenario": SCENARIO, "levers": {"RU.arsenal_scale": 0.8 + 0.05 * k}}
        answer = client.post("/api/v1/assess", json=body)
        answer.raise_for_status()
        times.append(float(answer.headers["Server-Timing"].split("dur=")[1]))
    return times


def evaluations(outputs: str, rows: int) -> dict[str, float]:
    """Evaluations per second (wall and CPU) of ``rows`` variants."""
    scenario = load_builtin_scenario(SCENARIO)
    levers = {"RU.arsenal_scale": np.linspace(0.8, 1.2, rows)}
    wall, cpu = time.perf_counter(), time.process_time()
    evaluate_batch(scenario, levers, outputs=outputs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"rows": rows, "per_second_wall": rows / wall, "per_second_cpu": rows / cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    times = explorer_ms(args.repeat)
    report: dict[str, Any] = {
        "explorer_server_ms": {"median": statistics.median(times), "all": times},
        "all_outputs": evaluations("all", 4),
        "crisis_outputs": evaluations("crisis", 40),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    median = report["explorer_server_ms"]["median"]
    print(f"explorer, one three-sided assessment: median {median:,.0f} ms server time")
    for name in ("all_outputs", "crisis_outputs"):
        r = report[name]
        print(
            f"{name:15} {r['rows']:3d} rows  {r['per_second_wall']:6.2f} eval/s wall  "
            f"{r['per_second_cpu']:6.2f} eval/s CPU"
        )


if __name__ == "__main__":
    main()
