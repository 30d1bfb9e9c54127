"""Load test on loopback: 100 concurrent voters cast 5,000 votes; none lost or doubled."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import insert, select

from stratstab.accounts.models import User
from stratstab.accounts.passwords import hash_password
from stratstab.dialogue.membership import DialogueMember
from stratstab.dialogue.models import Dialogue

from .helpers import build_app
from .server import running

VOTERS = 100
STATEMENTS = 50  # 100 voters x 50 statements = 5,000 votes
PASSWORD = "load-test-password"
SLUG = "load"
# A hang guard only: throughput is printed here and measured by benchmarks/bench_web.py.
TIME_LIMIT_S = 1800.0


def _prepare(app) -> None:
    store = app.state.store
    store.create_dialogue(slug=SLUG, title="Load test", track="II", parties=["CN", "US"])
    for number in range(STATEMENTS):
        store.add_statement(
            SLUG, external_id=str(number), text_en=f"Statement {number}", moderation="accepted"
        )
    shared_hash = hash_password(PASSWORD)  # one hash for all: argon2 is slow on purpose
    rows = [
        {
            "username": f"voter{i:03d}",
            "display_name": f"voter {i}",
            "password_hash": shared_hash,
            "role": "delegate",
            "delegation_code": "CN" if i % 2 else "US",
            "locale": "en",
            "is_active": True,
        }
        for i in range(VOTERS)
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


async def _voter(base_url: str, index: int, plan: np.ndarray, latencies: list[float]) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=1800.0) as client:
        token = (await client.get("/api/v1/auth/csrf")).json()["csrf_token"]
        answer = await client.post(
            "/api/v1/auth/login",
            headers={"X-CSRF-Token": token},
            json={"username": f"voter{index:03d}", "password": PASSWORD},
        )
        answer.raise_for_status()
        headers = {"X-CSRF-Token": answer.json()["csrf_token"]}
        for statement, value in enumerate(plan):
            started = time.perf_counter()
            vote = await client.post(
                f"/api/v1/dialogues/{SLUG}/votes",
                headers=headers,
                json={"statement": str(statement), "value": int(value)},
            )
            latencies.append(time.perf_counter() - started)
            assert vote.status_code == 201, vote.text


@pytest.mark.slow
def test_100_voters_5000_votes_none_lost_or_doubled():
    # tmpfs when available: the test measures the server, not the disk's fsync.
    folder = Path(tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    app = build_app(f"sqlite:///{folder / 'load.sqlite'}")
    _prepare(app)
    plans = np.random.default_rng(7).choice([-1, 0, 1], size=(VOTERS, STATEMENTS))
    latencies: list[float] = []
    with running(app) as base_url:
        started = time.perf_counter()

        async def all_voters() -> None:
            await asyncio.gather(*(_voter(base_url, i, plans[i], latencies) for i in range(VOTERS)))

        asyncio.run(asyncio.wait_for(all_voters(), timeout=TIME_LIMIT_S))
        elapsed_s = time.perf_counter() - started
    history = app.state.store.vote_history(SLUG)
    pairs = Counter((v.participant, v.statement) for v in history)
    p95_ms = 1000 * float(np.percentile(latencies, 95))
    print(
        f"\nload test: {len(latencies)} votes in {elapsed_s:.1f} s = "
        f"{len(latencies) / elapsed_s:.0f} votes/s, p95 latency {p95_ms:.0f} ms, "
        f"stored {len(history)}, lost {VOTERS * STATEMENTS - len(pairs)}, "
        f"doubled {sum(1 for c in pairs.values() if c > 1)}"
    )
    assert len(history) == VOTERS * STATEMENTS
    assert len(pairs) == VOTERS * STATEMENTS and max(pairs.values()) == 1
    sent = {
        (f"user:voter{i:03d}", str(j)): int(plans[i, j])
        for i in range(VOTERS)
        for j in range(STATEMENTS)
    }
    assert {(v.participant, v.statement): v.value for v in history} == sent
