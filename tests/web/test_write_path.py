"""The dialogue write path under concurrency and retries.

- 100 clients submit statements and vote at the same moment against a real uvicorn
  server: every accepted submission is stored, once, with its own id (SQLite and
  PostgreSQL).
- Idempotency keys: the same key twice stores one record and answers the same; the
  same key with other content is refused; keys are per user.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, insert, select

from stratstab.accounts.models import User
from stratstab.accounts.passwords import hash_password
from stratstab.dialogue.membership import DialogueMember
from stratstab.dialogue.models import Dialogue, IdempotentRequest

from .helpers import build_app, login
from .server import running

CLIENTS = 100
VOTE_STATEMENTS = 5
PASSWORD = "write-path-test-password"
SLUG = "writes"


def _prepare(app, clients: int) -> list[str]:
    """A dialogue with accepted statements to vote on and ``clients`` delegate accounts."""
    store = app.state.store
    store.create_dialogue(slug=SLUG, title="Write path", track="II", parties=["CN", "US", "RU"])
    ids = [
        store.add_statement(SLUG, text_en=f"Seed {n}", moderation="accepted").external_id
        for n in range(VOTE_STATEMENTS)
    ]
    shared_hash = hash_password(PASSWORD)  # one hash for all: argon2 is slow on purpose
    rows = [
        {
            "username": f"delegate{i:03d}",
            "display_name": f"delegate {i}",
            "password_hash": shared_hash,
            "role": "delegate",
            "delegation_code": ("CN", "US", "RU")[i % 3],
            "locale": "en",
            "is_active": True,
        }
        for i in range(clients)
    ]
    with app.state.session_factory() as db:
        db.execute(insert(User), rows)
        dialogue_id = db.scalar(select(Dialogue.id).where(Dialogue.slug == SLUG))
        members = [
            {"dialogue_id": dialogue_id, "user_id": user_id, "role": "delegate", "party": code}
            for user_id, code in db.execute(select(User.id, User.delegation_code)).all()
        ]
        db.execute(insert(DialogueMember), members)
        db.commit()
    return ids


def _client_session(base_url: str, index: int) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=base_url, timeout=120.0)
    anonymous = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = client.post(
        "/api/v1/auth/login",
        headers={"X-CSRF-Token": anonymous},
        json={"username": f"delegate{index:03d}", "password": PASSWORD},
    )
    answer.raise_for_status()
    return client, {"X-CSRF-Token": answer.json()["csrf_token"]}


def _storm(base_url: str, statement_ids: list[str]) -> list[tuple[int, int, str]]:
    """Every client logs in, waits for all others, then posts a statement and its votes."""
    start = threading.Barrier(CLIENTS)

    def one(index: int) -> list[tuple[int, int, str]]:
        client, headers = _client_session(base_url, index)
        answers = []
        try:
            start.wait()  # all clients write at the same moment
            made = client.post(
                f"/api/v1/dialogues/{SLUG}/statements",
                headers=headers,
                json={"text_en": f"Statement of delegate {index}"},
            )
            answers.append((index, made.status_code, made.text))
            for number, statement in enumerate(statement_ids):
                vote = client.post(
                    f"/api/v1/dialogues/{SLUG}/votes",
                    headers=headers,
                    json={"statement": statement, "value": (index + number) % 3 - 1},
                )
                answers.append((index, vote.status_code, vote.text))
        finally:
            client.close()
        return answers

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return [answer for batch in pool.map(one, range(CLIENTS)) for answer in batch]


@pytest.mark.slow
def test_100_clients_write_at_once_nothing_lost_or_doubled(database_url):
    app = build_app(database_url)
    statement_ids = _prepare(app, CLIENTS)
    with running(app) as base_url:
        answers = _storm(base_url, statement_ids)
    refused = [(i, code, text[:200]) for i, code, text in answers if code != 201]
    assert refused == []
    store = app.state.store
    stored = store.statements(SLUG)
    mine = [s for s in stored if s.text_en.startswith("Statement of delegate")]
    assert len(mine) == CLIENTS  # every submission stored ...
    assert len({s.external_id for s in stored}) == len(stored) == CLIENTS + VOTE_STATEMENTS
    assert Counter(s.text_en for s in mine).most_common(1)[0][1] == 1  # ... exactly once
    history = store.vote_history(SLUG)
    pairs = Counter((v.participant, v.statement) for v in history)
    assert len(history) == CLIENTS * VOTE_STATEMENTS
    assert len(pairs) == CLIENTS * VOTE_STATEMENTS and max(pairs.values()) == 1
    expected = {
        (f"user:delegate{i:03d}", s): (i + n) % 3 - 1
        for i in range(CLIENTS)
        for n, s in enumerate(statement_ids)
    }
    assert {(v.participant, v.statement): v.value for v in history} == expected


# ---------------------------------------------------------------- idempotency keys


@pytest.fixture()
def writer(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'idem.sqlite'}")
    _prepare(app, 3)
    return app


def _count_keys(app) -> int:
    with app.state.session_factory() as db:
        return db.scalar(select(func.count()).select_from(IdempotentRequest))


def test_same_key_twice_stores_once_and_answers_the_same(writer):
    client = login(writer, "delegate000", PASSWORD)
    key = {"Idempotency-Key": "3f1c9a52-0d7e-4b8e-9a51-2f0e5e0c1d11"}
    url = f"/api/v1/dialogues/{SLUG}/statements"
    body = {"text_en": "Notify each other of ballistic missile launches."}
    first = client.post(url, json=body, headers=key)
    again = client.post(url, json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    texts = [s.text_en for s in writer.state.store.statements(SLUG)]
    assert texts.count(body["text_en"]) == 1

    vote_key = {"Idempotency-Key": "vote-key-0001"}
    votes_url = f"/api/v1/dialogues/{SLUG}/votes"
    cast = client.post(votes_url, json={"statement": "0", "value": 1}, headers=vote_key)
    recast = client.post(votes_url, json={"statement": "0", "value": 1}, headers=vote_key)
    assert cast.status_code == recast.status_code == 201
    assert recast.json() == cast.json()
    assert len(writer.state.store.vote_history(SLUG)) == 1
    assert _count_keys(writer) == 2


def test_same_key_with_other_content_is_refused(writer):
    client = login(writer, "delegate000", PASSWORD)
    key = {"Idempotency-Key": "reused-key-0001"}
    url = f"/api/v1/dialogues/{SLUG}/votes"
    assert client.post(url, json={"statement": "0", "value": 1}, headers=key).status_code == 201
    changed = client.post(url, json={"statement": "0", "value": -1}, headers=key)
    assert changed.status_code == 409
    assert "idempotency" in changed.json()["detail"].lower()
    moved = client.post(
        f"/api/v1/dialogues/{SLUG}/statements", json={"text_en": "Other"}, headers=key
    )
    assert moved.status_code == 409
    history = writer.state.store.vote_history(SLUG)
    assert [(v.statement, v.value) for v in history] == [("0", 1)]
    assert len(writer.state.store.statements(SLUG)) == VOTE_STATEMENTS


def test_keys_belong_to_one_user(writer):
    key = {"Idempotency-Key": "shared-key-0001"}
    url = f"/api/v1/dialogues/{SLUG}/votes"
    for name in ("delegate000", "delegate001"):
        answer = login(writer, name, PASSWORD).post(
            url, json={"statement": "1", "value": 0}, headers=key
        )
        assert answer.status_code == 201 and "Idempotent-Replayed" not in answer.headers
    assert len(writer.state.store.vote_history(SLUG)) == 2


def test_malformed_key_is_refused(writer):
    client = login(writer, "delegate000", PASSWORD)
    url = f"/api/v1/dialogues/{SLUG}/votes"
    for bad in ("short", "has spaces in it", "x" * 201):
        answer = client.post(
            url, json={"statement": "0", "value": 1}, headers={"Idempotency-Key": bad}
        )
        assert answer.status_code in (400, 422), (bad, answer.status_code)
    assert writer.state.store.vote_history(SLUG) == []


def test_concurrent_retries_with_one_key_store_one_record(writer):
    client = login(writer, "delegate000", PASSWORD)
    headers = {**client.headers, "Idempotency-Key": "racing-key-0001"}
    start = threading.Barrier(8)

    def send(_: int) -> tuple[int, dict]:
        start.wait()
        answer = client.post(
            f"/api/v1/dialogues/{SLUG}/statements",
            json={"text_en": "Sent eight times at once"},
            headers=headers,
        )
        return answer.status_code, answer.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))
    assert {code for code, _ in answers} == {201}
    assert len({body["id"] for _, body in answers}) == 1
    texts = [s.text_en for s in writer.state.store.statements(SLUG)]
    assert texts.count("Sent eight times at once") == 1


def test_page_form_sent_twice_stores_one_statement(writer):
    client = login(writer, "delegate000", PASSWORD)
    page = client.get(f"/dialogues/{SLUG}/vote")
    assert page.status_code == 200
    marker = 'name="idempotency_key" value="'
    assert page.text.count(marker) == 2  # the vote card and the statement form
    key = page.text.split(marker, 2)[2].split('"', 1)[0]
    form = {
        "csrf_token": client.headers["X-CSRF-Token"],
        "text_en": "Resent by the browser",
        "idempotency_key": key,
    }
    for _ in range(2):
        sent = client.post(f"/dialogues/{SLUG}/statements", data=form, follow_redirects=False)
        assert sent.status_code == 303
    texts = [s.text_en for s in writer.state.store.statements(SLUG)]
    assert texts.count("Resent by the browser") == 1
