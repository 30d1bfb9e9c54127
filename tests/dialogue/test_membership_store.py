"""Members and invitations through :class:`DialogueStore`, on SQLite and PostgreSQL.

Each change and its audit record land in one transaction: a refused change leaves
neither.  Three parties (United States, China, Russia) each get their own head.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from stratstab.accounts import service as accounts
from stratstab.accounts.models import AuditEvent, User
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import ConflictError, GoneError, InputError, NotFoundError

PASSWORD = "violet anchor drifts past seven harbours"


@pytest.fixture()
def store(database_url):
    with DialogueStore(database_url) as opened:
        ids = {}
        with opened.session(write=True) as session:
            for name, role in [("fac", "facilitator"), ("smith", "member"), ("chen", "member"),
                               ("ivanov", "member"), ("jones", "member")]:  # fmt: skip
                ids[name] = accounts.create_user(
                    session, username=name, password=f"{PASSWORD} {name}", role=role
                ).id
        opened.test_ids = ids  # type: ignore[attr-defined]
        opened.create_dialogue(
            slug="tri",
            title="US–China–Russia",
            track="1.5",
            parties=["US", "CN", "RU"],
            facilitator_id=ids["fac"],
        )
        yield opened


def _audit(store: DialogueStore) -> list[tuple[str, str, str]]:
    with store.session() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(e.actor_name, e.action, e.target_id) for e in rows]


def _accounts(store: DialogueStore) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count(User.id))))


def test_the_creator_facilitates_and_the_creation_is_audited(store):
    assert [(m.username, m.role, m.party) for m in store.members("tri")] == [
        ("fac", "facilitator", None)
    ]
    assert _audit(store) == [("fac", "dialogue.create", "tri")]
    store.update_dialogue("tri", archived=True, audited_by=store.test_ids["fac"])
    store.update_dialogue("tri", title="Trilateral")  # the command line: not audited
    assert _audit(store)[1:] == [("fac", "dialogue.archive", "tri")]


def test_members_one_head_per_party_and_audit(store):
    fac = store.test_ids["fac"]
    for name, party in [("smith", "US"), ("chen", "cn"), ("ivanov", "RU")]:
        added = store.add_member("tri", username=name, role="head", party=party, actor_id=fac)
        assert (added.role, added.party) == ("head", party.upper())
    assert store.parties_with_head("tri") == {"US", "CN", "RU"}
    before = _audit(store)
    with pytest.raises(ConflictError, match="RU has a head already"):
        store.add_member("tri", username="jones", role="head", party="RU", actor_id=fac)
    with pytest.raises(InputError, match="one of the parties US, CN, RU"):
        store.add_member("tri", username="jones", role="delegate", party="FR", actor_id=fac)
    with pytest.raises(InputError, match="no party"):
        store.add_member("tri", username="jones", role="observer", party="US", actor_id=fac)
    with pytest.raises(ConflictError, match="member already"):
        store.add_member("tri", username="chen", role="delegate", party="CN", actor_id=fac)
    assert _audit(store) == before  # refused changes leave no record
    store.add_member("tri", username="jones", role="delegate", party="RU")  # the system
    with pytest.raises(ConflictError, match="RU has a head already"):
        store.change_member("tri", "jones", role="head", party="RU", actor_id=fac)
    changed = store.change_member("tri", "ivanov", role="delegate", party="RU", actor_id=fac)
    assert (changed.username, changed.role, changed.party) == ("ivanov", "delegate", "RU")
    # Changing nothing is allowed, even for a head.
    store.change_member("tri", "smith", role="head", party="US", actor_id=fac)
    store.remove_member("tri", "chen", actor_id=fac)
    with pytest.raises(NotFoundError, match="not a member"):
        store.remove_member("tri", "chen", actor_id=fac)
    listed = [(m.username, m.role, m.party) for m in store.members("tri")]
    assert listed == [
        ("fac", "facilitator", None),
        ("smith", "head", "US"),
        ("ivanov", "delegate", "RU"),
        ("jones", "delegate", "RU"),
    ]
    assert [(who, action) for who, action, _ in _audit(store)[len(before) :]] == [
        ("system", "member.add"),
        ("fac", "member.change"),
        ("fac", "member.change"),
        ("fac", "member.remove"),
    ]


def test_invitations_from_creation_to_use(store):
    fac = store.test_ids["fac"]
    token, info = store.create_invitation(
        "tri", role="head", party="ru", lifetime=timedelta(days=7), note=" Moscow ", actor_id=fac
    )
    assert (info.role, info.party, info.note, info.state, info.created_by) == (
        "head", "RU", "Moscow", "open", "fac"
    )  # fmt: skip
    assert token not in str(store.invitations("tri"))
    preview = store.invitation_preview(token)
    assert (preview.slug, preview.role, preview.party, preview.state) == (
        "tri",
        "head",
        "RU",
        "open",
    )
    with pytest.raises(NotFoundError):
        store.invitation_preview(token + "x")
    new = accounts.prepare_account(username="petrov", password=PASSWORD + " p", role="member")
    accepted = store.accept_invitation(token, new_account=new)
    assert (accepted.username, accepted.slug, accepted.role, accepted.party) == (
        "petrov", "tri", "head", "RU"
    )  # fmt: skip
    assert [i.state for i in store.invitations("tri")] == ["used"]
    with pytest.raises(GoneError) as gone:
        store.accept_invitation(token, user_id=store.test_ids["jones"])
    assert gone.value.state == "used"
    with pytest.raises(ConflictError, match="used already"):
        store.revoke_invitation("tri", info.id, actor_id=fac)
    actions = [action for _, action, _ in _audit(store)]
    assert actions[-3:] == ["invitation.create", "user.create", "invitation.accept"]


def test_a_refused_acceptance_writes_nothing(store):
    fac = store.test_ids["fac"]
    store.add_member("tri", username="smith", role="head", party="US", actor_id=fac)
    token, _ = store.create_invitation(
        "tri", role="head", party="US", lifetime=timedelta(days=1), actor_id=fac
    )
    count, before = _accounts(store), _audit(store)
    new = accounts.prepare_account(username="miller", password=PASSWORD + " m", role="member")
    with pytest.raises(ConflictError, match="US has a head already"):
        store.accept_invitation(token, new_account=new)
    assert _accounts(store) == count  # the new account went with the refused membership
    assert _audit(store) == before
    assert store.invitation_preview(token).state == "open"
    with pytest.raises(ConflictError, match="facilitator of this dialogue already"):
        store.accept_invitation(token, user_id=fac)


def test_revoking_and_expiry(store):
    fac = store.test_ids["fac"]
    token, info = store.create_invitation(
        "tri", role="observer", party=None, lifetime=timedelta(days=1), actor_id=fac
    )
    store.revoke_invitation("tri", info.id, actor_id=fac)
    store.revoke_invitation("tri", info.id, actor_id=fac)  # again: no change, no record
    assert [a for _, a, _ in _audit(store)].count("invitation.revoke") == 1
    assert store.invitation_preview(token).state == "revoked"
    with pytest.raises(NotFoundError):
        store.revoke_invitation("tri", info.id + 100, actor_id=fac)
    expired, _ = store.create_invitation(
        "tri", role="observer", party=None, lifetime=timedelta(seconds=-1), actor_id=fac
    )
    assert store.invitation_preview(expired).state == "expired"
    with pytest.raises(GoneError):
        store.accept_invitation(expired, user_id=store.test_ids["jones"])


def test_active_account(store):
    found = store.active_account("chen")
    assert (found.username, found.role) == ("chen", "member")
    assert store.active_account("nobody") is None
    with store.session(write=True) as session:
        session.scalar(select(User).where(User.username == "chen")).is_active = False
    assert store.active_account("chen") is None
