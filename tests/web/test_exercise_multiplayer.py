"""Two delegations play each other: seats, sealed simultaneous moves, votes, control cell,
deadlines and persistence across a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from stratstab.accounts import service as accounts
from stratstab.web.exercises import runs

from .helpers import build_app, login

EXERCISE = "black-swan-dialogue-cancelled"
PASSWORD = "Kestrel-harbour-91-lantern"
PEOPLE = {
    "control": "facilitator",
    "us_head": "delegate",
    "us_aide": "delegate",
    "cn_a": "delegate",
    "cn_b": "delegate",
    "outsider": "observer",
}


@pytest.fixture()
def app(tmp_path):
    application = build_app(f"sqlite:///{tmp_path / 'web.sqlite'}")
    with application.state.session_factory() as db:
        for name, role in PEOPLE.items():
            accounts.create_user(
                db,
                username=name,
                password=PASSWORD,
                role=role,
                delegation_code=("US" if name.startswith("us") else "CN")
                if role == "delegate"
                else None,
            )
        db.commit()
    return application


def client(app, name: str) -> TestClient:
    return login(app, name, PASSWORD)


def start(app, **extra) -> dict:
    control = client(app, "control")
    body = {
        "exercise": EXERCISE,
        "seed": 4,
        "turns": 3,
        "seats": {
            "US": {"mode": "head", "head": "us_head", "delegates": ["us_aide"]},
            "CN": {"mode": "vote", "delegates": ["cn_a", "cn_b"]},
        },
        **extra,
    }
    answer = control.post("/api/v1/exercise-runs", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def move(c: TestClient, run_id: str, side: str, turn: int, action: str, **extra):
    body = {"side": side, "turn": turn, "action": action, "reason": "because", **extra}
    return c.post(f"/api/v1/exercise-runs/{run_id}/decisions", json=body)


def test_delegations_play_each_other_with_sealed_simultaneous_moves(app):
    run = start(app)
    rid = run["id"]
    assert run["status"] == "awaiting" and run["role"] == "control"
    assert {s["side"]: s["decided"] for s in run["sides"]} == {"US": False, "CN": False}
    us, aide, cn_a, cn_b = (client(app, n) for n in ("us_head", "us_aide", "cn_a", "cn_b"))

    seen = us.get(f"/api/v1/exercise-runs/{rid}").json()
    assert seen["my_side"] == "US" and seen["awaiting"]["side"] == "US" and seen["sides"] == []
    # Only the head decides in head mode; nobody decides for the other side.
    assert move(aide, rid, "US", 1, "propose-new-date").status_code == 403
    assert move(us, rid, "CN", 1, "propose-new-date").status_code == 403
    assert move(us, rid, "US", 1, "raise-strategic-alert").status_code == 200

    # Sealed: China's delegates see nothing of the US move; the control cell sees only "in".
    cn_view = cn_a.get(f"/api/v1/exercise-runs/{rid}")
    assert "raise-strategic-alert" not in cn_view.text.split('"menu"')[0]
    assert cn_view.json()["awaiting"]["opponent_moves"] == []
    control = client(app, "control").get(f"/api/v1/exercise-runs/{rid}").json()
    assert {s["side"]: s["decided"] for s in control["sides"]} == {"US": True, "CN": False}
    assert "raise-strategic-alert" not in str(control["sides"])
    assert us.get(f"/api/v1/exercise-runs/{rid}").json()["my_move_in"] is True

    # China votes: one vote does not play the turn, the second does (plurality, tie → lower rung).
    assert move(cn_a, rid, "CN", 1, "hold-and-signal-patience").status_code == 200
    assert cn_a.get(f"/api/v1/exercise-runs/{rid}").json()["turn"] == 1
    assert move(cn_a, rid, "CN", 1, "hold-and-signal-patience").status_code == 409  # voted
    assert move(cn_b, rid, "CN", 1, "raise-strategic-alert").status_code == 200
    after = cn_b.get(f"/api/v1/exercise-runs/{rid}").json()
    assert after["turn"] == 2 and after["awaiting"]["opponent_moves"] == ["raise-strategic-alert"]
    record = client(app, "control").get(f"/api/v1/exercise-runs/{rid}").json()
    assert record["summary"]["peak_score"] == {"US": 2, "CN": 1}  # CN's tie went to holding

    # Outsiders see nothing at all.
    assert client(app, "outsider").get(f"/api/v1/exercise-runs/{rid}").status_code == 404


def test_only_a_facilitator_sets_up_delegations(app):
    delegate = client(app, "us_head")
    answer = delegate.post(
        "/api/v1/exercise-runs",
        json={"exercise": EXERCISE, "seats": {"US": {"head": "us_head"}}},
    )
    assert answer.status_code == 403
    bad = client(app, "control").post(
        "/api/v1/exercise-runs",
        json={"exercise": EXERCISE, "seats": {"US": {"head": "nobody-here"}}},
    )
    assert bad.status_code == 400 and "nobody-here" in bad.text
    llm = client(app, "control").post(
        "/api/v1/exercise-runs", json={"exercise": EXERCISE, "players": {"CN": "llm"}}
    )
    assert llm.status_code == 400 and "language-model" in llm.text


def test_control_cell_injects_pauses_and_closes_a_turn(app):
    run = start(app, exercise="maritime-incident")  # a channel that stays up in turn 2
    rid = run["id"]
    control = client(app, "control")
    us, cn_a = client(app, "us_head"), client(app, "cn_a")
    assert (
        control.post(
            f"/api/v1/exercise-runs/{rid}/control",
            json={
                "kind": "inject",
                "text": "A ship is missing.",
                "text_zh": "一艘船失踪。",
                "to": "all",
            },
        ).status_code
        == 200
    )
    assert (
        "A ship is missing." in us.get(f"/api/v1/exercise-runs/{rid}").json()["awaiting"]["injects"]
    )
    assert (
        "一艘船失踪。" in cn_a.get(f"/api/v1/exercise-runs/{rid}").json()["awaiting"]["injects_zh"]
    )
    # Players cannot use the control cell.
    assert (
        us.post(f"/api/v1/exercise-runs/{rid}/control", json={"kind": "pause"}).status_code == 403
    )
    assert (
        control.post(f"/api/v1/exercise-runs/{rid}/control", json={"kind": "pause"}).status_code
        == 200
    )
    assert move(us, rid, "US", 1, "hold-and-consult").status_code == 409  # paused
    assert (
        control.post(f"/api/v1/exercise-runs/{rid}/control", json={"kind": "resume"}).status_code
        == 200
    )
    message = {"kind": "query", "text": "Please explain.", "lang": "en", "translation": "请解释。"}
    assert move(us, rid, "US", 1, "hold-and-consult", message=message).status_code == 200
    # China never moves: the control cell closes the turn and China holds.
    assert (
        control.post(f"/api/v1/exercise-runs/{rid}/control", json={"kind": "close"}).status_code
        == 200
    )
    state = cn_a.get(f"/api/v1/exercise-runs/{rid}").json()
    assert state["turn"] == 2
    inbox = state["awaiting"]["inbox"]
    assert inbox and inbox[0]["translation"] == "请解释。" and inbox[0]["kind"] == "query"
    # China does not acknowledge the query in turn 2: a missed deadline in the log.
    move(cn_a, rid, "CN", 2, "hold-and-consult", acknowledge=[])
    move(client(app, "cn_b"), rid, "CN", 2, "hold-and-consult", acknowledge=[])
    move(us, rid, "US", 2, "hold-and-consult")
    log = us.get(f"/api/v1/exercise-runs/{rid}").json()["awaiting"]["channel_log"]
    assert any(m["deadline_missed"] for m in log)
    played = control.get(f"/api/v1/exercise-runs/{rid}").json()
    assert played["turn"] == 3


def test_a_passed_deadline_closes_the_turn_without_waiting(app, monkeypatch):
    run = start(app, turn_minutes=15)
    rid = run["id"]
    assert run["deadline"] is not None
    later = runs.now() + timedelta(minutes=16)
    monkeypatch.setattr(runs, "now", lambda: later)
    state = client(app, "us_head").get(f"/api/v1/exercise-runs/{rid}").json()
    assert state["turn"] == 2  # both sides held at the deadline
    record = client(app, "control").get(f"/api/v1/exercise-runs/{rid}").json()
    assert record["summary"]["peak_score"] == {"US": 1, "CN": 1}


def test_runs_survive_a_restart(app, tmp_path):
    run = start(app)
    rid = run["id"]
    assert move(client(app, "us_head"), rid, "US", 1, "raise-strategic-alert").status_code == 200
    restarted = build_app(str(app.state.settings.database_url))
    seen = client(restarted, "control").get(f"/api/v1/exercise-runs/{rid}").json()
    assert {s["side"]: s["decided"] for s in seen["sides"]} == {"US": True, "CN": False}
    cn_a, cn_b = client(restarted, "cn_a"), client(restarted, "cn_b")
    move(cn_a, rid, "CN", 1, "propose-new-date")
    move(cn_b, rid, "CN", 1, "propose-new-date")
    assert cn_a.get(f"/api/v1/exercise-runs/{rid}").json()["turn"] == 2


def test_the_control_cell_sees_no_side_s_situation_or_choice(app):
    run = start(app)
    assert run["awaiting"] is None and run["awaiting_side"] is None and run["my_side"] is None
    assert move(client(app, "control"), run["id"], "US", 1, "propose-new-date").status_code == 403


def test_the_demo_seeds_a_run_the_two_delegations_can_start(demo_app):
    control = login(demo_app, "facilitator")
    runs_listed = control.get("/api/v1/exercise-runs").json()
    demo = next(r for r in runs_listed if r["id"] == "demo-maritime-incident")
    assert demo["status"] == "awaiting" and demo["turn"] == 1 and demo["role"] == "control"
    us1 = login(demo_app, "us1").get("/api/v1/exercise-runs/demo-maritime-incident").json()
    assert us1["my_side"] == "US" and us1["awaiting"]["side"] == "US"
    cn2 = login(demo_app, "cn2").get("/api/v1/exercise-runs/demo-maritime-incident").json()
    assert cn2["my_side"] == "CN"


def test_the_operator_s_language_model_plays_a_side_and_is_asked_once_per_turn(tmp_path):
    from stratstab.web.app import create_app
    from stratstab.web.settings import Settings

    from ..exercises.test_llm import FakeServer
    from .helpers import SECRET

    with FakeServer("ok") as fake:
        url = f"sqlite:///{tmp_path / 'llm.sqlite'}"
        settings = Settings(database_url=url, secret_key=SECRET, exercise_llm_url=fake.url)
        application = create_app(settings)
        with application.state.session_factory() as db:
            accounts.create_user(db, username="control", password=PASSWORD, role="facilitator")
            db.commit()
        control = client(application, "control")
        answer = control.post(
            "/api/v1/exercise-runs",
            json={"exercise": EXERCISE, "players": {"US": "human", "CN": "llm"}, "turns": 2},
        )
        assert answer.status_code == 201, answer.text
        run = answer.json()
        assert run["awaiting"]["side"] == "US"
        asked = len(fake.requests)
        assert asked == 1  # the model answered turn 1 as soon as the turn began
        assert move(control, run["id"], "US", 1, "propose-new-date").status_code == 200
        assert len(fake.requests) == asked + 1  # turn 2, once; turn 1 came from the database
        restarted = create_app(settings)
        again = client(restarted, "control").get(f"/api/v1/exercise-runs/{run['id']}").json()
        assert again["turn"] == 2 and len(fake.requests) == asked + 1


def test_the_cli_writes_the_report_of_a_stored_run(app, tmp_path):
    from typer.testing import CliRunner

    from stratstab.cli.exercise import app as cli

    run = start(app, turns=1)
    rid = run["id"]
    url = str(app.state.settings.database_url)
    runner = CliRunner()
    early = runner.invoke(cli, ["report", rid, "--database-url", url, "--out", str(tmp_path)])
    assert early.exit_code == 2  # not finished yet (the message goes to the console on stderr)
    assert move(client(app, "control"), rid, "US", 1, "x").status_code == 403
    client(app, "control").post(f"/api/v1/exercise-runs/{rid}/control", json={"kind": "close"})
    done = runner.invoke(
        cli,
        ["report", rid, "--database-url", url, "--out", str(tmp_path), "--lang", "zh", "--no-pdf"],
    )
    assert done.exit_code == 0, done.output
    assert "演习复盘报告" in (tmp_path / "report.html").read_text(encoding="utf-8")
    missing = runner.invoke(cli, ["report", "nope", "--database-url", url])
    assert missing.exit_code == 2
