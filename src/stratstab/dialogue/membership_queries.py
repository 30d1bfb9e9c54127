"""Reads and writes of dialogue membership on an open session, used by the store.

Who is a member in which role and party (the members list, adding, changing and
removing a member with the one-head-per-party rule), which parties have a head of
delegation, and the parties' declarations that their scope positions are complete.
Each change writes its audit record (:func:`stratstab.accounts.service.record`) in the
caller's transaction, so the change and its record stand or fall together.  Access
rules (who may do what) are the web service layer's; these functions only check the
data (role names, parties, one head) and read and write.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from stratstab.accounts import service as accounts
from stratstab.accounts.models import User
from stratstab.dialogue import queries
from stratstab.dialogue.membership import (
    MEMBER_ROLES,
    PARTY_ROLES,
    DialogueMember,
    PartyCompletion,
)
from stratstab.dialogue.models import Dialogue
from stratstab.dialogue.records import AccountRef, MemberInfo
from stratstab.errors import ConflictError, InputError, NotFoundError

# Every request about a dialogue asks it: one query, built once.
_MEMBERSHIP = (
    select(DialogueMember.role, DialogueMember.party)
    .join(Dialogue, Dialogue.id == DialogueMember.dialogue_id)
    .where(Dialogue.slug == bindparam("slug"), DialogueMember.user_id == bindparam("user_id"))
)


def membership(session: Session, slug: str, user_id: int) -> tuple[str, str | None] | None:
    """(role, party) of account ``user_id`` in dialogue ``slug``; None if not a member."""
    row = session.connection().execute(_MEMBERSHIP, {"slug": slug, "user_id": user_id}).first()
    return None if row is None else (row.role, row.party)


def parties_with_head(session: Session, slug: str) -> set[str]:
    """The parties of ``slug`` that have a head of delegation."""
    dialogue = queries.dialogue_by_slug(session, slug)
    rows = session.scalars(
        select(DialogueMember.party).where(
            DialogueMember.dialogue_id == dialogue.id, DialogueMember.role == "head"
        )
    ).all()
    return {party for party in rows if party}


def completion(session: Session, slug: str) -> dict[str, bool]:
    """Per party of ``slug``: has it declared its scope positions complete?"""
    dialogue = queries.dialogue_by_slug(session, slug)
    declared = set(
        session.scalars(
            select(PartyCompletion.party).where(PartyCompletion.dialogue_id == dialogue.id)
        ).all()
    )
    return {code: code in declared for code in dialogue.parties or []}


def set_complete(session: Session, slug: str, *, party: str, by: str, done: bool) -> bool:
    """Record (or withdraw) a party's declaration; True when something changed."""
    dialogue = queries.dialogue_by_slug(session, slug)
    row = session.scalar(
        select(PartyCompletion).where(
            PartyCompletion.dialogue_id == dialogue.id, PartyCompletion.party == party
        )
    )
    if done and row is None:
        session.add(PartyCompletion(dialogue_id=dialogue.id, party=party, declared_by=by))
        return True
    if not done and row is not None:
        session.delete(row)
        return True
    return False


def active_account(session: Session, username: str) -> AccountRef | None:
    """The active account called ``username``; None if there is none or it is disabled."""
    user = accounts.find_user(session, username=username)
    if user is None or not user.is_active:
        return None
    return AccountRef(id=user.id, username=user.username, role=user.role)


# ---------------------------------------------------------------- audit


def audit(
    session: Session, actor_id: int | None, action: str, target: str, **detail: object
) -> None:
    """Record a change to a dialogue object by account ``actor_id`` (None: the system)."""
    accounts.record(
        session,
        actor=session.get(User, actor_id) if actor_id is not None else None,
        action=action,
        target_type="dialogue",
        target_id=target,
        detail=dict(detail),
    )


# ---------------------------------------------------------------- members


def member_row(session: Session, dialogue_id: int, user_id: int) -> DialogueMember | None:
    """The membership row of account ``user_id`` in dialogue ``dialogue_id``, if any."""
    return session.scalar(
        select(DialogueMember).where(
            DialogueMember.dialogue_id == dialogue_id, DialogueMember.user_id == user_id
        )
    )


def members(session: Session, slug: str) -> list[MemberInfo]:
    """The members of ``slug`` by role (in :data:`MEMBER_ROLES` order), party and name."""
    dialogue = queries.dialogue_by_slug(session, slug)
    rows = session.execute(
        select(DialogueMember, User)
        .join(User, User.id == DialogueMember.user_id)
        .where(DialogueMember.dialogue_id == dialogue.id)
    ).all()
    order = {role: i for i, role in enumerate(MEMBER_ROLES)}
    found = [_member_info(user, member) for member, user in rows]
    return sorted(found, key=lambda m: (order[m.role], m.party or "", m.username))


def _member_info(user: User, member: DialogueMember) -> MemberInfo:
    return MemberInfo(
        username=user.username,
        display_name=user.display_name,
        role=member.role,
        party=member.party,
        joined_at=member.joined_at,
        active=bool(user.is_active),
    )


def checked_role(dialogue: Dialogue, role: str, party: str | None) -> str | None:
    """The party code a ``role`` in ``dialogue`` takes (None for roles without a party).

    Heads and delegates belong to one of the dialogue's parties; facilitators,
    translators and observers to none.  Anything else is an :class:`InputError`.
    """
    if role not in MEMBER_ROLES:
        raise InputError(f"expected one of {', '.join(MEMBER_ROLES)}", field="role").with_key(
            "dlgerr.role_choice"
        )
    parties = dialogue.parties or []
    if role in PARTY_ROLES:
        code = (party or "").strip().upper()
        if code not in parties:
            raise InputError(
                f"a {role} belongs to one of the parties {', '.join(parties)}", field="party"
            ).with_key("dlgerr.party_needed", parties=", ".join(parties))
        return code
    if party:
        raise InputError(
            f"a {role} belongs to no party; leave party empty", field="party"
        ).with_key("dlgerr.party_none")
    return None


def check_one_head(session: Session, dialogue: Dialogue, role: str, party: str | None) -> None:
    """Refuse a second head of delegation for ``party`` (:class:`ConflictError`)."""
    if role != "head":
        return
    existing = session.scalar(
        select(func.count(DialogueMember.id)).where(
            DialogueMember.dialogue_id == dialogue.id,
            DialogueMember.role == "head",
            DialogueMember.party == party,
        )
    )
    if existing:
        raise ConflictError(f"delegation {party} has a head already", field="role").with_key(
            "dlgerr.head_taken", party=party
        )


def add_member(
    session: Session,
    slug: str,
    *,
    username: str,
    role: str,
    party: str | None,
    actor_id: int | None,
) -> MemberInfo:
    """Make an existing account a member of ``slug`` (audited as ``member.add``)."""
    dialogue = queries.dialogue_by_slug(session, slug)
    code = checked_role(dialogue, role, party)
    account = accounts.get_user(session, username=username)
    if member_row(session, dialogue.id, account.id) is not None:
        raise ConflictError(f"{username!r} is a member already", field="username").with_key(
            "dlgerr.is_member", username=username
        )
    check_one_head(session, dialogue, role, code)
    actor = session.get(User, actor_id) if actor_id is not None else None
    member = DialogueMember(
        dialogue_id=dialogue.id,
        user_id=account.id,
        role=role,
        party=code,
        invited_by=actor.username if actor is not None else "system",
    )
    session.add(member)
    audit(session, actor_id, "member.add", f"{slug}/{username}", role=role, party=code)
    session.flush()
    return _member_info(account, member)


def add_creator(session: Session, dialogue: Dialogue, user_id: int) -> None:
    """Make account ``user_id`` the facilitator of the dialogue it has just created."""
    session.add(
        DialogueMember(
            dialogue_id=dialogue.id, user_id=user_id, role="facilitator", invited_by="creator"
        )
    )


def _existing_member(
    session: Session, dialogue: Dialogue, username: str
) -> tuple[User, DialogueMember]:
    account = accounts.get_user(session, username=username)
    member = member_row(session, dialogue.id, account.id)
    if member is None:
        raise NotFoundError(f"{username!r} is not a member of {dialogue.slug!r}").with_key(
            "dlgerr.not_member", username=username
        )
    return account, member


def change_member(
    session: Session,
    slug: str,
    username: str,
    *,
    role: str,
    party: str | None,
    actor_id: int | None,
) -> MemberInfo:
    """Give a member another role or party (audited as ``member.change``)."""
    dialogue = queries.dialogue_by_slug(session, slug)
    code = checked_role(dialogue, role, party)
    account, member = _existing_member(session, dialogue, username)
    before = (member.role, member.party)
    if before != (role, code):
        check_one_head(session, dialogue, role, code)
    member.role, member.party = role, code
    audit(
        session,
        actor_id,
        "member.change",
        f"{slug}/{username}",
        before=list(before),
        role=role,
        party=code,
    )
    session.flush()
    return _member_info(account, member)


def remove_member(session: Session, slug: str, username: str, *, actor_id: int | None) -> None:
    """Remove a member (audited as ``member.remove`` with the role and party it had)."""
    dialogue = queries.dialogue_by_slug(session, slug)
    _, member = _existing_member(session, dialogue, username)
    role, party = member.role, member.party
    session.delete(member)
    audit(session, actor_id, "member.remove", f"{slug}/{username}", role=role, party=party)
