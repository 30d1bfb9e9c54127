"""Dialogue set-up: creating and editing dialogues, members, invitations, completeness.

The one service layer behind the set-up pages, the JSON API and (for creation) the
command line.  Every function resolves the caller's role in the dialogue from
:class:`~stratstab.dialogue.membership.DialogueMember` and records each change in the
audit log in the same transaction as the change itself.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stratstab.accounts import service as accounts
from stratstab.accounts.models import User
from stratstab.accounts.roles import Role
from stratstab.dialogue import queries
from stratstab.dialogue.membership import (
    MEMBER_ROLES,
    PARTY_ROLES,
    DialogueMember,
    Invitation,
)
from stratstab.dialogue.models import Dialogue, utc_now
from stratstab.dialogue.records import DialogueInfo
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import ConflictError, Forbidden, GoneError, InputError, NotFoundError
from stratstab.web.dialogues.access import Viewer, can_enter, require

DEFAULT_INVITATION_DAYS = 7
MAX_INVITATION_DAYS = 60


def token_hash(token: str) -> str:
    """The SHA-256 hex digest under which a one-time token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class MemberInfo:
    """A member of a dialogue as the members list shows it."""

    username: str
    display_name: str
    role: str
    party: str | None
    joined_at: datetime
    active: bool


@dataclass(frozen=True)
class InvitationInfo:
    """An invitation without its secret; ``state`` is open, used, expired or revoked."""

    id: int
    role: str
    party: str | None
    note: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    state: str
    used_by: str | None


@dataclass(frozen=True)
class InvitationPreview:
    """What an invitation link shows before it is accepted."""

    slug: str
    title: str
    title_zh: str
    role: str
    party: str | None
    expires_at: datetime
    state: str


# ---------------------------------------------------------------- viewers


def _membership(session: Session, dialogue_id: int, user_id: int) -> DialogueMember | None:
    return session.scalar(
        select(DialogueMember).where(
            DialogueMember.dialogue_id == dialogue_id, DialogueMember.user_id == user_id
        )
    )


def viewer_for(store: DialogueStore, user: User, slug: str) -> Viewer:
    """The user's viewer in dialogue ``slug``: their membership, else admin, else none."""
    member = store.membership(slug, user.id)
    if member is not None:
        role, party = member
        return Viewer(username=user.username, role=role, delegation=party)
    return Viewer.of(user)


def may_create_dialogues(user: User) -> bool:
    """Admins and accounts with the facilitator role set up new dialogues."""
    return user.role in (Role.ADMIN.value, Role.FACILITATOR.value)


def visible_dialogue(store: DialogueStore, viewer: Viewer, info: DialogueInfo) -> DialogueInfo:
    """``info`` with the counts the viewer may know (see ``service.visible_counts``)."""
    from stratstab.web.dialogues.service import visible_counts

    return visible_counts(store, viewer, info)


def list_dialogues(store: DialogueStore, user: User) -> list[DialogueInfo]:
    """The dialogues the user may enter (admins: all), counts as the user may see them."""
    found = []
    for info in store.list_dialogues():
        viewer = viewer_for(store, user, info.slug)
        if can_enter(viewer, delegations=list(info.parties)):
            found.append(visible_dialogue(store, viewer, info))
    return found


# ---------------------------------------------------------------- dialogues


def _audit(session: Session, user: User | None, action: str, target: str, **detail: object) -> None:
    accounts.record(
        session,
        actor=user,
        action=action,
        target_type="dialogue",
        target_id=target,
        detail=dict(detail),
    )


def _actor(session: Session, user: User | None) -> User | None:
    return session.get(User, user.id) if user is not None else None


def create_dialogue(
    store: DialogueStore,
    user: User,
    *,
    slug: str,
    title: str,
    title_zh: str,
    track: str,
    parties: list[str],
    description: str = "",
) -> DialogueInfo:
    """Create a dialogue; its creator becomes its facilitator.  Admins and facilitators."""
    if not may_create_dialogues(user):
        raise Forbidden("only facilitators and admins set up dialogues").with_key(
            "dlgerr.setup_forbidden"
        )
    info = store.create_dialogue(
        slug=slug,
        title=title,
        title_zh=title_zh,
        track=track,
        parties=parties,
        description=description,
    )
    with store.session(write=True) as session:
        dialogue = queries.dialogue_by_slug(session, info.slug)
        session.add(
            DialogueMember(
                dialogue_id=dialogue.id, user_id=user.id, role="facilitator", invited_by="creator"
            )
        )
        _audit(
            session,
            _actor(session, user),
            "dialogue.create",
            info.slug,
            track=info.track,
            parties=list(info.parties),
        )
    return info


def update_dialogue(
    store: DialogueStore,
    user: User,
    slug: str,
    *,
    title: str | None = None,
    title_zh: str | None = None,
    track: str | None = None,
    description: str | None = None,
    archived: bool | None = None,
) -> DialogueInfo:
    """Edit or archive / restore a dialogue (its facilitators and admins)."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators edit a dialogue")
    info = store.update_dialogue(
        slug,
        title=title,
        title_zh=title_zh,
        track=track,
        description=description,
        archived=archived,
    )
    changed = {
        k: v
        for k, v in {
            "title": title,
            "title_zh": title_zh,
            "track": track,
            "description": description,
            "archived": archived,
        }.items()
        if v is not None
    }
    action = "dialogue.edit"
    if archived is not None:
        action = "dialogue.archive" if archived else "dialogue.restore"
    with store.session(write=True) as session:
        _audit(session, _actor(session, user), action, slug, **changed)
    return info


def enter(store: DialogueStore, user: User, slug: str) -> Viewer:
    """The user's viewer in ``slug``; 404 (existence not revealed) for non-members."""
    info = store.get_dialogue(slug)
    viewer = viewer_for(store, user, slug)
    if not can_enter(viewer, delegations=list(info.parties)):
        raise NotFoundError(f"no dialogue {slug!r}").with_key("dlgerr.no_dialogue", slug=slug)
    return viewer


def require_active(store: DialogueStore, slug: str) -> None:
    """Refuse changes to an archived dialogue (it stays readable)."""
    if store.get_dialogue(slug).archived_at is not None:
        raise InputError(
            "this dialogue is archived; restore it to change it", field="dialogue"
        ).with_key("dlgerr.archived")


# ---------------------------------------------------------------- members


def members(store: DialogueStore, user: User, slug: str) -> list[MemberInfo]:
    """Everyone taking part in the dialogue (every member may see who takes part)."""
    enter(store, user, slug)
    return member_list(store, slug)


def member_list(store: DialogueStore, slug: str) -> list[MemberInfo]:
    """The dialogue's members by role, party and name (callers check access first)."""
    with store.session() as session:
        dialogue = queries.dialogue_by_slug(session, slug)
        rows = session.execute(
            select(DialogueMember, User)
            .join(User, User.id == DialogueMember.user_id)
            .where(DialogueMember.dialogue_id == dialogue.id)
        ).all()
        order = {role: i for i, role in enumerate(MEMBER_ROLES)}
        found = [
            MemberInfo(
                username=u.username,
                display_name=u.display_name,
                role=m.role,
                party=m.party,
                joined_at=m.joined_at,
                active=bool(u.is_active),
            )
            for m, u in rows
        ]
    return sorted(found, key=lambda m: (order[m.role], m.party or "", m.username))


def _check_role(dialogue: Dialogue, role: str, party: str | None) -> str | None:
    if role not in MEMBER_ROLES:
        raise InputError(f"expected one of {', '.join(MEMBER_ROLES)}", field="role").with_key(
            "dlgerr.role_choice"
        )
    if role in PARTY_ROLES:
        code = (party or "").strip().upper()
        if code not in (dialogue.parties or []):
            raise InputError(
                f"a {role} belongs to one of the parties {', '.join(dialogue.parties or [])}",
                field="party",
            ).with_key("dlgerr.party_needed", parties=", ".join(dialogue.parties or []))
        return code
    if party:
        raise InputError(
            f"a {role} belongs to no party; leave party empty", field="party"
        ).with_key("dlgerr.party_none")
    return None


def _check_one_head(session: Session, dialogue: Dialogue, role: str, party: str | None) -> None:
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


def change_member(
    store: DialogueStore, user: User, slug: str, username: str, *, role: str, party: str | None
) -> MemberInfo:
    """Give a member another role (or party) in this dialogue (facilitators)."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators change roles")
    with store.session(write=True) as session:
        dialogue = queries.dialogue_by_slug(session, slug)
        code = _check_role(dialogue, role, party)
        target = accounts.get_user(session, username=username)
        member = _membership(session, dialogue.id, target.id)
        if member is None:
            raise NotFoundError(f"{username!r} is not a member of {slug!r}").with_key(
                "dlgerr.not_member", username=username
            )
        if (member.role, member.party) != (role, code):
            _check_one_head(session, dialogue, role, code)
        before = (member.role, member.party)
        member.role, member.party = role, code
        _audit(
            session,
            _actor(session, user),
            "member.change",
            f"{slug}/{username}",
            before=list(before),
            role=role,
            party=code,
        )
        session.flush()
        return MemberInfo(
            target.username, target.display_name, role, code, member.joined_at, target.is_active
        )


def remove_member(
    store: DialogueStore, user: User, slug: str, username: str, *, confirm: bool
) -> None:
    """Remove a member (irreversible: they need a new invitation to come back)."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators remove members")
    _require_confirm(confirm)
    with store.session(write=True) as session:
        dialogue = queries.dialogue_by_slug(session, slug)
        target = accounts.get_user(session, username=username)
        member = _membership(session, dialogue.id, target.id)
        if member is None:
            raise NotFoundError(f"{username!r} is not a member of {slug!r}").with_key(
                "dlgerr.not_member", username=username
            )
        role, party = member.role, member.party
        session.delete(member)
        _audit(
            session,
            _actor(session, user),
            "member.remove",
            f"{slug}/{username}",
            role=role,
            party=party,
        )


def _require_confirm(confirm: bool) -> None:
    if not confirm:
        raise InputError(
            "this cannot be undone; send confirm: true to go ahead", field="confirm"
        ).with_key("dlgerr.confirm")


# ---------------------------------------------------------------- invitations


def _state(invitation: Invitation, now: datetime) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= now:
        return "expired"
    return "open"


def _invitation_info(row: Invitation, now: datetime) -> InvitationInfo:
    return InvitationInfo(
        id=row.id,
        role=row.role,
        party=row.party,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        state=_state(row, now),
        used_by=row.used_by,
    )


def create_invitation(
    store: DialogueStore,
    user: User,
    slug: str,
    *,
    role: str,
    party: str | None,
    expires_in_days: int = DEFAULT_INVITATION_DAYS,
    note: str = "",
) -> tuple[str, InvitationInfo]:
    """A one-time invitation; returns the secret token (shown once) and the record."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators invite")
    require_active(store, slug)
    if not 1 <= expires_in_days <= MAX_INVITATION_DAYS:
        raise InputError(
            f"an invitation lasts 1 to {MAX_INVITATION_DAYS} days", field="expires_in_days"
        ).with_key("dlgerr.invitation_days", days=MAX_INVITATION_DAYS)
    token = secrets.token_urlsafe(32)
    now = utc_now()
    with store.session(write=True) as session:
        dialogue = queries.dialogue_by_slug(session, slug)
        code = _check_role(dialogue, role, party)
        row = Invitation(
            dialogue_id=dialogue.id,
            token_hash=token_hash(token),
            role=role,
            party=code,
            note=note.strip()[:200],
            created_by=user.username,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days),
        )
        session.add(row)
        session.flush()
        _audit(
            session,
            _actor(session, user),
            "invitation.create",
            slug,
            invitation=row.id,
            role=role,
            party=code,
        )
        return token, _invitation_info(row, now)


def invitations(store: DialogueStore, user: User, slug: str) -> list[InvitationInfo]:
    """Every invitation of the dialogue, newest first (facilitators)."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators see invitations")
    now = utc_now()
    with store.session() as session:
        dialogue = queries.dialogue_by_slug(session, slug)
        rows = session.scalars(
            select(Invitation)
            .where(Invitation.dialogue_id == dialogue.id)
            .order_by(Invitation.id.desc())
        ).all()
        return [_invitation_info(r, now) for r in rows]


def revoke_invitation(store: DialogueStore, user: User, slug: str, invitation_id: int) -> None:
    """Revoke an invitation that was not used yet (facilitators)."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators revoke invitations")
    with store.session(write=True) as session:
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
            row.revoked_at = utc_now()
            _audit(session, _actor(session, user), "invitation.revoke", slug, invitation=row.id)


def _open_invitation(session: Session, token: str) -> tuple[Invitation, Dialogue]:
    row = session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if row is None:
        raise NotFoundError("no such invitation").with_key("dlgerr.no_invitation")
    dialogue = session.get(Dialogue, row.dialogue_id)
    return row, dialogue


def preview_invitation(store: DialogueStore, token: str) -> InvitationPreview:
    """What the invitation offers and whether it can still be accepted."""
    with store.session() as session:
        row, dialogue = _open_invitation(session, token)
        return InvitationPreview(
            slug=dialogue.slug,
            title=dialogue.title,
            title_zh=dialogue.title_zh or "",
            role=row.role,
            party=row.party,
            expires_at=row.expires_at,
            state=_state(row, utc_now()),
        )


def accept_invitation(
    store: DialogueStore,
    token: str,
    *,
    user: User | None,
    username: str = "",
    password: str = "",
    display_name: str = "",
    locale: str = "en",
) -> tuple[User, str]:
    """Accept an invitation: logged in, it adds the membership; anonymously, it also
    creates the account (the same password rules as every account).  Returns the
    account and the dialogue slug.  A used, expired or revoked link is gone (410)."""
    with store.session(write=True) as session:
        row, dialogue = _open_invitation(session, token)
        state = _state(row, utc_now())
        if state != "open":
            gone = GoneError(f"this invitation link was {state}; ask the facilitator for a new one")
            gone.state = state
            raise gone.with_key(f"setup.gone.{state}")
        if user is None:
            account = accounts.create_user(
                session,
                username=username.strip().lower(),
                password=password,
                role=Role.MEMBER.value,
                display_name=display_name.strip() or None,
                locale=locale,
            )
            accounts.record(
                session,
                actor=account,
                action="user.create",
                target_type="user",
                target_id=account.username,
                detail={"via": "invitation", "invitation": row.id},
            )
        else:
            account = session.get(User, user.id)
        member = _membership(session, dialogue.id, account.id)
        if member is not None:
            raise ConflictError(
                f"you are a {member.role} of this dialogue already", field="invitation"
            ).with_key("dlgerr.member_already")
        _check_one_head(session, dialogue, row.role, row.party)
        session.add(
            DialogueMember(
                dialogue_id=dialogue.id,
                user_id=account.id,
                role=row.role,
                party=row.party,
                invited_by=row.created_by,
            )
        )
        row.used_at, row.used_by = utc_now(), account.username
        _audit(
            session,
            account,
            "invitation.accept",
            dialogue.slug,
            invitation=row.id,
            role=row.role,
            party=row.party,
        )
        session.flush()
        session.expunge(account)
        return account, dialogue.slug


def add_member(
    store: DialogueStore,
    slug: str,
    *,
    username: str,
    role: str,
    party: str | None = None,
    actor: User | None = None,
) -> None:
    """Make an existing account a member directly (the demo and the command line)."""
    with store.session(write=True) as session:
        dialogue = queries.dialogue_by_slug(session, slug)
        code = _check_role(dialogue, role, party)
        account = accounts.get_user(session, username=username)
        if _membership(session, dialogue.id, account.id) is not None:
            raise ConflictError(f"{username!r} is a member already", field="username").with_key(
                "dlgerr.is_member", username=username
            )
        _check_one_head(session, dialogue, role, code)
        session.add(
            DialogueMember(
                dialogue_id=dialogue.id,
                user_id=account.id,
                role=role,
                party=code,
                invited_by=actor.username if actor else "system",
            )
        )
        _audit(
            session,
            _actor(session, actor),
            "member.add",
            f"{slug}/{username}",
            role=role,
            party=code,
        )


# ---------------------------------------------------------------- completeness


def heads(store: DialogueStore, slug: str) -> set[str]:
    """The parties that have a head of delegation."""
    return store.parties_with_head(slug)


def completion(store: DialogueStore, slug: str) -> dict[str, bool]:
    """Per party: has it declared its scope positions complete?"""
    return store.completion(slug)


def set_complete(store: DialogueStore, slug: str, *, party: str, by: str, done: bool) -> bool:
    """Record (or withdraw) a party's declaration; True when something changed."""
    return store.set_complete(slug, party=party, by=by, done=done)


__all__ = [
    "DEFAULT_INVITATION_DAYS",
    "Forbidden",
    "InvitationInfo",
    "InvitationPreview",
    "MemberInfo",
    "accept_invitation",
    "add_member",
    "change_member",
    "completion",
    "create_dialogue",
    "create_invitation",
    "enter",
    "heads",
    "invitations",
    "list_dialogues",
    "members",
    "preview_invitation",
    "remove_member",
    "revoke_invitation",
    "set_complete",
    "update_dialogue",
    "viewer_for",
]
