"""Crisis exercises through the web: start, human turns, replay equivalence, reports."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from stratstab.accounts import service as accounts
from stratstab.exercises import ExerciseModel, build_players, load_exercise
from stratstab.exercises.actors.base import Decision, Observation, OutgoingMessage

from .helpers import build_app, login

EXERCISE = "maritime-incident"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = build_app(f"sqlite:///{tmp_path_factory.mktemp('ex') / 'web.sqlite'}")
    with application.state.session_factory() as db:
        for name in ("ann", "bob"):
            accounts.create_user(
                db, username=name, password="quay-lantern-orchard-47", role="observer"
            )
        db.commit()
    return application


@pytest.fixture(scope="module")
def ann(app) -> TestClient:
    return login(app, "ann", "quay-lantern-orchard-47")


def _start(client, **body):
    answer = client.post("/api/v1/exercise-runs", json={"exercise": EXERCISE, **body})
    assert answer.status_code == 201, answer.text
    return answer.json()


def _decide(client, run, **extra):
    waiting = run["awaiting"]
    body = {
        "side": waiting["side"],
        "turn": waiting["turn"],
        "action": waiting["menu"][0]["id"],
        "reason": "hold the line",
        **extra,
    }
    return client.post(f"/api/v1/exercise-runs/{run['id']}/decisions", json=body)


def test_list_and_detail_are_public(app):
    anonymous = TestClient(app)
    listed = anonymous.get("/api/v1/exercises").json()
    assert len(listed) >= 4 and EXERCISE in {e["id"] for e in listed}
    detail = anonymous.get(f"/api/v1/exercises/{EXERCISE}").json()
    assert set(detail["actors"]) == {"US", "CN"} and detail["actions"]
    assert {a["score"] for a in detail["actions"]} <= set(range(6))
    assert anonymous.get("/api/v1/exercises/no-such-exercise").status_code == 404
    assert anonymous.post("/api/v1/exercise-runs", json={"exercise": EXERCISE}).status_code in (
        401,
        403,
    )


def test_doctrine_run_matches_the_library_run(ann):
    run = _start(ann, players={"US": "cautious", "CN": "hawkish"}, seed=11)
    assert run["status"] == "finished" and run["awaiting"] is None
    record = ann.get(f"/api/v1/exercise-runs/{run['id']}/report").json()
    loaded = load_exercise(EXERCISE)
    players = build_players({"US": "cautious", "CN": "hawkish"}, seed=11)
    expected = ExerciseModel(loaded, players, seed=11).run().to_dict()
    record.pop("report_url")
    assert record == expected


class Scripted:
    """Plays fixed decisions, as the web human did, for a straight library run."""

    name = "human (ann)"  # the display name defaults to the user name

    def __init__(self, decisions: list[Decision]):
        self.decisions = list(decisions)

    def decide(self, observation: Observation) -> Decision:
        return self.decisions[observation.turn - 1]


def test_human_turns_replay_to_the_same_record_as_a_straight_run(ann):
    run = _start(ann, players={"US": "human", "CN": "tit-for-tat"}, seed=5, turns=3)
    assert run["status"] == "awaiting" and run["awaiting_side"] == "US" and run["turn"] == 1
    scripted = []
    for turn in (1, 2, 3):
        waiting = run["awaiting"]
        choice = waiting["menu"][turn % len(waiting["menu"])]["id"]
        message = {"kind": "query", "text": f"Intent of turn {turn}?"}
        answer = _decide(ann, run, action=choice, reason=f"reason {turn}", message=message)
        assert answer.status_code == 200, answer.text
        scripted.append(
            Decision(
                action=choice,
                reason=f"reason {turn}",
                messages=(OutgoingMessage(kind="query", text=f"Intent of turn {turn}?"),),
                acknowledge=tuple(m["seq"] for m in waiting["inbox"]),
            )
        )
        run = answer.json()
    assert run["status"] == "finished" and run["report_url"]
    record = ann.get(f"/api/v1/exercise-runs/{run['id']}/report").json()
    players = build_players({"US": "tit-for-tat", "CN": "tit-for-tat"}, seed=5)
    players["US"] = Scripted(scripted)
    expected = ExerciseModel(load_exercise(EXERCISE), players, seed=5, turns=3).run().to_dict()
    record.pop("report_url")
    assert record == expected
    assert [t["decisions"]["US"]["reason"] for t in record["turns"]] == [
        "reason 1",
        "reason 2",
        "reason 3",
    ]


def test_state_survives_reloads_and_refuses_stale_or_bad_decisions(ann):
    run = _start(ann, players={"US": "human"}, seed=2, turns=4)
    assert _decide(ann, run).status_code == 200
    again = ann.get(f"/api/v1/exercise-runs/{run['id']}").json()
    assert again["turn"] == 2 and again["status"] == "awaiting"
    assert ann.get(f"/api/v1/exercise-runs/{run['id']}").json() == again
    stale = _decide(ann, run)  # turn 1 again, as a double submit would send
    assert stale.status_code == 409
    bad_action = _decide(ann, again, action="launch-everything")
    assert bad_action.status_code == 400 and bad_action.json()["field"] == "action"
    bad_ack = _decide(ann, again, acknowledge=[999])
    assert bad_ack.status_code == 400 and bad_ack.json()["field"] == "acknowledge"
    bad_reply = _decide(
        ann, again, message={"kind": "clarification", "text": "x", "in_reply_to": 0}
    )
    assert bad_reply.status_code == 400 and bad_reply.json()["field"] == "message.in_reply_to"
    no_reason = _decide(ann, again, reason="")
    assert no_reason.status_code == 422
    assert ann.get(f"/api/v1/exercise-runs/{run['id']}").json()["turn"] == 2
    assert ann.get(f"/api/v1/exercise-runs/{run['id']}/report").status_code == 409


def test_runs_are_private_to_their_owner(app, ann):
    run = _start(ann, players={"US": "human"}, turns=2)
    bob = login(app, "bob", "quay-lantern-orchard-47")
    assert bob.get(f"/api/v1/exercise-runs/{run['id']}").status_code == 404
    assert _decide(bob, run).status_code == 404
    assert bob.get(f"/exercises/runs/{run['id']}").status_code == 404
    assert run["id"] not in {r["id"] for r in bob.get("/api/v1/exercise-runs").json()}
    assert run["id"] in {r["id"] for r in ann.get("/api/v1/exercise-runs").json()}


def test_two_humans_take_turns_on_one_screen(ann):
    run = _start(ann, players={"US": "human", "CN": "human"}, turns=1)
    assert run["awaiting_side"] == "US"
    run = _decide(ann, run).json()
    assert run["awaiting_side"] == "CN" and run["turn"] == 1
    run = _decide(ann, run).json()
    assert run["status"] == "finished"


def test_bad_start_requests(ann):
    unknown_side = ann.post(
        "/api/v1/exercise-runs", json={"exercise": EXERCISE, "players": {"RU": "human"}}
    )
    assert unknown_side.status_code == 400 and unknown_side.json()["field"] == "players"
    llm = ann.post(
        "/api/v1/exercise-runs",
        json={"exercise": EXERCISE, "players": {"US": "llm:http://127.0.0.1:9"}},
    )
    assert llm.status_code == 422  # the web offers doctrines and humans only
    assert ann.post("/api/v1/exercise-runs", json={"exercise": "nope"}).status_code == 404


def test_play_through_the_pages_with_escaped_text(app):
    client = login(app, "ann", "quay-lantern-orchard-47")
    start = client.post(
        f"/exercises/{EXERCISE}/runs",
        data={"player.US": "human", "player.CN": "cautious", "seed": "1", "turns": "2"},
        follow_redirects=False,
    )
    assert start.status_code == 303
    location = start.headers["location"]
    page = client.get(location).text
    assert 'data-testid="decision-form"' in page and "Turn 1 of 2" in page
    action = re.search(r'name="action" value="([^"]+)"', page).group(1)
    form = {
        "side": "US",
        "turn": "1",
        "action": action,
        "reason": "<script>alert(1)</script>",
        "message_kind": "notification",
        "message_text": "<img src=x onerror=alert(2)>",
    }
    moved = client.post(f"{location}/decision", data=form, follow_redirects=False)
    assert moved.status_code == 303
    page = client.get(location).text
    assert "Turn 2 of 2" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    form.update(turn="2", reason="done")
    assert client.post(f"{location}/decision", data=form).status_code == 200
    finished = client.get(location).text
    assert 'data-testid="open-report"' in finished
    report = client.get(f"{location}/report").text
    assert "After-action report" in report and "<script>alert(1)</script>" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
