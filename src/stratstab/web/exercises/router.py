"""Crisis exercises: pages and JSON API.

Anyone may read the built-in scenarios (public teaching material, like the history);
starting and playing a run needs a login, and a run is visible to its owner only
(anyone else gets 404, so run ids reveal nothing).
"""

from __future__ import annotations

import threading
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from stratstab.errors import InputError
from stratstab.exercises.channel import MESSAGE_KINDS
from stratstab.exercises.ladder import LADDER
from stratstab.exercises.store import RunRepository
from stratstab.web.deps import CurrentUser, OptionalUser
from stratstab.web.exercises import service
from stratstab.web.exercises.runs import RunStore
from stratstab.web.exercises.schemas import (
    ControlCreate,
    DecisionCreate,
    ExerciseDetail,
    ExerciseSummary,
    RunCreate,
    RunPublic,
)
from stratstab.web.history import links
from stratstab.web.params import MessageNumber, TurnNumber
from stratstab.web.templating import render, templates

links.install(templates.env)

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["exercises"])
_STORE_LOCK = threading.Lock()


def store_of(request: Request) -> RunStore:
    """This app's run store on its database (one per app, so tests stay apart)."""
    state = request.app.state
    with _STORE_LOCK:
        if getattr(state, "exercise_runs", None) is None:
            state.exercise_runs = RunStore(
                RunRepository(state.session_factory), llm_factory=_llm_factory(state.settings)
            )
    return state.exercise_runs


def _llm_factory(settings):
    """The operator's language-model player, if the server is configured with one."""
    url = getattr(settings, "exercise_llm_url", None)
    if not url:
        return None

    def make(side: str):
        from stratstab.exercises.actors.llm import LLMPlayer

        return LLMPlayer(
            url=url,
            model=settings.exercise_llm_model,
            timeout_s=settings.exercise_llm_timeout_s,
        )

    return make


def _user_ids(request: Request):
    """A resolver from user name to the id of an active account."""
    from stratstab.accounts.models import User

    def resolve(username: str) -> int | None:
        with request.app.state.session_factory() as session:
            user = session.scalars(select(User).where(User.username == username)).first()
            return user.id if user is not None and user.is_active else None

    return resolve


def _names(request: Request):
    """A resolver from user id to display name (for the control cell's view)."""
    from stratstab.accounts.models import User

    def name(user_id: int) -> str:
        with request.app.state.session_factory() as session:
            user = session.get(User, user_id)
            return user.display_name if user is not None else str(user_id)

    return name


def _start(request: Request, user, body: RunCreate):
    settings = request.app.state.settings
    return service.start_run(
        store_of(request),
        owner_id=user.id,
        owner_name=user.display_name,
        owner_role=user.role,
        body=body,
        user_ids=_user_ids(request),
        llm_configured=bool(getattr(settings, "exercise_llm_url", None)),
    )


def _public(request: Request, run, user) -> RunPublic:
    return service.run_public(run, viewer_id=user.id, names=_names(request))


def _validated(model, data: dict[str, Any], *, source: str):
    """``model`` from a page form's fields; a refusal is a 422 in the reader's language,
    as for every other page form (:func:`stratstab.web.forms.validate_form`)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("form", *error["loc"])} for error in exc.errors()]
        ) from None


def _run_page(request: Request, run, user) -> HTMLResponse:
    public = _public(request, run, user)
    state = run.state()
    awaiting = public.awaiting
    context: dict[str, Any] = {
        "run": run,
        "public": public,
        "exercise": service.exercise_detail(run.exercise_id),
        "awaiting": awaiting,
        "message_kinds": MESSAGE_KINDS,
        "ladder": {r.id: r for r in LADDER},
    }
    t = request.state.translator
    if public.my_side is not None:
        context["past"] = service.past_turns(state, public.my_side)
    context["played"] = state.record()["turns"]
    if awaiting is not None:
        context["figure"] = service.index_figure(
            awaiting.index_history,
            awaiting.menu,
            title=t("ex.csi"),
            turn_label=t("ex.turn"),
            options_label=t("ex.menu"),
            zh=t.locale == "zh",
        )
    return render(request, "exercises/run.html", context)


@pages.get("/exercises", response_class=HTMLResponse)
def exercise_list(request: Request, user: OptionalUser) -> HTMLResponse:
    """The built-in scenarios, and the visitor's own runs."""
    runs = [_public(request, r, user) for r in store_of(request).of_user(user.id)] if user else []
    return render(request, "exercises/list.html", {"exercises": service.exercises(), "runs": runs})


@pages.get("/exercises/{exercise_id}", response_class=HTMLResponse)
def exercise_page(exercise_id: str, request: Request, user: OptionalUser) -> HTMLResponse:
    """Setting, actors, action menu and the form that starts a run."""
    players = list(service.WEB_PLAYERS)
    if user is not None and user.role in service.CONTROL_ROLES:
        players.append("delegation")
        if getattr(request.app.state.settings, "exercise_llm_url", None):
            players.append("llm")
    context = {
        "exercise": service.exercise_detail(exercise_id),
        "players": players,
        "control": user is not None and user.role in service.CONTROL_ROLES,
        "default_player": service.DEFAULT_PLAYER,
        "ladder": {r.id: r for r in LADDER},
    }
    return render(request, "exercises/detail.html", context)


@pages.post("/exercises/{exercise_id}/runs")
async def start_page(exercise_id: str, request: Request, user: CurrentUser) -> Response:
    """Start a run from the form and open it."""
    form = await request.form()
    players = {k[len("player.") :]: v for k, v in form.items() if k.startswith("player.")}
    data: dict[str, Any] = {"exercise": exercise_id, "players": players}
    for key in ("seed", "turns"):
        if str(form.get(key) or "").strip():
            data[key] = form.get(key)
    for side in [k[len("head.") :] for k in form if k.startswith("head.")]:
        head = str(form.get(f"head.{side}") or "").strip()
        delegates = [
            d.strip() for d in str(form.get(f"delegates.{side}") or "").split(",") if d.strip()
        ]
        if players.get(side) == "delegation":
            data.setdefault("seats", {})[side] = {
                "mode": form.get(f"mode.{side}") or "head",
                "head": head or None,
                "delegates": delegates,
            }
    if str(form.get("turn_minutes") or "").strip():
        data["turn_minutes"] = form.get("turn_minutes")
    data["players"] = {k: v for k, v in players.items() if v != "delegation"}
    body = _validated(RunCreate, data, source="exercise form")
    run = _start(request, user, body)
    return RedirectResponse(f"/exercises/runs/{run.id}", status_code=303)


@pages.get("/exercises/runs/{run_id}", response_class=HTMLResponse)
def run_page(run_id: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """The awaited turn (situation, index, channel, menu) or the finished run's summary."""
    return _run_page(request, store_of(request).get(run_id, user_id=user.id), user)


@pages.post("/exercises/runs/{run_id}/decision")
def decision_page(
    run_id: str,
    request: Request,
    user: CurrentUser,
    side: Annotated[str, Form()],
    turn: Annotated[TurnNumber, Form()],
    action: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    message_kind: Annotated[str, Form()] = "",
    message_text: Annotated[str, Form()] = "",
    in_reply_to: Annotated[str, Form()] = "",
    message_lang: Annotated[str, Form()] = "en",
    message_translation: Annotated[str, Form()] = "",
    message_to: Annotated[str, Form()] = "",
    acknowledge: Annotated[list[MessageNumber] | None, Form()] = None,
) -> Response:
    """Take the human's move, play on, and show the next turn (post/redirect/get)."""
    run = store_of(request).get(run_id, user_id=user.id)
    data: dict[str, Any] = {
        "side": side,
        "turn": turn,
        "action": action,
        "reason": reason.strip(),
        "acknowledge": acknowledge or [],
    }
    if message_kind and message_text.strip():
        data["message"] = {
            "kind": message_kind,
            "text": message_text.strip(),
            "in_reply_to": in_reply_to or None,
            "lang": message_lang or "en",
            "translation": message_translation.strip(),
            "to": message_to or None,
        }
    service.decide(run, _validated(DecisionCreate, data, source="decision form"), user_id=user.id)
    return RedirectResponse(f"/exercises/runs/{run.id}", status_code=303)


@pages.post("/exercises/runs/{run_id}/control")
async def control_page(run_id: str, request: Request, user: CurrentUser) -> Response:
    """An action of the control cell from the run page (post/redirect/get)."""
    run = store_of(request).get(run_id, user_id=user.id)
    form = await request.form()
    data = {
        k: v for k, v in form.items() if k not in ("csrf_token", "confirm") and str(v).strip() != ""
    }
    if data.get("kind") == "close" and form.get("confirm") != "yes":
        raise InputError(
            "tick the box to confirm that the turn closes now", field="confirm"
        ).with_key("exerr.confirm_close")
    service.control(run, _validated(ControlCreate, data, source="control form"), user_id=user.id)
    return RedirectResponse(f"/exercises/runs/{run.id}", status_code=303)


@pages.get("/exercises/runs/{run_id}/report", response_class=HTMLResponse)
def report_page(run_id: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """The after-action report of a finished run (the same page the CLI writes)."""
    run = store_of(request).get(run_id, user_id=user.id)
    page = service.report_html(run, lang=request.state.translator.locale)
    # The report is a standalone file; served here it names our icon so that the browser
    # does not ask for /favicon.ico.
    icon = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    back = (
        f'<p class="no-print"><a href="/exercises/runs/{run.id}">'
        f"← {escape(request.state.translator('ex.back_to_run'))}</a></p>"
    )
    page = page.replace("<head>", "<head>" + icon, 1)
    return HTMLResponse(page.replace("<body>", "<body>" + back, 1))


@api.get("/exercises", response_model=list[ExerciseSummary], summary="List exercises")
def api_exercises() -> list[ExerciseSummary]:
    """The built-in crisis exercise scenarios."""
    return list(service.exercises())


@api.get("/exercises/{exercise_id}", response_model=ExerciseDetail, summary="One exercise")
def api_exercise(exercise_id: str) -> ExerciseDetail:
    """Setting, actors, objectives and the action menu with ladder scores."""
    return service.exercise_detail(exercise_id)


@api.post("/exercise-runs", response_model=RunPublic, status_code=201, summary="Start a run")
def api_start(body: RunCreate, request: Request, user: CurrentUser) -> RunPublic:
    """Start a run; it plays until a ``human`` side must decide, or to the end."""
    run = _start(request, user, body)
    return _public(request, run, user)


@api.get("/exercise-runs", response_model=list[RunPublic], summary="Your runs")
def api_runs(request: Request, user: CurrentUser) -> list[RunPublic]:
    """The runs you control or play, newest first."""
    return [_public(request, r, user) for r in store_of(request).of_user(user.id)]


@api.get("/exercise-runs/{run_id}", response_model=RunPublic, summary="One run")
def api_run(run_id: str, request: Request, user: CurrentUser) -> RunPublic:
    """Where the run stands; ``awaiting`` holds the situation a human side decides on."""
    return _public(request, store_of(request).get(run_id, user_id=user.id), user)


@api.post("/exercise-runs/{run_id}/decisions", response_model=RunPublic, summary="Decide a turn")
def api_decide(run_id: str, body: DecisionCreate, request: Request, user: CurrentUser) -> RunPublic:
    """A human side's action, reason and optional channel message; play continues.

    409 when the turn or side is not the one awaited (a stale or repeated submission).
    """
    run = store_of(request).get(run_id, user_id=user.id)
    service.decide(run, body, user_id=user.id)
    return _public(request, run, user)


@api.post("/exercise-runs/{run_id}/control", response_model=RunPublic, summary="Control cell")
def api_control(run_id: str, body: ControlCreate, request: Request, user: CurrentUser) -> RunPublic:
    """Inject an event, pause or resume, extend the deadline, or close the turn now.

    Only the run's control cell (the facilitator who set it up) may; 409 once it ended.
    """
    run = store_of(request).get(run_id, user_id=user.id)
    service.control(run, body, user_id=user.id)
    return _public(request, run, user)


@api.get("/exercise-runs/{run_id}/report", summary="After-action record of a run")
def api_report(run_id: str, request: Request, user: CurrentUser) -> dict[str, Any]:
    """The finished run's full record (timeline, decisions, channel log, summary)."""
    run = store_of(request).get(run_id, user_id=user.id)
    return {**service.finished_record(run), "report_url": f"/exercises/runs/{run.id}/report"}
