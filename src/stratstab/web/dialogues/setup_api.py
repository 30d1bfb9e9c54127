"""JSON API of dialogue set-up: dialogues, members, invitations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from stratstab.errors import GoneError, InputError
from stratstab.web.deps import CurrentUser, OptionalUser
from stratstab.web.dialogues import members
from stratstab.web.dialogues.common import store_of
from stratstab.web.dialogues.schemas import (
    DialogueCreate,
    DialoguePublic,
    DialogueUpdate,
    InvitationAccept,
    InvitationAccepted,
    InvitationCreate,
    InvitationCreated,
    InvitationPreviewPublic,
    InvitationPublic,
    MemberPublic,
    MemberUpdate,
)

setup_api = APIRouter(prefix="/dialogues", tags=["dialogue set-up"])
invitations_api = APIRouter(prefix="/invitations", tags=["dialogue set-up"])

GONE_ZH = {
    "used": "此邀请链接已被使用。请向主持人索取新的链接。",
    "expired": "此邀请链接已过期。请向主持人索取新的链接。",
    "revoked": "此邀请链接已被撤销。请向主持人索取新的链接。",
}

TokenPath = Annotated[str, Path(min_length=16, max_length=128)]


def invitation_url(request: Request, token: str) -> str:
    """The absolute link a person opens to accept an invitation."""
    return str(request.base_url).rstrip("/") + f"/invitations/{token}"


def _dialogue_public(info) -> DialoguePublic:
    return DialoguePublic(**{**info.to_dict(), "parties": list(info.parties)})


@setup_api.post("", response_model=DialoguePublic, status_code=201, summary="Create a dialogue")
def create_dialogue(body: DialogueCreate, request: Request, user: CurrentUser) -> DialoguePublic:
    """Facilitators and admins create a dialogue (2-4 parties) and become its
    facilitator; 409 when the slug is taken."""
    info = members.create_dialogue(
        store_of(request),
        user,
        slug=body.slug,
        title=body.title,
        title_zh=body.title_zh,
        track=body.track,
        parties=body.parties,
        description=body.description,
    )
    return _dialogue_public(info)


@setup_api.patch("/{slug}", response_model=DialoguePublic, summary="Edit or archive a dialogue")
def update_dialogue(
    slug: str, body: DialogueUpdate, request: Request, user: CurrentUser
) -> DialoguePublic:
    """Titles, track, description; ``archived`` true archives (read-only), false restores."""
    info = members.update_dialogue(store_of(request), user, slug, **body.model_dump())
    return _dialogue_public(info)


def _member(m: members.MemberInfo) -> MemberPublic:
    return MemberPublic(**m.__dict__)


@setup_api.get("/{slug}/members", response_model=list[MemberPublic], summary="Members")
def list_members(slug: str, request: Request, user: CurrentUser) -> list[MemberPublic]:
    """Everyone taking part, with their role and party."""
    return [_member(m) for m in members.members(store_of(request), user, slug)]


@setup_api.patch(
    "/{slug}/members/{username}", response_model=MemberPublic, summary="Change a member's role"
)
def change_member(
    slug: str, username: str, body: MemberUpdate, request: Request, user: CurrentUser
) -> MemberPublic:
    """Facilitators give a member another role or party."""
    changed = members.change_member(
        store_of(request), user, slug, username, role=body.role, party=body.party
    )
    return _member(changed)


@setup_api.delete("/{slug}/members/{username}", status_code=204, summary="Remove a member")
def remove_member(
    slug: str,
    username: str,
    request: Request,
    user: CurrentUser,
    confirm: Annotated[bool, Query()] = False,
) -> Response:
    """Facilitators remove a member; irreversible, so it needs ``?confirm=true``."""
    members.remove_member(store_of(request), user, slug, username, confirm=confirm)
    return Response(status_code=204)


@setup_api.post(
    "/{slug}/invitations",
    response_model=InvitationCreated,
    status_code=201,
    summary="Invite someone",
)
def create_invitation(
    slug: str, body: InvitationCreate, request: Request, user: CurrentUser
) -> InvitationCreated:
    """A one-time link with a role (party for heads and delegates), valid 7 days by
    default; only its hash is stored, so the token is shown this once."""
    token, info = members.create_invitation(
        store_of(request),
        user,
        slug,
        role=body.role,
        party=body.party,
        expires_in_days=body.expires_in_days,
        note=body.note,
    )
    return InvitationCreated(
        id=info.id,
        token=token,
        url=invitation_url(request, token),
        role=info.role,
        party=info.party,
        expires_at=info.expires_at,
    )


@setup_api.get(
    "/{slug}/invitations", response_model=list[InvitationPublic], summary="List invitations"
)
def list_invitations(slug: str, request: Request, user: CurrentUser) -> list[InvitationPublic]:
    """Every invitation with its state (open, used, expired, revoked), newest first."""
    found = members.invitations(store_of(request), user, slug)
    return [InvitationPublic(**i.__dict__) for i in found]


@setup_api.delete(
    "/{slug}/invitations/{invitation_id}", status_code=204, summary="Revoke an invitation"
)
def revoke_invitation(
    slug: str,
    invitation_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    request: Request,
    user: CurrentUser,
) -> Response:
    """The link stops working at once."""
    members.revoke_invitation(store_of(request), user, slug, invitation_id)
    return Response(status_code=204)


@invitations_api.get(
    "/{token}", response_model=InvitationPreviewPublic, summary="What an invitation offers"
)
def preview_invitation(token: TokenPath, request: Request) -> InvitationPreviewPublic:
    """The dialogue, role and party of an invitation, and whether it is still open."""
    found = members.preview_invitation(store_of(request), token)
    return InvitationPreviewPublic(
        dialogue=found.slug,
        title=found.title,
        title_zh=found.title_zh,
        role=found.role,
        party=found.party,
        expires_at=found.expires_at,
        state=found.state,
    )


@invitations_api.post(
    "/{token}/accept",
    response_model=InvitationAccepted,
    status_code=201,
    summary="Accept an invitation",
)
def accept_invitation(
    token: TokenPath, body: InvitationAccept, request: Request, user: OptionalUser
) -> InvitationAccepted:
    """Logged in: adds the membership.  Anonymous: creates the account (username,
    password, display name, locale) and the membership.  410 once used, expired or
    revoked."""
    if user is None and not (body.username and body.password):
        raise InputError(
            "username and password are needed to create your account", field="username"
        ).with_key("dlgerr.credentials_needed")
    try:
        accepted = members.accept_invitation(
            store_of(request),
            token,
            user=user,
            username=body.username or "",
            password=body.password or "",
            display_name=body.display_name,
            locale=body.locale,
        )
    except GoneError as exc:
        return JSONResponse(  # type: ignore[return-value]
            {"detail": str(exc), "detail_zh": GONE_ZH.get(exc.state, ""), "state": exc.state},
            status_code=410,
        )
    return InvitationAccepted(
        username=accepted.username, dialogue=accepted.slug, role=accepted.role, party=accepted.party
    )
