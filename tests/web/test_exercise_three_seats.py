"""Three delegations (United States, China, Russia) play one exercise run in the web:
three seats, moves sealed until all three are in, every pair adjudicated."""

from __future__ import annotations

import pytest

from stratstab.accounts import service as accounts

from .helpers import build_app, login

EXERCISE = "pacific-incident-russian-alert"
PASSWORD = "Kestrel-harbour-91-lantern"
PEOPLE = {"control": None, "us_head": "US", "cn_head": "CN", "ru_head": "RU"}


@pytest.fixture()
def app(tmp_path):
    application = build_app(f"sqlite:///{tmp_path / 'web.sqlite'}")
    with application.state.session_factory() as db:
        for name, code in PEOPLE.items():
            accounts.create_user(
                db,
                username=name,
                password=PASSWORD,
                role="delegate" if code else "facilitator",
                delegation_code=code,
            )
        db.commit()
    return application


def move(c, run_id: str, side: str, turn: int, action: str):
    body = {"side": side, "turn": turn, "action": action, "reason": "because"}
    return c.post(f"/api/v1/exercise-runs/{run_id}/decisions", json=body)


def test_three_delegations_play_one_run_with_sealed_moves(app):
    control = login(app, "control", PASSWORD)
    body = {
        "exercise": EXERCISE,
        "seed": 2,
        "turns": 2,
        "seats": {
            side: {"mode": "head", "head": f"{side.lower()}_head"} for side in ("US", "CN", "RU")
        },
    }
    answer = control.post("/api/v1/exercise-runs", json=body)
    assert answer.status_code == 201, answer.text
    rid = answer.json()["id"]
    assert {s["side"]: s["decided"] for s in answer.json()["sides"]} == {
        "US": False,
        "CN": False,
        "RU": False,
    }
    us, cn, ru = (login(app, f"{s}_head", PASSWORD) for s in ("us", "cn", "ru"))

    # Each side has its own menu: Russia cannot offer the US–China search and rescue, and
    # nobody is offered a move aimed at itself.
    ru_menu = {m["id"] for m in ru.get(f"/api/v1/exercise-runs/{rid}").json()["awaiting"]["menu"]}
    us_menu = {m["id"] for m in us.get(f"/api/v1/exercise-runs/{rid}").json()["awaiting"]["menu"]}
    assert "joint-search-and-rescue" not in ru_menu and "notify-exercise" in ru_menu
    assert "launch-on-warning-readiness" not in us_menu and "asw-sweep-russia" in us_menu
    assert move(us, rid, "US", 1, "launch-on-warning-readiness").status_code == 400

    assert move(us, rid, "US", 1, "asw-sweep-russia").status_code == 200
    page = ru.get(f"/exercises/runs/{rid}")
    assert page.status_code == 200 and 'data-testid="message-to"' in page.text
    assert '<option value="US">' in page.text and '<option value="RU">' not in page.text
    to_self = {"kind": "notification", "text": "exercise ends Friday", "to": "RU"}
    bad = ru.post(
        f"/api/v1/exercise-runs/{rid}/decisions",
        json={
            "side": "RU",
            "turn": 1,
            "action": "notify-exercise",
            "reason": "r",
            "message": to_self,
        },
    )
    assert bad.status_code == 400
    note = {"kind": "notification", "text": "exercise ends Friday", "to": "CN"}
    answer = ru.post(
        f"/api/v1/exercise-runs/{rid}/decisions",
        json={
            "side": "RU",
            "turn": 1,
            "action": "launch-on-warning-readiness",
            "reason": "because",
            "message": note,
        },
    )
    assert answer.status_code == 200, answer.text
    # Two of three moves in: the turn waits, and China sees neither.
    cn_view = cn.get(f"/api/v1/exercise-runs/{rid}")
    assert cn_view.json()["turn"] == 1
    head = cn_view.text.split('"menu"')[0]
    assert "asw-sweep-russia" not in head and "launch-on-warning-readiness" not in head
    seen = login(app, "control", PASSWORD).get(f"/api/v1/exercise-runs/{rid}").json()
    assert {s["side"]: s["decided"] for s in seen["sides"]} == {"US": True, "CN": False, "RU": True}
    assert "asw-sweep-russia" not in str(seen["sides"])

    assert move(cn, rid, "CN", 1, "hold-and-consult").status_code == 200
    after = ru.get(f"/api/v1/exercise-runs/{rid}").json()
    assert after["turn"] == 2
    # Russia answers the side that moved against it: the US sweep of its bastion.
    assert after["awaiting"]["opponent"] == "US"
    assert after["awaiting"]["opponent_moves"] == ["asw-sweep-russia"]

    # Russia's note went to China, the side it named, and to nobody else.
    cn_inbox = cn.get(f"/api/v1/exercise-runs/{rid}").json()["awaiting"]["inbox"]
    us_inbox = us.get(f"/api/v1/exercise-runs/{rid}").json()["awaiting"]["inbox"]
    assert [m["text"] for m in cn_inbox] == ["exercise ends Friday"]
    assert "exercise ends Friday" not in str(us_inbox)
    for c, side, action in ((us, "US", "hold-and-consult"), (cn, "CN", "hold-and-consult")):
        assert move(c, rid, side, 2, action).status_code == 200
    assert move(ru, rid, "RU", 2, "notify-exercise").status_code == 200
    report = control.get(f"/api/v1/exercise-runs/{rid}/report")
    assert report.status_code == 200, report.text
    record = report.json()
    assert list(record["actors"]) == ["US", "CN", "RU"]
    first = record["turns"][0]
    assert set(first["measures"]["pair_indices"]) == {"US-CN", "US-RU", "CN-RU"}
    assert first["decisions"]["US"]["action"] == "asw-sweep-russia"
    # The sweep lowered only Russia's submarine survivability.
    assert (
        "Russia's share of missile submarines at sea" in first["decisions"]["US"]["outcome"]["en"]
    )
    assert "俄罗斯的战略核潜艇在航比例" in first["decisions"]["US"]["outcome"]["zh"]
    html = control.get(f"/exercises/runs/{rid}/report")
    assert html.status_code == 200 and "Russia" in html.text
