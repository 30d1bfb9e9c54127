"""Reads and writes of dialogue membership on an open session, used by the store.

Who is a member in which role and party, which parties have a head of delegation, and
the parties' declarations that their scope positions are complete.  Access rules are
the service layer's; these functions only read and write.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from stratstab.dialogue import queries
from stratstab.dialogue.membership import DialogueMember, PartyCompletion
from stratstab.dialogue.models import Dialogue

# Every request about a dialogue asks it: one query, built once.
_MEMBERSHIP = (
    select(DialogueMember.role, DialogueMember.party)
    .join(Dialogue, Dialogue.id == DialogueMember.dialogue_id)
    .where(Dialogue.slug == bindparam("slug"), DialogueMember.user_id == bindparam("user_id"))
)


def membership(session: Session, slug: str, user_id: int) -> tuple[str, str | None] | None:
    """(role, party) of account ``user_id`` in dialogue ``slug``; None if not a member."""
    row = session.execute(_MEMBERSHIP, {"slug": slug, "user_id": user_id}).first()
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
