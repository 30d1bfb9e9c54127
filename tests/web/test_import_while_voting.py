"""A long Pol.is import in another process does not make web writes fail.

The importer runs in a child process and stops at two points of every batch, told
by files: inside the batch's transaction (it holds the write lock) and after the
commit.  While it holds the lock the test sends a web vote and a statement; it lets
the batch commit; the web writes then go through, and only then is the import let on.
Nothing depends on timing: every step waits for the other side's file.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from stratstab import db
from stratstab.accounts.models import User
from stratstab.dialogue import polis_io
from stratstab.dialogue.polis import PolisComment, PolisVote, write_export

from .helpers import build_app, login
from .test_write_path import PASSWORD, SLUG, _prepare

BATCHES = 3

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from stratstab.dialogue import polis_io
    from stratstab.dialogue.store import DialogueStore

    signals = Path(sys.argv[3])
    state = {"batch": 0}

    def wait_for(name):
        deadline = time.monotonic() + 300
        while not (signals / name).exists():
            if time.monotonic() > deadline:
                sys.exit(f"no {name} from the test")
            time.sleep(0.005)

    original = polis_io.insert_vote_chunk
    def holding(session, rows):
        original(session, rows)
        session.flush()  # the batch is written and its transaction holds the lock
        state["batch"] += 1
        (signals / f"holding-{state['batch']}").touch()
        wait_for(f"release-{state['batch']}")

    def paused(_batch_s):
        (signals / f"paused-{state['batch']}").touch()
        wait_for(f"go-{state['batch']}")

    polis_io.insert_vote_chunk = holding
    polis_io.between_batches = paused
    summary = DialogueStore(sys.argv[1]).import_polis("polis", sys.argv[2])
    print(summary.votes, flush=True)
    """
)


def _wait_for(path: Path, child: subprocess.Popen) -> None:
    """Wait until the child creates ``path`` (or fail if it exits first)."""
    while not path.exists():
        if child.poll() is not None:
            raise AssertionError(f"the importer stopped: {child.stderr.read()}")
        time.sleep(0.005)


def _big_export(folder: Path) -> int:
    comments = [PolisComment(i, 0, f"Imported {i}", 1) for i in range(20)]
    total = BATCHES * polis_io.VOTE_CHUNK_ROWS
    votes = [PolisVote(n, n % 20, n // 20, 1 - n % 3) for n in range(total)]
    write_export(folder, comments, votes)
    return total


@pytest.mark.slow
def test_web_writes_go_through_while_another_process_imports(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    app = build_app(url)
    statement_ids = _prepare(app, 3)
    client = login(app, "delegate000", PASSWORD)
    total = _big_export(tmp_path / "export")
    signals = tmp_path / "signals"
    signals.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(tmp_path / "export"), str(signals)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    answers: list[int] = []
    try:
        for batch in range(1, BATCHES + 1):
            _wait_for(signals / f"holding-{batch}", child)

            def write(batch: int = batch) -> None:
                vote = client.post(
                    f"/api/v1/dialogues/{SLUG}/votes",
                    json={"statement": statement_ids[batch % len(statement_ids)], "value": 1},
                )
                statement = client.post(
                    f"/api/v1/dialogues/{SLUG}/statements",
                    json={"text_en": f"Written during batch {batch}"},
                )
                answers.extend([vote.status_code, statement.status_code])

            writer = threading.Thread(target=write)
            writer.start()  # waits for the importer's lock
            (signals / f"release-{batch}").touch()
            _wait_for(signals / f"paused-{batch}", child)
            writer.join()
            (signals / f"go-{batch}").touch()
        out, err = child.communicate(timeout=300)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert int(out.strip()) == total
    assert answers == [201] * (2 * BATCHES)
    store = app.state.store
    assert len(store.vote_history("polis")) == total
    mine = [s for s in store.statements(SLUG) if s.text_en.startswith("Written during")]
    assert len(mine) == BATCHES


def test_a_locked_database_answers_503_without_its_path(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    database = tmp_path / "locked.sqlite"
    app = build_app(f"sqlite:///{database}")
    statement_ids = _prepare(app, 2)
    with app.state.session_factory() as session:
        session.execute(update(User).where(User.username == "delegate001").values(locale="zh"))
        session.commit()
    clients = {"en": login(app, "delegate000", PASSWORD), "zh": login(app, "delegate001", PASSWORD)}
    vote = {"statement": statement_ids[0], "value": 1}
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write transaction
    try:
        for locale, client in clients.items():
            answer = client.post(f"/api/v1/dialogues/{SLUG}/votes", json=vote)
            assert answer.status_code == 503
            assert int(answer.headers["Retry-After"]) > 0
            detail = answer.json()["detail"]
            assert str(tmp_path) not in detail and "sqlite" not in detail.lower()
            assert ("数据库" in detail) == (locale == "zh")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for client in clients.values():
        assert client.post(f"/api/v1/dialogues/{SLUG}/votes", json=vote).status_code == 201
