"""HTML pages of dialogue set-up: new dialogue, members and invitations, invitation link.

Every action goes through :mod:`stratstab.web.dialogues.members`, the service the JSON
API uses too.  Irreversible actions (removing a member) pass through a confirmation
page that needs no script; each action ends on a page with a banner saying what was
done.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from stratstab.dialogue.membership import MEMBER_ROLES
from stratstab.errors import ConflictError, GoneError, InputError, NotFoundError
from stratstab.web.auth import service as auth_service
from stratstab.web.deps import CurrentUser, OptionalUser, SessionDep, TranslatorDep
from stratstab.web.dialogues import members
from stratstab.web.dialogues.common import store_of, viewer_of
from stratstab.web.dialogues.pages import _room, confirm_page
from stratstab.web.dialogues.schemas import DialogueCreate
from stratstab.web.dialogues.setup_api import invitation_url
from stratstab.web.errors import validation_message
from stratstab.web.templating import render

setup_pages = APIRouter(include_in_schema=False)

TokenPath = Annotated[str, Path(min_length=16, max_length=128)]


def _to(slug: str, tab: str, done: str) -> Response:
    return RedirectResponse(f"/dialogues/{slug}/{tab}?done={done}", status_code=303)


@setup_pages.get("/dialogues/new", response_class=HTMLResponse)
def new_dialogue_page(request: Request, user: CurrentUser) -> HTMLResponse:
    """The form that sets up a dialogue (facilitators and admins)."""
    if not members.may_create_dialogues(user):
        raise members.Forbidden("only facilitators and admins set up dialogues").with_key(
            "dlgerr.setup_forbidden"
        )
    return render(request, "dialogues/new.html", {"form": {}})


@setup_pages.post("/dialogues", response_class=HTMLResponse)
def new_dialogue_submit(
    request: Request,
    user: CurrentUser,
    slug: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    title_zh: Annotated[str, Form()] = "",
    track: Annotated[str, Form()] = "II",
    parties: Annotated[list[str] | None, Form()] = None,
    other_party: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    """Create the dialogue and go to its members page; the form again on bad input."""
    chosen = list(parties or []) + ([other_party.strip()] if other_party.strip() else [])
    form = {
        "slug": slug,
        "title": title,
        "title_zh": title_zh,
        "track": track,
        "parties": chosen,
        "other_party": other_party,
        "description": description,
    }
    if not members.may_create_dialogues(user):
        raise members.Forbidden("only facilitators and admins set up dialogues").with_key(
            "dlgerr.setup_forbidden"
        )
    t = request.state.translator
    try:
        # The API's schema: the same limits, patterns and plain-text rule on both paths.
        fields = {k: v for k, v in form.items() if k != "other_party"}
        body = DialogueCreate.model_validate({**fields, "slug": slug.strip()})
        info = members.create_dialogue(store_of(request), user, **body.model_dump())
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        if field in _FORM_FIELDS and first["type"] != "control_characters":
            message = t(f"setup.form_error.{field}")
        else:
            message = validation_message(t, exc.errors())[0]
        return _form_again(request, form, message, status_code=422)
    except InputError as exc:
        message = t(f"setup.form_error.{exc.field}") if exc.field in _FORM_FIELDS else str(exc)
        if isinstance(exc, ConflictError):
            message = t("setup.form_error.slug_taken")
        status = 409 if isinstance(exc, ConflictError) else 400
        return _form_again(request, form, message, status_code=status)
    return _to(info.slug, "members", "created")


def _form_again(request: Request, form: dict, message: str, *, status_code: int) -> Response:
    """The new-dialogue form with what was typed and why it was refused."""
    context = {"form": form, "error": message}
    return render(request, "dialogues/new.html", context, status_code=status_code)


_FORM_FIELDS = ("slug", "title", "track", "parties")


@setup_pages.get("/dialogues/{slug}/members", response_class=HTMLResponse)
def members_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """Members; for facilitators also invitations and the dialogue's settings."""
    return _members_page(request, user, slug)


def _members_page(request: Request, user, slug: str, **extra) -> HTMLResponse:
    store = store_of(request)
    viewer = viewer_of(request, user, slug)
    people = members.members(store, user, slug)
    links = members.invitations(store, user, slug) if viewer.runs_dialogues else []
    context = {"members": people, "invitations": links, "roles": MEMBER_ROLES, **extra}
    return _room(request, user, slug, "members", **context)


@setup_pages.post("/dialogues/{slug}/invitations", response_class=HTMLResponse)
def invitation_submit(
    slug: str,
    request: Request,
    user: CurrentUser,
    role: Annotated[str, Form()],
    party: Annotated[str, Form()] = "",
    expires_in_days: Annotated[int, Form(ge=1, le=60)] = 7,
    note: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """Make a one-time link and show it once (only its hash is kept)."""
    token, info = members.create_invitation(
        store_of(request),
        user,
        slug,
        role=role,
        party=party or None,
        expires_in_days=expires_in_days,
        note=note,
    )
    link = {
        "url": invitation_url(request, token),
        "role": info.role,
        "party": info.party,
        "expires_at": info.expires_at,
    }
    request.scope["query_string"] = b"done=invited"
    return _members_page(request, user, slug, new_link=link)


@setup_pages.post("/dialogues/{slug}/invitations/{invitation_id}/revoke")
def invitation_revoke(
    slug: str,
    invitation_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    request: Request,
    user: CurrentUser,
) -> Response:
    """Revoke an unused invitation."""
    members.revoke_invitation(store_of(request), user, slug, invitation_id)
    return _to(slug, "members", "revoked")


@setup_pages.post("/dialogues/{slug}/members/{username}/role")
def member_role(
    slug: str,
    username: str,
    request: Request,
    user: CurrentUser,
    role: Annotated[str, Form()],
    party: Annotated[str, Form()] = "",
) -> Response:
    """Give a member another role or party."""
    members.change_member(store_of(request), user, slug, username, role=role, party=party or None)
    return _to(slug, "members", "role_changed")


@setup_pages.post("/dialogues/{slug}/members/{username}/remove")
def member_remove(
    slug: str,
    username: str,
    request: Request,
    user: CurrentUser,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Remove a member, after a confirmation step."""
    store = store_of(request)
    if confirm != "1":
        viewer = members.enter(store, user, slug)
        if not viewer.runs_dialogues:
            raise members.Forbidden("only facilitators remove members").with_key("dlgerr.forbidden")
        if not any(m.username == username for m in members.members(store, user, slug)):
            raise NotFoundError(f"{username!r} is not a member of {slug!r}").with_key(
                "dlgerr.not_member", username=username
            )
        return confirm_page(
            request,
            user,
            slug,
            action="remove_member",
            target=f"/dialogues/{slug}/members/{username}/remove",
            fields={},
            back=f"/dialogues/{slug}/members",
        )
    members.remove_member(store, user, slug, username, confirm=True)
    return _to(slug, "members", "member_removed")


@setup_pages.post("/dialogues/{slug}/settings")
def settings_submit(
    slug: str,
    request: Request,
    user: CurrentUser,
    title: Annotated[str, Form(max_length=300)],
    title_zh: Annotated[str, Form(max_length=300)] = "",
    track: Annotated[str, Form()] = "II",
    description: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Edit the dialogue's titles, track and description."""
    members.update_dialogue(
        store_of(request),
        user,
        slug,
        title=title,
        title_zh=title_zh,
        track=track,
        description=description,
    )
    return _to(slug, "members", "saved")


@setup_pages.post("/dialogues/{slug}/archive")
def archive_submit(
    slug: str, request: Request, user: CurrentUser, archived: Annotated[str, Form()] = "1"
) -> Response:
    """Archive (read-only) or restore the dialogue."""
    members.update_dialogue(store_of(request), user, slug, archived=archived == "1")
    return _to(slug, "members", "archived" if archived == "1" else "restored")


@setup_pages.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_page(token: TokenPath, request: Request, user: OptionalUser) -> HTMLResponse:
    """What the invitation offers, and the form to accept it."""
    return _invitation_page(request, token, user)


def _invitation_page(request: Request, token: str, user, **extra) -> HTMLResponse:
    found = members.preview_invitation(store_of(request), token)
    gone = None if found.state == "open" else found.state
    context = {"invitation": found, "token": token, "gone": gone, "form": {}, **extra}
    return render(request, "invitation.html", context, status_code=410 if gone else 200)


@setup_pages.post("/invitations/{token}", response_class=HTMLResponse)
def invitation_accept(
    token: TokenPath,
    request: Request,
    db: SessionDep,
    user: OptionalUser,
    t: TranslatorDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    locale: Annotated[str, Form()] = "",
) -> Response:
    """Accept: create the account (anonymous) or add the membership (logged in)."""
    store = store_of(request)
    try:
        if user is None and not (username.strip() and password):
            raise InputError("username and password are needed", field="username").with_key(
                "dlgerr.credentials_needed"
            )
        accepted = members.accept_invitation(
            store,
            token,
            user=user,
            username=username,
            password=password,
            display_name=display_name,
            locale=locale or t.locale,
        )
    except GoneError:
        return _invitation_page(request, token, user)
    except InputError as exc:
        form = {"username": username, "display_name": display_name}
        response = _invitation_page(request, token, user, error=str(exc), form=form)
        response.status_code = 409 if isinstance(exc, ConflictError) else 400
        return response
    target = RedirectResponse(f"/dialogues/{accepted.slug}/vote?done=joined", status_code=303)
    if user is None:
        auth_service.log_in(db, request, target, username=accepted.username, password=password)
    return target
