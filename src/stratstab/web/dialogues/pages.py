"""HTML pages of the dialogue rooms (htmx for voting and the live consensus view)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stratstab.dialogue.catalogue import load_catalogue
from stratstab.dialogue.language import detect_language
from stratstab.reports import pdf
from stratstab.web.deps import CurrentUser, SessionDep, TranslatorDep
from stratstab.web.dialogues import outcome, scope_service, service, translation, views
from stratstab.web.dialogues import report as reports
from stratstab.web.dialogues.access import Viewer
from stratstab.web.dialogues.common import audit, store_of
from stratstab.web.params import Importance, Priority, RoundNumber, VoteValue
from stratstab.web.templating import render

pages = APIRouter(prefix="/dialogues", include_in_schema=False)


def _room(request: Request, user, slug: str, tab: str, **context) -> HTMLResponse:
    dialogue, codes = service.enter(store_of(request), Viewer.of(user), slug)
    base = {
        "dialogue": dialogue,
        "delegations": codes,
        "tab": tab,
        "viewer": Viewer.of(user),
        "catalogue": load_catalogue(),
        "views": views,
    }
    template = context.pop("template", f"dialogues/{tab}.html")
    return render(request, template, {**base, **context})


def _back(slug: str, tab: str) -> Response:
    return RedirectResponse(f"/dialogues/{slug}/{tab}", status_code=303)


@pages.get("", response_class=HTMLResponse)
def dialogue_list(request: Request, user: CurrentUser) -> HTMLResponse:
    """The dialogues the user may enter."""
    found = service.list_dialogues(store_of(request), Viewer.of(user))
    return render(request, "dialogues/list.html", {"dialogues": found})


@pages.get("/{slug}")
def dialogue_home(slug: str, request: Request, user: CurrentUser) -> Response:
    """A room opens on its voting tab."""
    service.enter(store_of(request), Viewer.of(user), slug)
    return _back(slug, "vote")


def _vote_card(request: Request, user, slug: str) -> dict:
    item, voted, votable = service.next_statement(store_of(request), Viewer.of(user), slug)
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
        for s in service.statements(store_of(request), Viewer.of(user), slug)
        if s.info.author == Viewer.of(user).participant_id
    ]
    return _room(request, user, slug, "vote", mine=mine, **_vote_card(request, user, slug))


@pages.post("/{slug}/vote", response_class=HTMLResponse)
def vote_submit(
    slug: str,
    request: Request,
    user: CurrentUser,
    statement: Annotated[str, Form()],
    value: Annotated[VoteValue, Form()],
    importance: Annotated[Importance | None, Form()] = None,
) -> HTMLResponse:
    """Record a vote and answer with the next statement card (htmx swap)."""
    service.cast_vote(
        store_of(request),
        Viewer.of(user),
        slug,
        statement=statement,
        value=value,
        importance=importance,
    )
    context = {
        "dialogue": service.enter(store_of(request), Viewer.of(user), slug)[0],
        **_vote_card(request, user, slug),
    }
    return render(request, "dialogues/_vote_card.html", context)


@pages.post("/{slug}/statements")
def statement_submit(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    text: Annotated[str, Form()] = "",
    language: Annotated[Literal["en", "zh"] | None, Form()] = None,
    text_en: Annotated[str, Form()] = "",
    text_zh: Annotated[str, Form()] = "",
    topics: Annotated[list[str] | None, Form()] = None,
    sealed: Annotated[bool, Form()] = False,
) -> Response:
    """Submit a statement in one's own language (pending until the facilitator accepts it).

    The form sends ``text`` and its ``language``; ``text_en`` / ``text_zh`` are accepted
    too, for an author who writes both.
    """
    if text.strip():
        language = language or detect_language(text)
        text_en, text_zh = (text, text_zh) if language == "en" else (text_en, text)
    info = service.submit_statement(
        store_of(request),
        Viewer.of(user),
        slug,
        text_en=text_en,
        text_zh=text_zh,
        topics=topics or [],
        sealed=sealed,
        original_language=language if text.strip() else None,
    )
    audit(db, user, "statement.submit", f"{slug}/{info.external_id}", moderation=info.moderation)
    return _back(slug, "statements" if Viewer.of(user).runs_dialogues else "vote")


@pages.get("/{slug}/statements", response_class=HTMLResponse)
def statements_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """Every statement the user may see; moderation and translation controls."""
    items = service.statements(store_of(request), Viewer.of(user), slug)
    enabled = translation.machine_translation_enabled(request.app.state.settings)
    return _room(request, user, slug, "statements", items=items, machine_translation=enabled)


@pages.post("/{slug}/statements/{statement_id}/translation")
def translation_submit(
    slug: str,
    statement_id: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    language: Annotated[Literal["en", "zh"], Form()],
    text: Annotated[str, Form()] = "",
) -> Response:
    """Save a person's translation (empty text removes it)."""
    translation.save_translation(
        store_of(request), Viewer.of(user), slug, statement_id, language=language, text=text
    )
    audit(db, user, "statement.translate", f"{slug}/{statement_id}", language=language)
    return _back(slug, "statements")


@pages.post("/{slug}/statements/{statement_id}/translation/{action}")
def suggestion_action(
    slug: str,
    statement_id: str,
    action: Literal["suggest", "accept", "discard"],
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    t: TranslatorDep,
) -> Response:
    """Ask the configured model for a suggestion, accept it, or discard it."""
    store, viewer = store_of(request), Viewer.of(user)
    if action == "suggest":
        try:
            translation.suggest_translation(
                store, viewer, slug, statement_id, settings=request.app.state.settings
            )
        except translation.TranslationUnavailable as exc:
            key = "tr.failed" if exc.configured else "tr.not_configured"
            raise translation.TranslationUnavailable(
                f"{t(key)} ({exc})", configured=exc.configured
            ) from None
    elif action == "accept":
        translation.accept_suggestion(store, viewer, slug, statement_id)
    else:
        translation.discard_suggestion(store, viewer, slug, statement_id)
    audit(db, user, f"statement.suggestion_{action}", f"{slug}/{statement_id}")
    return _back(slug, "statements")


@pages.post("/{slug}/statements/{statement_id}/moderate")
def moderate_submit(
    slug: str,
    statement_id: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    moderation: Annotated[str, Form()] = "",
    sealed: Annotated[str, Form()] = "",
) -> Response:
    """Accept / reject, seal / unseal a statement."""
    seal = {"1": True, "0": False}.get(sealed)
    service.moderate(
        store_of(request),
        Viewer.of(user),
        slug,
        statement_id,
        state=moderation or None,
        sealed=seal,
    )
    audit(
        db,
        user,
        "statement.moderate",
        f"{slug}/{statement_id}",
        moderation=moderation or None,
        sealed=seal,
    )
    return _back(slug, "statements")


@pages.get("/{slug}/consensus", response_class=HTMLResponse)
def consensus_page(
    slug: str, request: Request, user: CurrentUser, t: TranslatorDep
) -> HTMLResponse:
    """Plain-language findings first; statistics behind "details" (refreshes itself)."""
    view = outcome.consensus_view(store_of(request), Viewer.of(user), slug)
    return _room(request, user, slug, "consensus", **view.context(t.locale))


@pages.get("/{slug}/consensus/live", response_class=HTMLResponse)
def consensus_fragment(
    slug: str, request: Request, user: CurrentUser, t: TranslatorDep
) -> HTMLResponse:
    """The consensus fragment alone, for htmx polling."""
    dialogue, _ = service.enter(store_of(request), Viewer.of(user), slug)
    view = outcome.consensus_view(store_of(request), Viewer.of(user), slug)
    context = {
        "dialogue": dialogue,
        "viewer": Viewer.of(user),
        "views": views,
        **view.context(t.locale),
    }
    return render(request, "dialogues/_consensus.html", context)


@pages.get("/{slug}/scope", response_class=HTMLResponse)
def scope_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """Scope matrix (topics × delegations), sealed cells, staged agenda."""
    view = scope_service.scope_view(store_of(request), Viewer.of(user), slug)
    return _room(request, user, slug, "scope", scope=view)


@pages.post("/{slug}/scope")
def scope_submit(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    topic: Annotated[str, Form()],
    stance: Annotated[str, Form()],
    priority: Annotated[Priority, Form()] = 3,
    linked_topics: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form()] = "",
) -> Response:
    """Set the delegation's (sealed) position on one topic."""
    position = scope_service.set_position(
        store_of(request),
        Viewer.of(user),
        slug,
        topic=topic,
        stance=stance,
        priority=priority,
        linked_topics=[t for t in (linked_topics or []) if t],
        note=note,
    )
    audit(db, user, "scope.set", f"{slug}/{topic}", delegation=position.delegation)
    return _back(slug, "scope")


@pages.post("/{slug}/reveal")
def reveal_submit(slug: str, request: Request, db: SessionDep, user: CurrentUser) -> Response:
    """Reveal every sealed item (refused until every delegation has submitted)."""
    count = scope_service.reveal(store_of(request), Viewer.of(user), slug)
    audit(db, user, "scope.reveal", slug, revealed=count)
    return _back(slug, "scope")


@pages.get("/{slug}/ledger", response_class=HTMLResponse)
def ledger_page(
    slug: str,
    request: Request,
    user: CurrentUser,
    round: Annotated[RoundNumber | None, Query()] = None,
) -> HTMLResponse:
    """The round ledger: agreed, disputed and open items, with history."""
    rounds, rows = scope_service.ledger(
        store_of(request), Viewer.of(user), slug, round_number=round
    )
    return _room(request, user, slug, "ledger", rounds=rounds, rows=rows, shown_round=round)


@pages.post("/{slug}/ledger")
def ledger_add(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    key: Annotated[str, Form()],
    title_en: Annotated[str, Form()] = "",
    title_zh: Annotated[str, Form()] = "",
    topic: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "open",
) -> Response:
    """Open a ledger item."""
    row = scope_service.add_ledger_item(
        store_of(request),
        Viewer.of(user),
        slug,
        key=key,
        title_en=title_en,
        title_zh=title_zh,
        topic=topic or None,
        status=status,
    )
    audit(db, user, "ledger.add", f"{slug}/{row.key}", status=row.status)
    return _back(slug, "ledger")


@pages.post("/{slug}/ledger/{key}")
def ledger_status(
    slug: str,
    key: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    status: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record a ledger item's status in the current round."""
    scope_service.set_ledger_status(
        store_of(request), Viewer.of(user), slug, key=key, status=status, note=note
    )
    audit(db, user, "ledger.status", f"{slug}/{key}", status=status)
    return _back(slug, "ledger")


@pages.post("/{slug}/rounds/close")
def round_close(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    outcome: Annotated[str, Form()] = "",
) -> Response:
    """Close the current round and open the next."""
    new_round = scope_service.close_round(store_of(request), Viewer.of(user), slug, outcome=outcome)
    audit(db, user, "round.close", slug, next_round=new_round.number)
    return _back(slug, "ledger")


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
            Viewer.of(user),
            slug,
            fmt=report_format,
            lang=lang or t.locale,
            chatham_house=chatham_house,
        )
    except pdf.PdfUnavailable as exc:
        raise pdf.PdfUnavailable(f"{t('rep.pdf_missing')} ({exc})") from None
    return reports.file_response(made)
