"""Consensus off the request path: votes mark it out of date, a debounced worker step
recomputes and stores it, pages read the stored analysis and poll its version.

Every test drives the worker's step with an explicit clock; nothing sleeps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

import psutil
import pytest

from stratstab.dialogue import snapshots
from stratstab.dialogue.models import utc_now
from stratstab.web.dialogues import service
from stratstab.web.dialogues.pages import CONSENSUS_CHANGED_EVENT

from .dialogue_setup import PASSWORD, SLUG, make_accounts, make_dialogue
from .helpers import build_app, login

T0 = utc_now().replace(microsecond=0)


def _client(app, username):
    return login(app, username, PASSWORD)


@pytest.fixture()
def room(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'w.sqlite'}")
    make_accounts(app)
    make_dialogue(app)
    return app


def _versions(app):
    with app.state.store.session() as session:
        return snapshots.versions_of(session, SLUG)


def _public_statement(app) -> str:
    return next(
        s.external_id
        for s in app.state.store.statements(SLUG)
        if s.moderation == "accepted" and not s.sealed and not s.is_meta
    )


def test_a_vote_marks_the_consensus_out_of_date_and_only_the_worker_computes(room, monkeypatch):
    worker = room.state.consensus
    assert worker.step(now=T0) == [SLUG]  # what the set-up's votes left out of date
    stored = _versions(room)
    assert stored.current and stored.computed_version == stored.version > 0

    computed = []
    real = service.analyze_public
    monkeypatch.setattr(
        service, "analyze_public", lambda *a, **k: computed.append(1) or real(*a, **k)
    )
    us = _client(room, "us-b")
    vote = us.post(
        f"/api/v1/dialogues/{SLUG}/votes", json={"statement": _public_statement(room), "value": -1}
    )
    assert vote.status_code == 201, vote.text
    after_vote = _versions(room)
    assert after_vote.version == stored.version + 1 and not after_vote.current
    # Viewers read: the page, the fragment, the API and the version check compute nothing.
    for path in (
        f"/dialogues/{SLUG}/consensus",
        f"/dialogues/{SLUG}/consensus/live",
        f"/api/v1/dialogues/{SLUG}/consensus",
        f"/api/v1/dialogues/{SLUG}/consensus/version",
    ):
        assert us.get(path).status_code == 200, path
    assert computed == []
    api = us.get(f"/api/v1/dialogues/{SLUG}/consensus/version").json()
    assert api["version"] == stored.computed_version and api["pending"] is True
    page = us.get(f"/dialogues/{SLUG}/consensus").text
    assert 'data-testid="consensus-pending"' in page

    # Debounced: not again within the interval after the last computation ...
    assert worker.step(now=T0 + timedelta(seconds=worker.debounce_s / 2)) == []
    assert computed == []
    # ... and once the interval is over.
    assert worker.step(now=T0 + timedelta(seconds=worker.debounce_s)) == [SLUG]
    assert computed == [1]
    assert _versions(room).current
    assert worker.step(now=T0 + timedelta(hours=1)) == []  # nothing left to do


def test_the_version_check_triggers_a_fetch_only_when_the_version_moved(room):
    room.state.consensus.step(now=T0)
    us = _client(room, "us-a")
    shown = _versions(room).computed_version
    same = us.get(f"/dialogues/{SLUG}/consensus/version", params={"shown": shown})
    assert same.status_code == 200 and "HX-Trigger" not in same.headers
    assert same.json() == {"version": shown, "pending": False}
    older = us.get(f"/dialogues/{SLUG}/consensus/version", params={"shown": shown - 1})
    assert older.headers["HX-Trigger"] == CONSENSUS_CHANGED_EVENT
    # The page polls the check with the version it shows, and fetches on the event.
    page = us.get(f"/dialogues/{SLUG}/consensus").text
    assert f"/consensus/version?shown={shown}" in page
    assert f'hx-trigger="{CONSENSUS_CHANGED_EVENT} from:body"' in page
    assert us.get(f"/dialogues/{SLUG}/consensus/version", params={"shown": "x"}).status_code == 422


def test_sealed_and_pending_material_never_moves_the_version(room):
    room.state.consensus.step(now=T0)
    before = _versions(room)
    fac, cn = _client(room, "fac"), _client(room, "cn-a")
    pending = cn.post(f"/api/v1/dialogues/{SLUG}/statements", json={"text_en": "CN pending"})
    assert pending.status_code == 201
    sealed = fac.post(
        f"/api/v1/dialogues/{SLUG}/statements", json={"text_en": "Sealed", "sealed": True}
    )
    assert sealed.status_code == 201
    # A delegate votes on their own delegation's pending statement where allowed, and
    # the sealed one is voted on by nobody outside; neither moves the public version.
    own = cn.post(
        f"/api/v1/dialogues/{SLUG}/votes", json={"statement": pending.json()["id"], "value": 1}
    )
    assert own.status_code in (201, 403)
    assert _versions(room).version == before.version
    # Others learn nothing: the same answer for every party, and sealed ids are 404 to them.
    us = _client(room, "us-a")
    answers = {
        who: c.get(f"/api/v1/dialogues/{SLUG}/consensus/version").json()
        for who, c in (("us", us), ("cn", cn), ("fac", fac))
    }
    assert len({str(a) for a in answers.values()}) == 1
    hidden = us.post(
        f"/api/v1/dialogues/{SLUG}/votes", json={"statement": sealed.json()["id"], "value": 1}
    )
    unknown = us.post(f"/api/v1/dialogues/{SLUG}/votes", json={"statement": "s0000", "value": 1})
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["detail"].replace(sealed.json()["id"], "X") == unknown.json()[
        "detail"
    ].replace("s0000", "X")
    # Accepting the pending statement makes it public: that is a public change.
    accepted = fac.patch(
        f"/api/v1/dialogues/{SLUG}/statements/{pending.json()['id']}",
        json={"moderation": "accepted"},
    )
    assert accepted.status_code == 200, accepted.text
    assert _versions(room).version == before.version + 1


def test_an_out_of_date_consensus_survives_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'restart.sqlite'}"
    first = build_app(url)
    make_accounts(first)
    make_dialogue(first)
    assert not _versions(first).current
    first.state.store.close()
    first.state.engine.dispose()
    second = build_app(url)  # a new process on the same database
    assert not _versions(second).current
    assert second.state.consensus.step(now=T0) == [SLUG]
    result = _client(second, "obs").get(f"/api/v1/dialogues/{SLUG}/consensus").json()
    assert result["participants"] and _versions(second).current


def test_a_leased_dialogue_is_left_to_the_process_holding_it(room):
    worker = room.state.consensus
    with room.state.store.session(write=True) as session:
        (due,) = snapshots.due(session, now=T0, debounce_s=worker.debounce_s)
        assert snapshots.claim(session, due.dialogue_id, now=T0, lease_s=60)
    assert worker.step(now=T0 + timedelta(seconds=30)) == []  # another process computes
    assert worker.step(now=T0 + timedelta(seconds=61)) == [SLUG]  # its lease ran out


def test_the_polis_grouping_warm_starts_from_the_stored_state(tmp_path, monkeypatch):
    from stratstab.web.app import create_app
    from stratstab.web.settings import Settings

    from .helpers import SECRET

    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'p.sqlite'}",
            secret_key=SECRET,
            consensus_grouping="polis",
        )
    )
    make_accounts(app)
    make_dialogue(app)
    starts = []
    real = service.analyze_public

    def spy(*args, **kwargs):
        starts.append(kwargs.get("previous"))
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "analyze_public", spy)
    assert app.state.consensus.step(now=T0) == [SLUG]
    state = app.state.store.polis_state(SLUG)
    assert starts == [None] and state is not None  # the first update starts cold
    result = _client(app, "obs").get(f"/api/v1/dialogues/{SLUG}/consensus").json()
    assert result["provenance"]["method"] == "polis-incremental"
    vote = _client(app, "us-b").post(
        f"/api/v1/dialogues/{SLUG}/votes", json={"statement": _public_statement(app), "value": 0}
    )
    assert vote.status_code == 201
    assert app.state.consensus.step(now=T0 + timedelta(minutes=1)) == [SLUG]
    assert starts[1] is not None  # the next one from the stored centres
    assert starts[1].to_dict() == state.to_dict()


def test_the_child_process_computes_what_the_thread_computes(tmp_path):
    """The server's worker computes in a child process; the stored analysis is the same."""
    results = []
    for where in ("thread", "child"):
        app = build_app(f"sqlite:///{tmp_path / f'{where}.sqlite'}")
        make_accounts(app)
        make_dialogue(app)
        worker = app.state.consensus
        try:
            run = worker.in_child if where == "child" else None
            assert worker.step(now=T0, run=run) == [SLUG]
            children = list(worker._child._processes) if worker._child else []
        finally:
            worker.stop()
        assert len(children) == (1 if where == "child" else 0)
        assert os.getpid() not in children
        result = _client(app, "obs").get(f"/api/v1/dialogues/{SLUG}/consensus").json()
        result.pop("provenance", None)  # holds the computing time
        results.append(result)
    assert results[0] == results[1] and results[0]["participants"]


def test_a_child_process_that_dies_costs_one_computation_in_the_thread(room):
    worker = room.state.consensus
    try:
        worker.in_child(int)  # starts the child
        (pid,) = worker._child._processes
        os.kill(pid, signal.SIGKILL)
        worker._child._processes[pid].join()
        assert worker.step(now=T0, run=worker.in_child) == [SLUG]  # computed here instead
        assert worker._child is None  # the next computation starts a new child
        assert worker.in_child(int) == 0 and worker._child is not None
    finally:
        worker.stop()


def test_the_child_process_ends_when_the_server_is_killed(tmp_path):
    """A server killed outright (no shutdown) leaves no consensus child behind."""
    script = tmp_path / "server.py"
    script.write_text(
        "import multiprocessing, os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from stratstab.web.dialogues.child_process import prepare\n"
        "if __name__ == '__main__':\n"
        "    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('spawn'),\n"
        "                               initializer=prepare, initargs=('json',))\n"
        "    print(pool.submit(os.getpid).result(), flush=True)\n"
        "    time.sleep(600)\n"
    )
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        child = psutil.Process(int(server.stdout.readline()))
        assert child.ppid() == server.pid
    finally:
        server.kill()
        server.wait()
    child.wait(timeout=120)  # returns as soon as the child has ended itself
    assert not child.is_running()
