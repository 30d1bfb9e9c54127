"""Assessment explorer: pages (htmx) and JSON API.  Any logged-in user may run models."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from stratstab.errors import InputError, TooLargeError
from stratstab.web.assessment import figures, service, sides_figures
from stratstab.web.assessment.schemas import (
    AssumptionSet,
    CompareRequest,
    DatasetPublic,
    DatasetUpload,
    JobPublic,
    MapRequest,
    RunRequest,
    ScenarioDetail,
    ScenarioSummary,
    ScenarioUpload,
)
from stratstab.web.deps import CurrentUser
from stratstab.web.jobs import JobView
from stratstab.web.templating import render
from stratstab.workspace.uploads import UploadStore

pages = APIRouter(prefix="/assess", include_in_schema=False)
api = APIRouter(tags=["assessment"])


def _uploads(request: Request) -> UploadStore:
    return request.app.state.uploads


def _job_public(job: JobView) -> JobPublic:
    return JobPublic(
        id=job.id,
        kind=job.kind,
        state=job.state,
        progress=job.progress,
        note=job.note,
        error=job.error,
        result=job.result if job.state == "done" else None,
    )


def _assumptions_from_form(
    form: FormData, prefix: str, scenario, shown: dict[str, dict[str, Any]] | None = None
) -> AssumptionSet:
    raw = {k[len(prefix) + 1 :]: v for k, v in form.items() if k.startswith(prefix + ".")}
    view = str(form.get(f"{prefix}_view") or "") or None
    unchanged = (shown or {}).get(view or "") if shown is not None else None
    levers = service.clean_levers(
        scenario, raw, source=f"form set {prefix.upper()}", unchanged_from=unchanged
    )
    label = form.get(f"{prefix}_label") or None
    return AssumptionSet(label=label, view=view, levers=levers)


def _locale(request: Request) -> str:
    translator = getattr(request.state, "translator", None)
    return translator.locale if translator is not None else "en"


@contextmanager
def _in_words(request: Request) -> Iterator[None]:
    """Bad lever values and map axes become a 422 with a message in the user's language."""
    try:
        yield
    except service.LeverProblem as exc:
        raise HTTPException(422, detail=exc.text(_locale(request))) from None
    except InputError as exc:
        if exc.source in ("x", "y", "metric"):
            t = request.state.translator
            raise HTTPException(422, detail=f"{t('assess.map.bad_axis')} ({exc.message})") from None
        raise


def _timed(response: Response, started: float) -> Response:
    response.headers["Server-Timing"] = f"app;dur={1000 * (time.perf_counter() - started):.1f}"
    return response


def _result_context(request: Request, result: dict[str, Any], kind: str) -> dict[str, Any]:
    context: dict[str, Any] = {"figures": figures, "sides_figures": sides_figures, "kind": kind}
    if kind == "comparison":
        rows = (
            sides_figures.comparison_rows(result)
            if sides_figures.is_sides_result(result["results"][result["views"][0]])
            else figures.comparison_rows(result)
        )
        context.update(c=result, rows=rows)
    else:
        context["r"] = result
    return context


def _explorer_context(request: Request, user, scenario_id: str) -> dict[str, Any]:
    chosen = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=scenario_id)
    shown = service.view_values(chosen)
    views = list(chosen.assumptions)
    selected = {"a": views[0] if views else "", "b": views[1] if len(views) > 1 else ""}
    first = service.run_now(chosen, AssumptionSet(view=selected["a"] or None))
    return {
        "scenarios": service.list_scenarios(_uploads(request), owner_id=user.id),
        "scenario": service.scenario_detail(chosen, scenario_id=scenario_id),
        "assumption_rows": service.assumption_rows(chosen, _locale(request)),
        "form_levers": service.form_levers(),
        "map_levers": service.map_levers(),
        "shown": shown,
        "selected": selected,
        "datasets": _uploads(request).datasets(owner_id=user.id),
        "limits": _uploads(request).limits,
        **_result_context(request, first, "assessment"),
    }


@pages.get("", response_class=HTMLResponse)
def explorer(
    request: Request,
    user: CurrentUser,
    scenario: Annotated[str, Query()] = "us-china-2024-baseline",
) -> HTMLResponse:
    """Scenario picker, lever controls for two assumption sets, results, stability map."""
    return render(request, "assessment/explorer.html", _explorer_context(request, user, scenario))


async def _answer_form(request: Request, user, mode: str) -> Response:
    started = time.perf_counter()
    form = await request.form()
    scenario_id = str(form.get("scenario") or "us-china-2024-baseline")
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=scenario_id)
    shown = service.view_values(scenario)
    with _in_words(request):
        left = _assumptions_from_form(form, "a", scenario, shown)
        if mode == "compare":
            right = _assumptions_from_form(form, "b", scenario, shown)
            result = service.compare_now(scenario, left, right)
        else:
            result = service.run_now(scenario, left)
    kind = "comparison" if mode == "compare" else "assessment"
    page = render(request, "assessment/result.html", _result_context(request, result, kind))
    return _timed(page, started)


@pages.post("/results", response_class=HTMLResponse)
async def results_page(request: Request, user: CurrentUser) -> Response:
    """The explorer's result for the form as it stands (set A, or A and B), in the request."""
    form = await request.form()
    mode = "compare" if form.get("mode") == "compare" else "run"
    return await _answer_form(request, user, mode)


@pages.post("/upload")
async def upload_page(
    request: Request, user: CurrentUser, file: Annotated[UploadFile, File()]
) -> Response:
    """Accept a scenario YAML file and open the explorer on it."""
    uploads = _uploads(request)
    text = await _read_text(file, cap=uploads.limits.scenario_max_bytes)
    scenario_id, _ = uploads.add_scenario(
        owner_id=user.id, text=text, filename=file.filename or "uploaded.yaml"
    )
    return RedirectResponse(f"/assess?scenario={scenario_id}", status_code=303)


@pages.post("/datasets")
async def upload_dataset_page(
    request: Request, user: CurrentUser, file: Annotated[UploadFile, File()]
) -> Response:
    """Accept a force dataset YAML file; scenarios you upload may then name its id."""
    uploads = _uploads(request)
    text = await _read_text(file, cap=uploads.limits.dataset_max_bytes)
    uploads.add_dataset(owner_id=user.id, text=text, filename=file.filename or "dataset.yaml")
    return RedirectResponse("/assess", status_code=303)


async def _read_text(file: UploadFile, *, cap: int) -> str:
    """An uploaded file's UTF-8 text, reading at most one byte past ``cap``."""
    data = await file.read(cap + 1)
    name = file.filename or "upload"
    if len(data) > cap:
        raise TooLargeError(
            f"{name}: larger than {cap:,} bytes",
            key="limits.file_too_large",
            cap_kib=cap // 1024,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("expected UTF-8 text", source=name) from None


@pages.post("/run", response_class=HTMLResponse)
async def run_page(request: Request, user: CurrentUser) -> Response:
    """Assess set A; answer with the result fragment (computed in the request)."""
    return await _answer_form(request, user, "run")


@pages.post("/compare", response_class=HTMLResponse)
async def compare_page(request: Request, user: CurrentUser) -> Response:
    """Assess A and B side by side; answer with the comparison fragment."""
    return await _answer_form(request, user, "compare")


def _axis_from_form(form: FormData, axis: str, t: Callable[..., str]) -> str:
    """``SIDE.lever=start:stop:steps`` from the map form's fields, checked in words."""
    lever = str(form.get(f"{axis}_lever") or "")
    try:
        start, stop = float(form.get(f"{axis}_from") or ""), float(form.get(f"{axis}_to") or "")
        steps = int(form.get("steps") or 40)
    except ValueError:
        raise HTTPException(422, detail=t("assess.map.numbers")) from None
    if stop <= start:
        raise HTTPException(422, detail=t("assess.map.order", axis=axis.upper()))
    if not 2 <= steps <= 100:
        raise HTTPException(422, detail=t("assess.map.steps_error"))
    return f"{lever}={start}:{stop}:{steps}"


@pages.post("/map", response_class=HTMLResponse)
async def map_page(request: Request, user: CurrentUser) -> Response:
    """A stability map fragment: one heat map per assumption set (and side)."""
    started = time.perf_counter()
    form = await request.form()
    t = request.state.translator
    scenario_id = str(form.get("scenario") or "us-china-2024-baseline")
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=scenario_id)
    x, y = _axis_from_form(form, "x", t), _axis_from_form(form, "y", t)
    metric = str(form.get("metric") or "crisis")
    if metric not in figures.MAP_METRICS:
        raise HTTPException(422, detail=t("assess.map.metric_error"))
    with _in_words(request):
        result = service.map_now(scenario, x=x, y=y, metric=metric)
    context = {"m": result, "figures": figures}
    return _timed(render(request, "assessment/map.html", context), started)


@pages.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, user: CurrentUser, job_id: str) -> HTMLResponse:
    """Progress while running; tables and charts once done."""
    job = request.app.state.jobs.get(job_id, owner_id=user.id)
    context: dict = {"job": job}
    if job.state == "done":
        context.update(_result_context(request, job.result, job.kind))
    return render(request, "assessment/job.html", context)


@api.get("/scenarios", response_model=list[ScenarioSummary], summary="List scenarios")
def api_scenarios(request: Request, user: CurrentUser) -> list[ScenarioSummary]:
    """Built-in scenarios and your uploads."""
    return service.list_scenarios(_uploads(request), owner_id=user.id)


@api.post("/scenarios", response_model=ScenarioDetail, status_code=201, summary="Upload a scenario")
def api_upload(body: ScenarioUpload, request: Request, user: CurrentUser) -> ScenarioDetail:
    """Validate scenario YAML and store it for your runs (yours only; 413/429 past the caps).

    Its datasets must be built-in ids or ids of your uploaded datasets; paths are refused.
    """
    scenario_id, scenario = _uploads(request).add_scenario(
        owner_id=user.id, text=body.yaml, filename=body.filename
    )
    return service.scenario_detail(scenario, scenario_id=scenario_id)


@api.delete("/scenarios/{scenario_id}", status_code=204, summary="Delete an uploaded scenario")
def api_delete_scenario(scenario_id: str, request: Request, user: CurrentUser) -> Response:
    """Delete one of your uploaded scenarios (frees a place in your quota)."""
    _uploads(request).delete_scenario(owner_id=user.id, scenario_id=scenario_id)
    return Response(status_code=204)


@api.get("/datasets", response_model=list[DatasetPublic], summary="Your uploaded datasets")
def api_datasets(request: Request, user: CurrentUser) -> list[DatasetPublic]:
    """The force datasets you uploaded (built-in ones: ``stratstab forces list``)."""
    return [DatasetPublic(**vars(d)) for d in _uploads(request).datasets(owner_id=user.id)]


@api.post("/datasets", response_model=DatasetPublic, status_code=201, summary="Upload a dataset")
def api_upload_dataset(
    body: DatasetUpload, request: Request, user: CurrentUser, response: Response
) -> DatasetPublic:
    """Validate a force dataset YAML and store it; your scenarios may name it by its id.

    A dataset with the id of one you uploaded before replaces it (200 instead of 201).
    """
    info, created = _uploads(request).add_dataset(
        owner_id=user.id, text=body.yaml, filename=body.filename
    )
    if not created:
        response.status_code = 200
    return DatasetPublic(**vars(info))


@api.delete("/datasets/{dataset_id}", status_code=204, summary="Delete an uploaded dataset")
def api_delete_dataset(dataset_id: str, request: Request, user: CurrentUser) -> Response:
    """Delete one of your uploaded datasets."""
    _uploads(request).delete_dataset(owner_id=user.id, dataset_id=dataset_id)
    return Response(status_code=204)


@api.get("/scenarios/{scenario_id}", response_model=ScenarioDetail, summary="One scenario")
def api_scenario(scenario_id: str, request: Request, user: CurrentUser) -> ScenarioDetail:
    """Sides, assumption sets and file levers of a scenario."""
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=scenario_id)
    return service.scenario_detail(scenario, scenario_id=scenario_id)


@api.post("/assessments", response_model=JobPublic, status_code=202, summary="Run an assessment")
def api_run(body: RunRequest, request: Request, user: CurrentUser) -> JobPublic:
    """Queue an assessment; poll ``GET /api/v1/jobs/{id}`` for its result."""
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=body.scenario)
    levers = service.clean_levers(scenario, dict(body.levers), source="levers")
    assumptions = AssumptionSet(label=body.label, view=body.view, levers=levers)
    job = service.start_run(
        request.app.state.jobs,
        owner_id=user.id,
        scenario_id=body.scenario,
        scenario=scenario,
        assumptions=assumptions,
    )
    return _job_public(job)


@api.post("/comparisons", response_model=JobPublic, status_code=202, summary="Compare two sets")
def api_compare(body: CompareRequest, request: Request, user: CurrentUser) -> JobPublic:
    """Queue the scenario under two assumption sets; the result holds their differences."""
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=body.scenario)
    sets = []
    for name, chosen in (("left", body.left), ("right", body.right)):
        levers = service.clean_levers(scenario, dict(chosen.levers), source=f"{name}.levers")
        sets.append(AssumptionSet(label=chosen.label, view=chosen.view, levers=levers))
    job = service.start_comparison(
        request.app.state.jobs,
        owner_id=user.id,
        scenario_id=body.scenario,
        scenario=scenario,
        left=sets[0],
        right=sets[1],
    )
    return _job_public(job)


@api.post("/assess", summary="Assess now")
def api_assess_now(body: RunRequest, request: Request, user: CurrentUser) -> Response:
    """Assess one scenario under one assumption set and answer with the result.

    The result is ``Assessment.to_dict()`` (docs/assess-json.md) plus ``label`` and
    ``levers``; a required arsenal that no force size reaches is ``null``.  Takes a few
    tens of milliseconds (the compiled kernel); ``Server-Timing`` gives the server's time.
    """
    started = time.perf_counter()
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=body.scenario)
    with _in_words(request):
        levers = service.clean_levers(scenario, dict(body.levers), source="levers")
        result = service.run_now(
            scenario, AssumptionSet(label=body.label, view=body.view, levers=levers)
        )
    return _timed(JSONResponse(result), started)


@api.post("/assess/compare", summary="Compare two assumption sets now")
def api_compare_now(body: CompareRequest, request: Request, user: CurrentUser) -> Response:
    """The scenario under two assumption sets and their differences, in the answer."""
    started = time.perf_counter()
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=body.scenario)
    sets = []
    with _in_words(request):
        for name, chosen in (("left", body.left), ("right", body.right)):
            levers = service.clean_levers(scenario, dict(chosen.levers), source=f"{name}.levers")
            sets.append(AssumptionSet(label=chosen.label, view=chosen.view, levers=levers))
        result = service.compare_now(scenario, sets[0], sets[1])
    return _timed(JSONResponse(result), started)


@api.post("/assess/map", summary="Stability map over two levers")
def api_map(body: MapRequest, request: Request, user: CurrentUser) -> Response:
    """A metric over a grid of two levers under each assumption set (``stratstab map``).

    ``x`` and ``y`` are ``SIDE.lever=start:stop:steps`` (2-100 steps); ``metric`` is
    ``crisis``, ``required-arsenal`` or ``retaliation``; ``views`` defaults to every
    assumption set.  Grids are rows along y, columns along x; ``null`` where no finite
    value exists.
    """
    started = time.perf_counter()
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=body.scenario)
    with _in_words(request):
        result = service.map_now(
            scenario, x=body.x, y=body.y, metric=body.metric, views=body.views or None
        )
    return _timed(JSONResponse(result), started)


@api.get("/jobs/{job_id}", response_model=JobPublic, summary="Poll a background run")
def api_job(job_id: str, request: Request, user: CurrentUser) -> JobPublic:
    """State and progress of your run; the result once it is done."""
    return _job_public(request.app.state.jobs.get(job_id, owner_id=user.id))
