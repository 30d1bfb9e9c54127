"""Dialogue set-up: creating and editing dialogues, members, invitations, completeness.

The one service layer behind the set-up pages, the JSON API and (for creation) the
command line.  Every function resolves the caller's role in the dialogue from its
membership and decides who may do what; the reads and writes go through
:class:`~stratstab.dialogue.store.DialogueStore`, which records each change in the
audit log in the same transaction as the change itself.
"""

from __future__ import annotations

from datetime import timedelta

from stratstab.accounts import service as accounts
from stratstab.accounts.models import User
from stratstab.accounts.roles import Role
from stratstab.dialogue.invitation_queries import gone as invitation_gone
from stratstab.dialogue.records import (
    AcceptedInvitation,
    AccountRef,
    DialogueInfo,
    InvitationInfo,
    InvitationPreview,
    MemberInfo,
)
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import Forbidden, InputError, NotFoundError
from stratstab.web.dialogues.access import Viewer, can_enter, require

DEFAULT_INVITATION_DAYS = 7
MAX_INVITATION_DAYS = 60


# ---------------------------------------------------------------- viewers


def viewer_for(
    store: DialogueStore, user: User | AccountRef | accounts.Principal, slug: str
) -> Viewer:
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
    return store.create_dialogue(
        slug=slug,
        title=title,
        title_zh=title_zh,
        track=track,
        parties=parties,
        description=description,
        facilitator_id=user.id,
    )


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
    return store.update_dialogue(
        slug,
        title=title,
        title_zh=title_zh,
        track=track,
        description=description,
        archived=archived,
        audited_by=user.id,
    )


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
    return store.members(slug)


def change_member(
    store: DialogueStore, user: User, slug: str, username: str, *, role: str, party: str | None
) -> MemberInfo:
    """Give a member another role (or party) in this dialogue (facilitators)."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators change roles")
    return store.change_member(slug, username, role=role, party=party, actor_id=user.id)


def remove_member(
    store: DialogueStore, user: User, slug: str, username: str, *, confirm: bool
) -> None:
    """Remove a member (irreversible: they need a new invitation to come back)."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators remove members")
    _require_confirm(confirm)
    store.remove_member(slug, username, actor_id=user.id)


def _require_confirm(confirm: bool) -> None:
    if not confirm:
        raise InputError(
            "this cannot be undone; send confirm: true to go ahead", field="confirm"
        ).with_key("dlgerr.confirm")


# ---------------------------------------------------------------- invitations


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
    return store.create_invitation(
        slug,
        role=role,
        party=party,
        lifetime=timedelta(days=expires_in_days),
        note=note,
        actor_id=user.id,
    )


def invitations(store: DialogueStore, user: User, slug: str) -> list[InvitationInfo]:
    """Every invitation of the dialogue, newest first (facilitators)."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators see invitations")
    return store.invitations(slug)


def revoke_invitation(store: DialogueStore, user: User, slug: str, invitation_id: int) -> None:
    """Revoke an invitation that was not used yet (facilitators)."""
    viewer = enter(store, user, slug)
    require(viewer.runs_dialogues, "only facilitators revoke invitations")
    store.revoke_invitation(slug, invitation_id, actor_id=user.id)


def preview_invitation(store: DialogueStore, token: str) -> InvitationPreview:
    """What the invitation offers and whether it can still be accepted."""
    return store.invitation_preview(token)


def accept_invitation(
    store: DialogueStore,
    token: str,
    *,
    user: User | None,
    username: str = "",
    password: str = "",
    display_name: str = "",
    locale: str = "en",
) -> AcceptedInvitation:
    """Accept an invitation: logged in, it adds the membership; anonymously, it also
    creates the account (the same password rules as every account).  Returns the
    account's name, the dialogue and the role and party taken.  A used, expired or
    revoked link is gone (410), before any account field is judged."""
    if user is not None:
        return store.accept_invitation(token, user_id=user.id)
    found = store.invitation_preview(token)
    if found.state != "open":
        raise invitation_gone(found.state)
    # The slow password hash is made here, before the write transaction begins.
    new_account = accounts.prepare_account(
        username=username.strip().lower(),
        password=password,
        role=Role.MEMBER.value,
        display_name=display_name.strip() or None,
        locale=locale,
    )
    return store.accept_invitation(token, new_account=new_account)


def add_member(
    store: DialogueStore,
    slug: str,
    *,
    username: str,
    role: str,
    party: str | None = None,
    actor: User | None = None,
) -> MemberInfo:
    """Make an existing account a member directly (the demo and the command line)."""
    return store.add_member(
        slug,
        username=username,
        role=role,
        party=party,
        actor_id=actor.id if actor is not None else None,
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
