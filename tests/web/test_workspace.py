"""Uploads and jobs live in the database: restart, interruption, quotas, budgets."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

import stratstab.forces
from stratstab.accounts import service as accounts

from .helpers import build_app, login

US_DATASET = (Path(stratstab.forces.__file__).parent / "data" / "us-2024.yaml").read_text(
    encoding="utf-8"
)
PASSWORD = "quiet-harbour-lantern-57"
MY_DATASET = US_DATASET.replace("id: us-2024", "id: my-us", 1)
SCENARIO = "name: Mine\nforces:\n  US: {dataset: my-us}\n  CN: {dataset: china-2024}\n"


def never_returns() -> None:
    """A job that would hold its worker forever (a FIFO read, an endless loop)."""
    threading.Event().wait()


def allocates_gibibytes(gib: int) -> int:
    """A job that asks for far more memory than its budget."""
    return len(bytearray(gib * 1024**3))


def _wait_state(client, job_id: str, states: set[str]) -> dict:
    """Poll until the job reaches one of ``states`` (no time assertion: the states are final)."""
    while True:
        answer = client.get(f"/api/v1/jobs/{job_id}").json()
        if answer["state"] in states:
            return answer


def _user(app, name: str, locale: str = "en"):
    with app.state.session_factory() as db:
        user = accounts.create_user(db, username=name, password=PASSWORD, role="observer")
        user.locale = locale
        db.commit()
    return login(app, name, PASSWORD)


@pytest.fixture()
def database(tmp_path):
    return f"sqlite:///{tmp_path / 'workspace.sqlite'}"


def test_uploads_and_jobs_survive_a_restart(database):
    first = build_app(database)
    ann = _user(first, "ann")
    assert ann.post("/api/v1/datasets", json={"yaml": MY_DATASET}).status_code == 201
    made = ann.post("/api/v1/scenarios", json={"yaml": SCENARIO})
    assert made.status_code == 201, made.text
    scenario_id = made.json()["id"]
    job = ann.post("/api/v1/assessments", json={"scenario": scenario_id}).json()
    done = _wait_state(ann, job["id"], {"done", "failed"})
    assert done["state"] == "done", done
    first.state.jobs.shutdown()

    second = build_app(database)  # the workbench restarted on the same database
    ann = login(second, "ann", PASSWORD)
    assert [d["id"] for d in ann.get("/api/v1/datasets").json()] == ["my-us"]
    listed = {s["id"]: s for s in ann.get("/api/v1/scenarios").json()}
    assert listed[scenario_id]["name"] == "Mine" and listed[scenario_id]["origin"] == "uploaded"
    assert ann.get(f"/api/v1/scenarios/{scenario_id}").json()["sides"] == ["US", "CN"]
    kept = ann.get(f"/api/v1/jobs/{job['id']}").json()
    assert kept["state"] == "done"
    assert kept["result"]["crisis_stability_index"] == done["result"]["crisis_stability_index"]
    page = ann.get("/assess", params={"scenario": scenario_id}).text
    assert "Mine" in page and "<code>my-us</code>" in page
    second.state.jobs.shutdown()


def test_a_job_cut_by_a_restart_is_marked_interrupted(database):
    first = build_app(database)
    ann = _user(first, "ann")
    user_id = ann.get("/api/v1/auth/me").json()["id"]
    job = first.state.jobs.submit(owner_id=user_id, kind="test", request={}, task=never_returns)
    _wait_state(ann, job.id, {"running"})
    second = build_app(database)  # restart while the job runs
    assert second.state.jobs.interrupted_at_start == 1
    first.state.jobs.shutdown()
    state = login(second, "ann", PASSWORD).get(f"/api/v1/jobs/{job.id}").json()
    assert state["state"] == "interrupted"
    assert "start it again" in state["error"]
    page = login(second, "ann", PASSWORD).get(f"/assess/jobs/{job.id}")
    assert page.status_code == 200 and "restarted" in page.text


def test_time_and_memory_budgets_stop_a_job_and_the_next_still_runs(database):
    app = build_app(database)
    app.state.jobs.limits = replace(
        app.state.jobs.limits, job_time_budget_s=2.0, job_memory_budget_mib=1024
    )
    ann = _user(app, "ann")
    user_id = ann.get("/api/v1/auth/me").json()["id"]
    jobs = app.state.jobs
    stuck = jobs.submit(owner_id=user_id, kind="test", request={}, task=never_returns)
    stopped = _wait_state(ann, stuck.id, {"failed", "done"})
    assert stopped["state"] == "failed" and "2 s budget" in stopped["error"]
    # A generous time budget from here on, so a slow worker start is never the cause.
    jobs.limits = replace(jobs.limits, job_time_budget_s=600.0)
    greedy = jobs.submit(
        owner_id=user_id, kind="test", request={}, task=allocates_gibibytes, args=(16,)
    )
    refused = _wait_state(ann, greedy.id, {"failed", "done"})
    assert refused["state"] == "failed" and "1024 MiB memory budget" in refused["error"]
    after = ann.post("/api/v1/assessments", json={})
    assert _wait_state(ann, after.json()["id"], {"done", "failed"})["state"] == "done"
    jobs.shutdown()


def test_quotas_and_size_caps_answer_429_and_413_in_both_languages(database):
    app = build_app(database)
    limits = replace(app.state.uploads.limits, scenarios_per_user=2, active_jobs_per_user=1)
    app.state.uploads.limits = app.state.jobs.limits = limits
    wang = _user(app, "wang", locale="zh")
    for n in range(2):
        made = wang.post(
            "/api/v1/scenarios",
            json={"yaml": SCENARIO.replace("my-us", "us-2024").replace("Mine", f"Mine {n}")},
        )
        assert made.status_code == 201, made.text
    again = wang.post(
        "/api/v1/scenarios",
        json={"yaml": SCENARIO.replace("Mine", "Mine 0").replace("my-us", "us-2024")},
    )
    assert again.status_code == 201  # the same scenario again takes no new place
    over = wang.post("/api/v1/scenarios", json={"yaml": SCENARIO.replace("my-us", "us-2024")})
    assert over.status_code == 429
    body = over.json()
    assert body["code"] == "limits.scenarios_quota"
    assert "2" in body["messages"]["en"] and "情景" in body["messages"]["zh"]
    assert body["detail"] == body["messages"]["zh"]  # the user reads Chinese
    huge = wang.post("/api/v1/scenarios", json={"yaml": "name: x\n" + "#" * 300_000})
    assert huge.status_code == 413 and "KiB" in huge.json()["messages"]["en"]
    first = wang.get("/api/v1/scenarios").json()[-1]["id"]
    assert wang.delete(f"/api/v1/scenarios/{first}").status_code == 204
    assert (
        wang.post(
            "/api/v1/scenarios", json={"yaml": SCENARIO.replace("my-us", "us-2024")}
        ).status_code
        == 201
    )
    user_id = wang.get("/api/v1/auth/me").json()["id"]
    app.state.jobs.submit(owner_id=user_id, kind="test", request={}, task=never_returns)
    busy = wang.post("/api/v1/assessments", json={})
    assert busy.status_code == 429 and busy.json()["code"] == "limits.jobs_quota"
    app.state.jobs.shutdown()


def test_uploaded_datasets_are_private_and_checked(database):
    app = build_app(database)
    ann, eve = _user(app, "ann"), _user(app, "eve")
    assert ann.post("/api/v1/datasets", json={"yaml": MY_DATASET}).status_code == 201
    assert ann.post("/api/v1/datasets", json={"yaml": MY_DATASET}).status_code == 200  # replaced
    assert ann.post("/api/v1/scenarios", json={"yaml": SCENARIO}).status_code == 201
    refused = eve.post("/api/v1/scenarios", json={"yaml": SCENARIO})
    assert refused.status_code == 400 and "unknown dataset" in refused.json()["detail"]
    builtin = ann.post("/api/v1/datasets", json={"yaml": US_DATASET})
    assert builtin.status_code == 400 and "built-in" in builtin.json()["detail"]
    broken = ann.post(
        "/api/v1/datasets", json={"yaml": MY_DATASET.replace("kind: posture", "kind: x")}
    )
    assert broken.status_code == 400 and "kind" in broken.json()["detail"]
    assert eve.delete("/api/v1/datasets/my-us").status_code == 404
    assert ann.delete("/api/v1/datasets/my-us").status_code == 204


def test_three_sided_uploads_are_stored_and_only_the_map_refuses_them(database):
    app = build_app(database)
    wang = _user(app, "wang", locale="zh")
    three = SCENARIO.replace("my-us", "us-2024") + "  RU: {dataset: russia-2024}\n"
    made = wang.post("/api/v1/scenarios", json={"yaml": three})
    assert made.status_code == 201, made.text
    assert made.json()["sides"] == ["US", "CN", "RU"]
    listed = {s["id"] for s in wang.get("/api/v1/scenarios").json()}
    assert {"us-china-russia-2024", made.json()["id"]} <= listed
    restarted = build_app(database)
    after = login(restarted, "wang", PASSWORD).get("/api/v1/scenarios").json()
    assert made.json()["id"] in {s["id"] for s in after}  # stored, not held in memory
    again = _user(restarted, "ann")
    assert made.json()["id"] not in {s["id"] for s in again.get("/api/v1/scenarios").json()}
    body = {
        "scenario": "us-china-russia-2024",
        "x": "US.interceptors=0:100:2",
        "y": "RU.arsenal_scale=0.5:1:2",
    }
    refused = wang.post("/api/v1/assess/map", json=body)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "trilateral.map_two_sided_only"
    assert "3 方" in refused.json()["detail"]
    in_english = again.post("/api/v1/assess/map", json=body).json()["detail"]
    assert "3 sides" in in_english
