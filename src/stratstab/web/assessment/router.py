"""Assessment explorer: pages (htmx) and JSON API.  Any logged-in user may run models."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from stratstab.errors import InputError
from stratstab.web.assessment import figures, service
from stratstab.web.assessment.schemas import (
    AssumptionSet,
    CompareRequest,
    JobPublic,
    RunRequest,
    ScenarioDetail,
    ScenarioSummary,
    ScenarioUpload,
)
from stratstab.web.deps import CurrentUser
from stratstab.web.jobs import Job
from stratstab.web.templating import render

pages = APIRouter(prefix="/assess", include_in_schema=False)
api = APIRouter(tags=["assessment"])
MAX_UPLOAD_BYTES = 1_000_000


def _uploads(request: Request) -> service.UploadedScenarios:
    return request.app.state.uploads


def _job_public(job: Job) -> JobPublic:
    return JobPublic(
        id=job.id,
        kind=job.kind,
        state=job.state,
        progress=job.progress,
        note=job.note,
        error=job.error,
        result=job.result if job.state == "done" else None,
    )


def _assumptions_from_form(form: FormData, prefix: str, scenario) -> AssumptionSet:
    raw = {k[len(prefix) + 1 :]: v for k, v in form.items() if k.startswith(prefix + ".")}
    levers = service.clean_levers(scenario, raw, source=f"form set {prefix.upper()}")
    view = form.get(f"{prefix}_view") or None
    label = form.get(f"{prefix}_label") or None
    return AssumptionSet(label=label, view=view, levers=levers)


@pages.get("", response_class=HTMLResponse)
def explorer(
    request: Request,
    user: CurrentUser,
    scenario: Annotated[str, Query()] = "us-china-2024-baseline",
) -> HTMLResponse:
    """Scenario picker, lever controls for two assumption sets, results area."""
    chosen = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=scenario)
    context = {
        "scenarios": service.list_scenarios(_uploads(request), owner_id=user.id),
        "scenario": service.scenario_detail(chosen, scenario_id=scenario),
        "main_levers": service.MAIN_LEVERS,
    }
    return render(request, "assessment/explorer.html", context)


@pages.post("/upload")
async def upload_page(
    request: Request, user: CurrentUser, file: Annotated[UploadFile, File()]
) -> Response:
    """Accept a scenario YAML file and open the explorer on it."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError("file larger than 1 MB", source=file.filename or "upload")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("expected UTF-8 text", source=file.filename or "upload") from None
    scenario_id, _ = _uploads(request).add(
        owner_id=user.id, text=text, filename=file.filename or "uploaded.yaml"
    )
    return RedirectResponse(f"/assess?scenario={scenario_id}", status_code=303)


@pages.post("/run", response_class=HTMLResponse)
async def run_page(request: Request, user: CurrentUser) -> HTMLResponse:
    """Queue assumption set A; answer with a progress fragment that polls."""
    form = await request.form()
    scenario_id = str(form.get("scenario") or "us-china-2024-baseline")
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=scenario_id)
    assumptions = _assumptions_from_form(form, "a", scenario)
    job = service.start_run(
        request.app.state.jobs, owner_id=user.id, scenario=scenario, assumptions=assumptions
    )
    return render(request, "assessment/job.html", {"job": job})


@pages.post("/compare", response_class=HTMLResponse)
async def compare_page(request: Request, user: CurrentUser) -> HTMLResponse:
    """Queue A and B side by side; answer with a progress fragment that polls."""
    form = await request.form()
    scenario_id = str(form.get("scenario") or "us-china-2024-baseline")
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=scenario_id)
    left = _assumptions_from_form(form, "a", scenario)
    right = _assumptions_from_form(form, "b", scenario)
    job = service.start_comparison(
        request.app.state.jobs, owner_id=user.id, scenario=scenario, left=left, right=right
    )
    return render(request, "assessment/job.html", {"job": job})


@pages.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, user: CurrentUser, job_id: str) -> HTMLResponse:
    """Progress while running; tables and charts once done."""
    job = request.app.state.jobs.get(job_id, owner_id=user.id)
    context: dict = {"job": job, "figures": figures}
    if job.state == "done" and job.kind == "comparison":
        context["rows"] = figures.comparison_rows(job.result)
    return render(request, "assessment/job.html", context)


@api.get("/scenarios", response_model=list[ScenarioSummary], summary="List scenarios")
def api_scenarios(request: Request, user: CurrentUser) -> list[ScenarioSummary]:
    """Built-in scenarios and your uploads."""
    return service.list_scenarios(_uploads(request), owner_id=user.id)


@api.post("/scenarios", response_model=ScenarioDetail, status_code=201, summary="Upload a scenario")
def api_upload(body: ScenarioUpload, request: Request, user: CurrentUser) -> ScenarioDetail:
    """Validate scenario YAML and keep it for your runs (in memory, yours only)."""
    scenario_id, scenario = _uploads(request).add(
        owner_id=user.id, text=body.yaml, filename=body.filename
    )
    return service.scenario_detail(scenario, scenario_id=scenario_id)


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
        request.app.state.jobs, owner_id=user.id, scenario=scenario, assumptions=assumptions
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
        request.app.state.jobs, owner_id=user.id, scenario=scenario, left=sets[0], right=sets[1]
    )
    return _job_public(job)


@api.get("/jobs/{job_id}", response_model=JobPublic, summary="Poll a background run")
def api_job(job_id: str, request: Request, user: CurrentUser) -> JobPublic:
    """State and progress of your run; the result once it is done."""
    return _job_public(request.app.state.jobs.get(job_id, owner_id=user.id))
