"""The scenario-upload attacks against the workbench, and what they cost it now.

Runs the workbench in this process (FastAPI's test client over a fresh SQLite file),
logs in an observer, and tries what an attacker would:

- ``devzero``: a scenario naming ``/dev/zero`` as a side's dataset, uploaded and then
  assessed.  Figures: answer status, growth of this process's peak memory (MiB).
- ``fifo``: a scenario naming a FIFO (a read would block forever).  Figures: status,
  whether the answer came back (the call would hang otherwise).
- ``leaks``: fifteen references (devices, /etc/passwd, /proc/self/environ, a valid
  dataset file, relative paths, missing files).  Figure: how many distinct messages
  came back (1 means nothing tells one file from another).
- ``uploads``: 20 scenarios of about 250 kB each (under the 256 KiB cap; 1 MB is
  refused with 413), then the median latency of ``GET /api/v1/scenarios`` and
  ``GET /assess`` for the uploader and for another user.
- ``quota``: ten assessments submitted at once by one user: how many were queued and
  how many refused with 429.

Usage: ``python benchmarks/bench_scenario_attacks.py [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from stratstab.accounts import service as accounts
from stratstab.web.app import create_app
from stratstab.web.settings import Settings

PASSWORD = "quiet-harbour-lantern-57"
SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"


def _scenario(reference: str, name: str = "T", padding: int = 0) -> str:
    comment = ("# " + "x" * 98 + "\n") * (padding // 101)
    return (
        f"name: {name}\nforces:\n  US: {{dataset: '{reference}'}}\n"
        f"  CN: {{dataset: china-2024}}\n{comment}"
    )


def _client(app, username: str):
    from fastapi.testclient import TestClient

    with app.state.session_factory() as db:
        accounts.create_user(db, username=username, password=PASSWORD, role="observer")
        db.commit()
    client = TestClient(app)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": PASSWORD},
        headers={"X-CSRF-Token": token},
    )
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _median_ms(call, repeats: int = 15) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        assert call().status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="stratstab-attacks-"))
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'db.sqlite'}", secret_key=SECRET))
    attacker, other = _client(app, "attacker"), _client(app, "bystander")
    figures: dict[str, object] = {}

    before = _peak_mib()
    upload = attacker.post("/api/v1/scenarios", json={"yaml": _scenario("/dev/zero")})
    run = attacker.post("/api/v1/assessments", json={"scenario": "/dev/zero"})
    figures["devzero_upload_status"] = upload.status_code
    figures["devzero_run_status"] = run.status_code
    figures["devzero_peak_memory_growth_mib"] = round(_peak_mib() - before, 1)

    fifo = folder / "pipe"
    os.mkfifo(fifo)
    start = time.perf_counter()
    answer = attacker.post("/api/v1/scenarios", json={"yaml": _scenario(str(fifo))})
    figures["fifo_status"] = answer.status_code
    figures["fifo_answer_ms"] = round((time.perf_counter() - start) * 1000, 1)

    dataset_file = Path(__file__).resolve().parents[1] / "src/stratstab/forces/data/us-2024.yaml"
    references = [
        "/dev/zero", "/dev/urandom", "/etc/passwd", "/proc/self/environ", "/etc/shadow",
        "/no/such.yaml", str(fifo), str(dataset_file), "../../../../etc/passwd",
        "src/stratstab/forces/data/us-2024.yaml", "us-2024.yaml", "./china-2024",
        "~/.bashrc", "file:///etc/passwd", "/proc/self/cmdline",
    ]  # fmt: skip
    details = {
        attacker.post("/api/v1/scenarios", json={"yaml": _scenario(r)}).json()["detail"]
        for r in references
    }
    figures["leak_references_tried"] = len(references)
    figures["leak_distinct_messages"] = len(details)

    too_big = attacker.post(
        "/api/v1/scenarios", json={"yaml": _scenario("us-2024", "big", 1_000_000)}
    )
    figures["upload_1mb_status"] = too_big.status_code
    stored = 0
    for n in range(20):
        text = _scenario("us-2024", f"padded {n}", 250_000)
        stored += attacker.post("/api/v1/scenarios", json={"yaml": text}).status_code == 201
    figures["uploads_250kb_stored"] = stored
    figures["get_scenarios_uploader_median_ms"] = round(
        _median_ms(lambda: attacker.get("/api/v1/scenarios")), 1
    )
    figures["get_assess_uploader_median_ms"] = round(_median_ms(lambda: attacker.get("/assess")), 1)
    figures["get_scenarios_other_median_ms"] = round(
        _median_ms(lambda: other.get("/api/v1/scenarios")), 1
    )

    statuses = [attacker.post("/api/v1/assessments", json={}).status_code for _ in range(10)]
    figures["quota_runs_queued"] = statuses.count(202)
    figures["quota_runs_refused_429"] = statuses.count(429)
    app.state.jobs.shutdown()

    if options.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:40s} {value}")


if __name__ == "__main__":
    main()
