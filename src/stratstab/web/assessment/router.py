"""Assessment explorer: pages (htmx) and JSON API.  Any logged-in user may run models."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from stratstab.errors import InputError, TooLargeError
from stratstab.web.assessment import figures, service
from stratstab.web.assessment.schemas import (
    AssumptionSet,
    CompareRequest,
    DatasetPublic,
    DatasetUpload,
    JobPublic,
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
        "datasets": _uploads(request).datasets(owner_id=user.id),
        "limits": _uploads(request).limits,
    }
    return render(request, "assessment/explorer.html", context)


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
async def run_page(request: Request, user: CurrentUser) -> HTMLResponse:
    """Queue assumption set A; answer with a progress fragment that polls."""
    form = await request.form()
    scenario_id = str(form.get("scenario") or "us-china-2024-baseline")
    scenario = service.get_scenario(_uploads(request), owner_id=user.id, scenario_id=scenario_id)
    assumptions = _assumptions_from_form(form, "a", scenario)
    job = service.start_run(
        request.app.state.jobs,
        owner_id=user.id,
        scenario_id=scenario_id,
        scenario=scenario,
        assumptions=assumptions,
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
        request.app.state.jobs,
        owner_id=user.id,
        scenario_id=scenario_id,
        scenario=scenario,
        left=left,
        right=right,
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


@api.get("/jobs/{job_id}", response_model=JobPublic, summary="Poll a background run")
def api_job(job_id: str, request: Request, user: CurrentUser) -> JobPublic:
    """State and progress of your run; the result once it is done."""
    return _job_public(request.app.state.jobs.get(job_id, owner_id=user.id))
