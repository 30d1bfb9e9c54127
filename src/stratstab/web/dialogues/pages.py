"""HTML pages of the dialogue rooms (htmx for voting and the live consensus view).

Every form is validated by the same schema as the matching JSON route
(``FORM_SCHEMAS``), through :func:`stratstab.web.forms.FormBody`.
"""

from __future__ import annotations

from datetime import date as date_type
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stratstab.dialogue.catalogue import load_catalogue
from stratstab.errors import InputError
from stratstab.reports import pdf
from stratstab.web.deps import CurrentUser, SessionDep, TranslatorDep
from stratstab.web.dialogues import (
    actions,
    members,
    outcome,
    scope_service,
    service,
    translation,
    views,
)
from stratstab.web.dialogues import report as reports
from stratstab.web.dialogues.common import audit, store_of, viewer_of
from stratstab.web.dialogues.schemas import (
    LedgerItemCreate,
    LedgerKey,
    LedgerStatusUpdate,
    ModerationUpdate,
    RoundClose,
    ScopePositionUpdate,
    StatementCreate,
    StatementId,
    TopicId,
    TranslationUpdate,
    VoteCreate,
)
from stratstab.web.forms import FormBody
from stratstab.web.params import RoundNumber
from stratstab.web.templating import render

pages = APIRouter(prefix="/dialogues", include_in_schema=False)

# The schemas the page forms share with the JSON API.
FORM_SCHEMAS = (
    VoteCreate,
    StatementCreate,
    ModerationUpdate,
    ScopePositionUpdate,
    LedgerItemCreate,
    LedgerStatusUpdate,
    RoundClose,
    TranslationUpdate,
)


def _room(request: Request, user, slug: str, tab: str, **context) -> HTMLResponse:
    dialogue, codes = service.enter(store_of(request), viewer_of(request, user, slug), slug)
    base = {
        "dialogue": dialogue,
        "delegations": codes,
        "tab": tab,
        "viewer": viewer_of(request, user, slug),
        "catalogue": load_catalogue(),
        "views": views,
        "done": request.query_params.get("done", ""),
    }
    template = context.pop("template", f"dialogues/{tab}.html")
    return render(request, template, {**base, **context})


def _back(slug: str, tab: str, *, done: str = "") -> Response:
    """Back to a tab; ``done`` names the banner that says what was just done."""
    suffix = f"?done={done}" if done else ""
    return RedirectResponse(f"/dialogues/{slug}/{tab}{suffix}", status_code=303)


@pages.get("", response_class=HTMLResponse)
def dialogue_list(request: Request, user: CurrentUser) -> HTMLResponse:
    """The dialogues the user may enter."""
    found = members.list_dialogues(store_of(request), user)
    context = {"dialogues": found, "may_create": members.may_create_dialogues(user)}
    return render(request, "dialogues/list.html", context)


@pages.get("/{slug}")
def dialogue_home(slug: str, request: Request, user: CurrentUser) -> Response:
    """A room opens on its voting tab."""
    service.enter(store_of(request), viewer_of(request, user, slug), slug)
    return _back(slug, "vote")


def _vote_card(request: Request, user, slug: str) -> dict:
    item, voted, votable = service.next_statement(
        store_of(request), viewer_of(request, user, slug), slug
    )
    return {
        "item": item,
        "voted": voted,
        "votable": votable,
        "catalogue": load_catalogue(),
        "views": views,
    }


@pages.get("/{slug}/vote", response_class=HTMLResponse)
def vote_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """One statement at a time, plus the form to submit a statement."""
    mine = [
        s
        for s in service.statements(store_of(request), viewer_of(request, user, slug), slug)
        if s.info.author == viewer_of(request, user, slug).participant_id
    ]
    return _room(request, user, slug, "vote", mine=mine, **_vote_card(request, user, slug))


@pages.post("/{slug}/vote", response_class=HTMLResponse)
def vote_submit(
    slug: str,
    request: Request,
    user: CurrentUser,
    body: Annotated[VoteCreate, FormBody(VoteCreate)],
    idempotency_key: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """Record a vote and answer with the next statement card (htmx swap).

    The card's hidden idempotency key makes a double click or a resent form count once.
    """
    service.cast_vote(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        statement=body.statement,
        value=body.value,
        importance=body.importance,
        idempotency_key=idempotency_key or None,
    )
    context = {
        "dialogue": service.enter(store_of(request), viewer_of(request, user, slug), slug)[0],
        **_vote_card(request, user, slug),
    }
    return render(request, "dialogues/_vote_card.html", context)


@pages.post("/{slug}/statements")
def statement_submit(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[StatementCreate, FormBody(StatementCreate)],
    idempotency_key: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Submit a statement in one's own language (pending until the facilitator accepts it);
    a resent form adds none."""
    info, replayed = service.submit_statement(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        text_en=body.text_en,
        text_zh=body.text_zh,
        topics=body.topics,
        sealed=body.sealed,
        idempotency_key=idempotency_key or None,
        original_language=body.original_language,
    )
    if not replayed:
        audit(
            db, user, "statement.submit", f"{slug}/{info.external_id}", moderation=info.moderation
        )
    return _back(slug, "statements" if viewer_of(request, user, slug).runs_dialogues else "vote")


@pages.get("/{slug}/statements", response_class=HTMLResponse)
def statements_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """Every statement the user may see; moderation and translation controls."""
    items = service.statements(store_of(request), viewer_of(request, user, slug), slug)
    enabled = translation.machine_translation_enabled(request.app.state.settings)
    return _room(request, user, slug, "statements", items=items, machine_translation=enabled)


@pages.post("/{slug}/statements/{statement_id}/translation")
def translation_submit(
    slug: str,
    statement_id: StatementId,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[TranslationUpdate, FormBody(TranslationUpdate)],
) -> Response:
    """Save a person's translation (empty text removes it)."""
    actions.save_translation(request, db, user, slug, statement_id, body)
    return _back(slug, "statements")


@pages.post("/{slug}/statements/{statement_id}/translation/{action}")
def suggestion_action(
    slug: str,
    statement_id: StatementId,
    action: Literal["suggest", "accept", "discard"],
    request: Request,
    db: SessionDep,
    user: CurrentUser,
) -> Response:
    """Ask the configured model for a suggestion, accept it, or discard it."""
    actions.machine_suggestion(request, db, user, slug, statement_id, action)
    return _back(slug, "statements")


@pages.post("/{slug}/statements/{statement_id}/moderate")
def moderate_submit(
    slug: str,
    statement_id: StatementId,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[ModerationUpdate, FormBody(ModerationUpdate)],
) -> Response:
    """Accept / reject, seal / unseal a statement (reject and seal after a confirm step)."""
    if (body.moderation == "rejected" or body.sealed is True) and not body.confirm:
        service.find_statement(
            store_of(request), viewer_of(request, user, slug), slug, statement_id
        )
        return confirm_page(
            request,
            user,
            slug,
            action="reject" if body.moderation == "rejected" else "seal",
            target=f"/dialogues/{slug}/statements/{statement_id}/moderate",
            fields={
                "moderation": body.moderation or "",
                "sealed": "" if body.sealed is None else ("1" if body.sealed else "0"),
            },
            back=f"/dialogues/{slug}/statements",
        )
    actions.moderate(request, db, user, slug, statement_id, body)
    done = {"rejected": "rejected", "accepted": "accepted"}.get(body.moderation or "", "")
    done = done or {True: "sealed", False: "unsealed"}.get(body.sealed, "")
    return _back(slug, "statements", done=done)


@pages.get("/{slug}/consensus", response_class=HTMLResponse)
def consensus_page(
    slug: str, request: Request, user: CurrentUser, t: TranslatorDep
) -> HTMLResponse:
    """Plain-language findings first; statistics behind "details" (refreshes itself)."""
    view = outcome.consensus_view(store_of(request), viewer_of(request, user, slug), slug)
    return _room(request, user, slug, "consensus", **view.context(t.locale))


@pages.get("/{slug}/consensus/live", response_class=HTMLResponse)
def consensus_fragment(
    slug: str, request: Request, user: CurrentUser, t: TranslatorDep
) -> HTMLResponse:
    """The consensus fragment alone, for htmx polling."""
    dialogue, _ = service.enter(store_of(request), viewer_of(request, user, slug), slug)
    view = outcome.consensus_view(store_of(request), viewer_of(request, user, slug), slug)
    context = {
        "dialogue": dialogue,
        "viewer": viewer_of(request, user, slug),
        "views": views,
        **view.context(t.locale),
    }
    return render(request, "dialogues/_consensus.html", context)


#: htmx event an open consensus page listens for to fetch the new fragment.
CONSENSUS_CHANGED_EVENT = "stratstab:consensus-changed"


@pages.get("/{slug}/consensus/version")
def consensus_version(
    slug: str,
    request: Request,
    user: CurrentUser,
    shown: Annotated[int, Query(ge=-1, le=2**62)] = -1,
) -> Response:
    """The cheap check an open consensus page polls: the stored analysis's version.

    When it differs from the version the page ``shown``, the answer carries the htmx
    event that makes the page fetch the new fragment; otherwise the page does nothing.
    """
    versions = service.consensus_versions(store_of(request), viewer_of(request, user, slug), slug)
    answer = Response(
        content=f'{{"version": {versions.computed_version}, "pending": '
        f"{'false' if versions.current else 'true'}}}",
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )
    if versions.computed_version != shown:
        answer.headers["HX-Trigger"] = CONSENSUS_CHANGED_EVENT
    return answer


@pages.get("/{slug}/scope", response_class=HTMLResponse)
def scope_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """Scope matrix (topics × delegations), sealed cells, staged agenda."""
    view = scope_service.scope_view(store_of(request), viewer_of(request, user, slug), slug)
    return _room(request, user, slug, "scope", scope=view)


@pages.post("/{slug}/scope")
def scope_submit(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    topic: Annotated[TopicId, Form()],
    body: Annotated[ScopePositionUpdate, FormBody(ScopePositionUpdate)],
) -> Response:
    """Set the delegation's (sealed) position on one topic."""
    actions.set_scope_position(request, db, user, slug, topic, body)
    return _back(slug, "scope", done="position_saved")


@pages.post("/{slug}/complete")
def complete_submit(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    complete: Annotated[str, Form()] = "1",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Declare the delegation's positions complete (after a confirm step), or withdraw."""
    store, viewer = store_of(request), viewer_of(request, user, slug)
    declaring = complete == "1"
    if declaring and confirm != "1":
        service.enter(store, viewer, slug)
        return confirm_page(
            request,
            user,
            slug,
            action="complete",
            target=f"/dialogues/{slug}/complete",
            fields={"complete": "1"},
            back=f"/dialogues/{slug}/scope",
        )
    scope_service.declare_complete(store, viewer, slug, complete=declaring, confirm=True)
    audit(db, user, "scope.complete", slug, party=viewer.delegation, complete=declaring)
    return _back(slug, "scope", done="complete" if declaring else "withdrawn")


@pages.post("/{slug}/reveal")
def reveal_submit(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Reveal every sealed item: once every delegation declared complete, after a
    confirm step."""
    store, viewer = store_of(request), viewer_of(request, user, slug)
    if confirm != "1":
        view = scope_service.scope_view(store, viewer, slug)
        if not view.may_reveal:  # the service explains why (403 or the waiting parties)
            scope_service.reveal(store, viewer, slug, confirm=False)
        return confirm_page(
            request,
            user,
            slug,
            action="reveal",
            target=f"/dialogues/{slug}/reveal",
            fields={},
            back=f"/dialogues/{slug}/scope",
        )
    count = scope_service.reveal(store, viewer, slug, confirm=True)
    audit(db, user, "scope.reveal", slug, revealed=count)
    return _back(slug, "scope", done="revealed")


def confirm_page(
    request: Request,
    user,
    slug: str,
    *,
    action: str,
    target: str,
    fields: dict[str, str],
    back: str,
) -> HTMLResponse:
    """The confirmation step of an irreversible action: a plain form, no script needed."""
    return _room(
        request,
        user,
        slug,
        "confirm",
        action=action,
        target=target,
        fields=fields,
        back=back,
    )


@pages.get("/{slug}/ledger", response_class=HTMLResponse)
def ledger_page(
    slug: str,
    request: Request,
    user: CurrentUser,
    round: Annotated[RoundNumber | None, Query()] = None,
) -> HTMLResponse:
    """The round ledger: agreed, disputed and open items, with history."""
    rounds, rows = scope_service.ledger(
        store_of(request), viewer_of(request, user, slug), slug, round_number=round
    )
    return _room(request, user, slug, "ledger", rounds=rounds, rows=rows, shown_round=round)


@pages.post("/{slug}/ledger")
def ledger_add(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[LedgerItemCreate, FormBody(LedgerItemCreate)],
) -> Response:
    """Open a ledger item."""
    actions.add_ledger_item(request, db, user, slug, body)
    return _back(slug, "ledger")


@pages.post("/{slug}/ledger/{key}")
def ledger_status(
    slug: str,
    key: LedgerKey,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[LedgerStatusUpdate, FormBody(LedgerStatusUpdate)],
) -> Response:
    """Record a ledger item's status in the current round."""
    actions.set_ledger_status(request, db, user, slug, key, body)
    return _back(slug, "ledger")


@pages.post("/{slug}/rounds/close")
def round_close(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[RoundClose, FormBody(RoundClose)],
) -> Response:
    """Close the round under way, after a confirm step (the next opens explicitly)."""
    store, viewer = store_of(request), viewer_of(request, user, slug)
    if not body.confirm:
        service.enter(store, viewer, slug)
        if not viewer.runs_dialogues:
            scope_service.close_round(store, viewer, slug, outcome=body.outcome, confirm=False)
        return confirm_page(
            request,
            user,
            slug,
            action="close_round",
            target=f"/dialogues/{slug}/rounds/close",
            fields={"outcome": body.outcome},
            back=f"/dialogues/{slug}/ledger",
        )
    closed = scope_service.close_round(store, viewer, slug, outcome=body.outcome, confirm=True)
    audit(db, user, "round.close", slug, round=closed.number)
    return _back(slug, "ledger", done="round_closed")


@pages.post("/{slug}/rounds/open")
def round_open(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    date: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    agenda: Annotated[str, Form()] = "",
    use_staged_agenda: Annotated[str, Form()] = "",
) -> Response:
    """Open the next round with its date, place and agenda (one item per line)."""
    store, viewer = store_of(request), viewer_of(request, user, slug)
    items = [line.strip() for line in agenda.splitlines() if line.strip()]
    if use_staged_agenda == "1":
        items = scope_service.staged_agenda(store, viewer, slug) + items
    opened = scope_service.open_round(
        store, viewer, slug, on_date=form_date(date), place=place.strip(), agenda=items
    )
    audit(db, user, "round.open", slug, round=opened.number)
    return _back(slug, "ledger", done="round_opened")


@pages.post("/{slug}/rounds/{number}")
def round_edit(
    slug: str,
    number: Annotated[int, Path(ge=1, le=10_000)],
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    date: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    agenda: Annotated[str, Form()] = "",
) -> Response:
    """Set the round's date, place and agenda (one item per line)."""
    scope_service.update_round(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        number,
        on_date=form_date(date),
        clear_date=not date.strip(),
        place=place,
        agenda=[line for line in agenda.splitlines()],
    )
    audit(db, user, "round.edit", f"{slug}/{number}")
    return _back(slug, "ledger", done="round_saved")


def form_date(text: str) -> date_type | None:
    """A YYYY-MM-DD form field, or None when empty."""
    if not text.strip():
        return None
    try:
        return date_type.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"expected a date YYYY-MM-DD, got {text!r}", field="date").with_key(
            "dlgerr.date"
        ) from None


@pages.get("/{slug}/report", response_class=HTMLResponse)
def report_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """The outcome report: choose language and naming, open or download."""
    return _room(
        request,
        user,
        slug,
        "report",
        template="dialogues/report_page.html",
        pdf_available=pdf.find_chromium() is not None,
    )


@pages.get("/{slug}/report/file")
def report_file(
    slug: str,
    request: Request,
    user: CurrentUser,
    t: TranslatorDep,
    report_format: Annotated[Literal["html", "pdf", "json"], Query(alias="format")] = "html",
    lang: Annotated[Literal["en", "zh"] | None, Query()] = None,
    chatham_house: Annotated[bool, Query()] = False,
) -> Response:
    """The report file itself (same service as the API)."""
    try:
        made = reports.outcome_report(
            store_of(request),
            viewer_of(request, user, slug),
            slug,
            fmt=report_format,
            lang=lang or t.locale,
            chatham_house=chatham_house,
        )
    except pdf.PdfUnavailable as exc:
        raise pdf.PdfUnavailable(f"{t('rep.pdf_missing')} ({exc})") from None
    return reports.file_response(made)
