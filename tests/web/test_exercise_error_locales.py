"""Every error a person can cause on the exercise pages and API reaches a Chinese reader
in Chinese: caused for real through the API (and a page form) by users whose language
is Chinese, and checked for the absence of any English sentence; and every error the
exercise web service raises names a locale key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stratstab.accounts import service as accounts

from .helpers import build_app, login
from .test_error_locales import ENGLISH, _raises_without_key

SRC = Path(__file__).resolve().parents[2] / "src" / "stratstab"
PASSWORD = "Kestrel-harbour-91-lantern"
EXERCISE = "maritime-incident"  # two sides, US and CN
PEOPLE = {
    "control": ("facilitator", None),
    "us_head": ("delegate", "US"),
    "us_aide": ("delegate", "US"),
    "cn_a": ("delegate", "CN"),
    "member": ("member", None),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exerr")
    app = build_app(f"sqlite:///{folder / 'web.sqlite'}")
    with app.state.session_factory() as db:
        for name, (role, delegation) in PEOPLE.items():
            accounts.create_user(db, username=name, password=PASSWORD, role=role,
                                 delegation_code=delegation, locale="zh")  # fmt: skip
        db.commit()
    clients = {name: login(app, name, PASSWORD) for name in PEOPLE}
    seats = {
        "US": {"mode": "head", "head": "us_head", "delegates": ["us_aide"]},
        "CN": {"mode": "head", "head": "cn_a"},
    }
    body = {"exercise": EXERCISE, "seed": 4, "turns": 2, "seats": seats}
    started = clients["control"].post("/api/v1/exercise-runs", json=body)
    assert started.status_code == 201, started.text
    return app, clients, started.json()["id"]


def _chinese_without_english(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and not ENGLISH.search(text)


def _check(answer, status: int, problems: list[str]) -> None:
    detail = (
        answer.json().get("detail", "")
        if answer.headers["content-type"].startswith("application/json")
        else answer.text
    )
    where = f"{answer.request.method} {answer.request.url.path}"
    if answer.status_code != status:
        problems.append(f"{where}: expected {status}, got {answer.status_code} {detail!r}")
    elif not _chinese_without_english(str(detail)):
        problems.append(f"{where}: {answer.status_code} {detail!r}")


def test_exercise_errors_reach_a_chinese_reader_in_chinese(world):
    app, c, rid = world
    runs = "/api/v1/exercise-runs"
    seats_us = {"mode": "head", "head": "us_head"}

    def start(who: str, **body):
        return c[who].post(runs, json={"exercise": EXERCISE, "seed": 1, "turns": 2, **body})

    def decide(who: str, side: str, turn: int = 1, action: str = "hold-and-consult", **extra):
        body = {"side": side, "turn": turn, "action": action, "reason": "r", **extra}
        return c[who].post(f"{runs}/{rid}/decisions", json=body)

    def control(who: str, **body):
        return c[who].post(f"{runs}/{rid}/control", json=body)

    cases = [
        (c["member"].get("/api/v1/exercises/x9"), 404),
        (start("member", exercise="x9"), 404),
        (start("member", players={"RU": "cautious"}), 400),  # unknown side
        (start("member", seats={"US": seats_us}), 403),  # seats need a facilitator
        (start("control", players={"US": "llm"}), 400),  # no model configured
        (start("control", seats={"US": {"mode": "head"}}), 400),  # nobody named
        (start("control", seats={"US": {"mode": "head", "head": "nobody"}}), 400),
        (
            start("control", seats={"US": seats_us, "CN": {"mode": "head", "head": "us_head"}}),
            400,
        ),  # one person, two seats
        (c["member"].get(f"{runs}/r0"), 404),
        (c["member"].get(f"{runs}/{rid}"), 404),  # not a run of theirs
        (decide("cn_a", "US"), 403),  # not their side
        (decide("us_aide", "US"), 403),  # the head decides
        (decide("us_head", "US", turn=2), 409),  # not the turn awaited
        (decide("us_head", "US", action="nuke"), 400),  # not on the menu
        (decide("us_head", "US", acknowledge=[99]), 400),
        (decide("us_head", "US", message={"kind": "query", "text": "t", "to": "RU"}), 400),
        (decide("us_head", "US", message={"kind": "query", "text": "t", "in_reply_to": 9}), 400),
        (control("us_head", kind="pause"), 403),  # players are not the control cell
        (control("control", kind="inject", text=" "), 400),
        (control("control", kind="inject", text="x", to="RU"), 400),
        (control("control", kind="resume"), 409),  # not paused
        (control("control", kind="extend", minutes=5), 400),  # no deadline to extend
        (c["control"].get(f"{runs}/{rid}/report"), 409),  # not finished
    ]
    assert control("control", kind="pause").status_code == 200
    cases += [
        (control("control", kind="pause"), 409),  # already paused
        (decide("us_head", "US"), 409),  # paused
    ]
    assert control("control", kind="resume").status_code == 200
    problems: list[str] = []
    for answer, status in cases:
        _check(answer, status, problems)
    assert not problems, "\n".join(problems)
    # A page form: closing the turn without ticking the confirmation box.
    page = c["control"].post(f"/exercises/runs/{rid}/control", data={"kind": "close"})
    assert page.status_code == 400
    message = re.search(r'role="alert"[^>]*>([^<]+)<', page.text) or re.search(
        r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', page.text
    )
    assert message and _chinese_without_english(message.group(1)), page.text[-1500:]


def test_every_error_of_the_exercise_web_service_names_a_locale_key():
    unkeyed = [
        line
        for path in sorted((SRC / "web" / "exercises").glob("*.py"))
        for line in _raises_without_key(path)
    ]
    assert not unkeyed, unkeyed
