"""A background writer that commits while a password is hashed does not make the
request's write fail ("database is locked" on SQLite).

The hash is replaced by the real hash followed by a commit from another connection
(an audit row, as the consensus worker or a job would write), so the race happens on
every run at exactly the moment it matters, with no sleeps.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from stratstab.accounts import administration, passwords
from stratstab.accounts import service as accounts
from stratstab.accounts.models import AuditEvent, User
from stratstab.db import make_engine, make_session_factory, transaction
from stratstab.migrations import upgrade_database

STRONG = "violet anchor drifts past seven harbours"


@pytest.fixture()
def factory(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'race.sqlite'}")
    upgrade_database(engine)
    made = make_session_factory(engine)
    with transaction(made, write=True) as session:
        accounts.create_user(session, username="admin", password=STRONG + " a", role="admin")
        accounts.create_user(session, username="usdel", password=STRONG + " b", role="delegate",
                             delegation_code="US")  # fmt: skip
    yield made
    engine.dispose()


@pytest.fixture()
def writer_commits_during_hash(factory, monkeypatch):
    """Every password hash is followed by another connection's committed write."""
    real = passwords.hash_password
    commits = []

    def hash_then_commit_elsewhere(password: str) -> str:
        digest = real(password)
        with transaction(factory, write=True) as other:
            accounts.record(other, actor=None, action="background.write", target_type="test",
                            target_id=len(commits))  # fmt: skip
        commits.append(1)
        return digest

    monkeypatch.setattr(accounts, "hash_password", hash_then_commit_elsewhere)
    return commits


def _background_writes(factory) -> int:
    with factory() as session:
        query = select(func.count()).where(AuditEvent.action == "background.write")
        return int(session.scalar(query))


def test_password_reset_survives_a_commit_during_the_hash(factory, writer_commits_during_hash):
    with transaction(factory, write=True) as session:
        user = session.scalar(select(User).where(User.username == "usdel"))
        token, _ = administration.issue_password_reset(session, actor=None, user=user)
    # As a request does: one session, whose first statement is a read (deferred).
    with factory() as session:
        administration.preview_reset(session, token=token)
        administration.use_password_reset(session, token=token, new_password=STRONG + " new")
        session.commit()
    assert writer_commits_during_hash == [1]
    assert _background_writes(factory) == 1  # the other writer's commit stands too
    with factory() as session:
        user = session.scalar(select(User).where(User.username == "usdel"))
        assert passwords.verify_password(STRONG + " new", user.password_hash)
        again = administration.preview_reset(session, token=token)
    assert again.state == "used"


def test_account_creation_after_a_read_survives_a_commit_during_the_hash(
    factory, writer_commits_during_hash
):
    with factory() as session:
        # The request has read already (the admin's own account, say).
        session.scalar(select(User).where(User.username == "admin"))
        accounts.create_user(session, username="cndel", password=STRONG + " c", role="delegate",
                             delegation_code="CN")  # fmt: skip
        session.commit()
    assert writer_commits_during_hash == [1]
    with factory() as session:
        assert session.scalar(select(User.id).where(User.username == "cndel")) is not None


def test_a_weak_password_leaves_the_link_usable(factory):
    with transaction(factory, write=True) as session:
        user = session.scalar(select(User).where(User.username == "usdel"))
        token, _ = administration.issue_password_reset(session, actor=None, user=user)
    with factory() as session:
        with pytest.raises(Exception, match="password"):
            administration.use_password_reset(session, token=token, new_password="password")
        session.rollback()
        assert administration.preview_reset(session, token=token).state == "open"


def test_account_creation_inside_a_caller_s_transaction_keeps_it(factory):
    # A transaction the caller began is the caller's: creating two accounts in it keeps
    # them together (nothing is committed half-way).
    with pytest.raises(Exception, match="exists already"):
        with transaction(factory) as session:
            accounts.create_user(session, username="ru1", password=STRONG + " r", role="member")
            accounts.create_user(session, username="ru1", password=STRONG + " r", role="member")
    with factory() as session:
        assert session.scalar(select(User.id).where(User.username == "ru1")) is None


def test_invitation_acceptance_hashes_before_its_write_transaction(
    factory, writer_commits_during_hash
):
    # The other writer commits from inside the hash: were the hash inside the
    # acceptance's write transaction, that commit would wait for it (and time out).
    from datetime import timedelta

    from stratstab.dialogue.store import DialogueStore
    from stratstab.web.dialogues import members

    with DialogueStore(str(factory.kw["bind"].url)) as store:
        admin = store.active_account("admin")
        store.create_dialogue(slug="cnus", title="CN–US", track="II", parties=["CN", "US"],
                              facilitator_id=admin.id)  # fmt: skip
        token, _ = store.create_invitation(
            "cnus", role="delegate", party="CN", lifetime=timedelta(days=1), actor_id=admin.id
        )
        accepted = members.accept_invitation(
            store, token, user=None, username="Li", password=STRONG + " li", locale="zh"
        )
        assert (accepted.username, accepted.role, accepted.party) == ("li", "delegate", "CN")
        assert store.membership("cnus", store.active_account("li").id) == ("delegate", "CN")
    assert writer_commits_during_hash == [1]
    assert _background_writes(factory) == 1
