"""Reads and writes of dialogue invitations on an open session, used by the store.

An invitation is a one-time, expiring, revocable link to join a dialogue in a given
role and party; only the SHA-256 hash of its secret token is stored
(:class:`~stratstab.dialogue.membership.Invitation`).  Each change writes its audit
record in the caller's transaction.  Access rules (who may invite) are the web
service layer's; these functions only check the data and read and write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from stratstab.accounts import service as accounts
from stratstab.accounts.models import User
from stratstab.dialogue import queries
from stratstab.dialogue.membership import DialogueMember, Invitation
from stratstab.dialogue.membership_queries import audit, check_one_head, checked_role, member_row
from stratstab.dialogue.models import Dialogue
from stratstab.dialogue.records import AcceptedInvitation, InvitationInfo, InvitationPreview
from stratstab.errors import ConflictError, GoneError, NotFoundError

# 32 random bytes, URL-safe: the secret part of an invitation link.
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """The SHA-256 hex digest under which a one-time token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def state(invitation: Invitation, now: datetime) -> str:
    """``revoked``, ``used``, ``expired`` or ``open`` at ``now``."""
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= now:
        return "expired"
    return "open"


def gone(found_state: str) -> GoneError:
    """The error for a link that can no longer be accepted (its ``state`` attached)."""
    error = GoneError(f"this invitation link was {found_state}; ask the facilitator for a new one")
    error.state = found_state
    return error.with_key(f"setup.gone.{found_state}")


def _info(row: Invitation, now: datetime) -> InvitationInfo:
    return InvitationInfo(
        id=row.id,
        role=row.role,
        party=row.party,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        state=state(row, now),
        used_by=row.used_by,
    )


def create(
    session: Session,
    slug: str,
    *,
    role: str,
    party: str | None,
    note: str,
    lifetime: timedelta,
    now: datetime,
    actor_id: int,
) -> tuple[str, InvitationInfo]:
    """A new invitation to ``slug`` lasting ``lifetime`` from ``now``; returns the secret
    token (never stored) and the record.  Audited as ``invitation.create``."""
    dialogue = queries.dialogue_by_slug(session, slug)
    code = checked_role(dialogue, role, party)
    actor = session.get(User, actor_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = Invitation(
        dialogue_id=dialogue.id,
        token_hash=token_hash(token),
        role=role,
        party=code,
        note=note.strip()[:200],
        created_by=actor.username if actor is not None else "system",
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    audit(session, actor_id, "invitation.create", slug, invitation=row.id, role=role, party=code)
    return token, _info(row, now)


def listing(session: Session, slug: str, *, now: datetime) -> list[InvitationInfo]:
    """Every invitation of ``slug``, newest first, with its state at ``now``."""
    dialogue = queries.dialogue_by_slug(session, slug)
    rows = session.scalars(
        select(Invitation)
        .where(Invitation.dialogue_id == dialogue.id)
        .order_by(Invitation.id.desc())
    ).all()
    return [_info(r, now) for r in rows]


def revoke(
    session: Session, slug: str, invitation_id: int, *, now: datetime, actor_id: int
) -> None:
    """Revoke an unused invitation of ``slug`` (audited once as ``invitation.revoke``)."""
    dialogue = queries.dialogue_by_slug(session, slug)
    row = session.get(Invitation, invitation_id)
    if row is None or row.dialogue_id != dialogue.id:
        raise NotFoundError(f"no invitation {invitation_id} in {slug!r}").with_key(
            "dlgerr.no_invitation"
        )
    if row.used_at is not None:
        raise ConflictError("this invitation was used already", field="invitation").with_key(
            "dlgerr.invitation_used"
        )
    if row.revoked_at is None:
        row.revoked_at = now
        audit(session, actor_id, "invitation.revoke", slug, invitation=row.id)


def _by_token(session: Session, token: str) -> tuple[Invitation, Dialogue]:
    row = session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if row is None:
        raise NotFoundError("no such invitation").with_key("dlgerr.no_invitation")
    # The foreign key (ON DELETE CASCADE) keeps an invitation's dialogue in place.
    return row, session.get_one(Dialogue, row.dialogue_id)


def preview(session: Session, token: str, *, now: datetime) -> InvitationPreview:
    """What the invitation with secret ``token`` offers, and its state at ``now``."""
    row, dialogue = _by_token(session, token)
    return InvitationPreview(
        slug=dialogue.slug,
        title=dialogue.title,
        title_zh=dialogue.title_zh or "",
        role=row.role,
        party=row.party,
        expires_at=row.expires_at,
        state=state(row, now),
    )


def accept(
    session: Session,
    token: str,
    *,
    now: datetime,
    user_id: int | None = None,
    new_account: accounts.NewAccount | None = None,
) -> AcceptedInvitation:
    """Accept the invitation for account ``user_id``, or for ``new_account``, which is
    written here (its password was hashed before this transaction began).

    A used, expired or revoked link raises :class:`GoneError`; an account that is a
    member already, or a second head of a party, a :class:`ConflictError`.
    """
    if (user_id is None) == (new_account is None):
        raise ValueError("give exactly one of user_id and new_account")
    row, dialogue = _by_token(session, token)
    found_state = state(row, now)
    if found_state != "open":
        raise gone(found_state)
    if new_account is not None:
        account = accounts.add_account(session, new_account)
        accounts.record(
            session,
            actor=account,
            action="user.create",
            target_type="user",
            target_id=account.username,
            detail={"via": "invitation", "invitation": row.id},
        )
    else:
        found = session.get(User, user_id)
        if found is None:
            raise NotFoundError(f"no account {user_id}").with_key(
                "accounts.error.no_user", username=str(user_id)
            )
        account = found
    member = member_row(session, dialogue.id, account.id)
    if member is not None:
        raise ConflictError(
            f"you are a {member.role} of this dialogue already", field="invitation"
        ).with_key("dlgerr.member_already")
    check_one_head(session, dialogue, row.role, row.party)
    session.add(
        DialogueMember(
            dialogue_id=dialogue.id,
            user_id=account.id,
            role=row.role,
            party=row.party,
            invited_by=row.created_by,
        )
    )
    row.used_at, row.used_by = now, account.username
    audit(
        session,
        account.id,
        "invitation.accept",
        dialogue.slug,
        invitation=row.id,
        role=row.role,
        party=row.party,
    )
    session.flush()
    return AcceptedInvitation(
        username=account.username, slug=dialogue.slug, role=row.role, party=row.party
    )
