"""Assessment explorer logic: scenarios (built-in and uploaded), levers, background runs.

Runs go to the app's :class:`stratstab.web.jobs.JobRunner` (stored, budgeted worker
processes); callers poll the job.  Uploaded scenarios and datasets live in the
database (:mod:`stratstab.workspace.uploads`), each user's own.
"""

from __future__ import annotations

from typing import Any

from stratstab.analysis.assess import Comparison, assess
from stratstab.analysis.scenario import (
    Scenario,
    list_builtin_scenarios,
    load_builtin_scenario,
)
from stratstab.errors import InputError
from stratstab.web.assessment.schemas import AssumptionSet, ScenarioDetail, ScenarioSummary
from stratstab.web.jobs import JobRunner, JobView
from stratstab.workspace.uploads import UPLOAD_PREFIX, UploadStore

# The main levers offered as form controls: (lever name, kind, minimum, maximum, step).
MAIN_LEVERS: tuple[tuple[str, str, float, float, float], ...] = (
    ("arsenal_scale", "number", 0.05, 10.0, 0.05),
    ("posture", "posture", 0, 0, 0),
    ("interceptors", "number", 0, 5000, 1),
    ("interceptor_pk", "number", 0.0, 1.0, 0.01),
    ("survivability_mobile", "number", 0.0, 1.0, 0.01),
    ("survivability_ssbn", "number", 0.0, 1.0, 0.01),
    ("launch_under_attack", "number", 0.0, 1.0, 0.01),
)
INTEGER_LEVERS = {"interceptors", "shots_per_rv", "second_shots"}


def get_scenario(uploads: UploadStore, *, owner_id: int, scenario_id: str) -> Scenario:
    """A built-in scenario by id, or one of the user's uploads (never a server path)."""
    if scenario_id.startswith(UPLOAD_PREFIX):
        return uploads.scenario(owner_id=owner_id, scenario_id=scenario_id)
    return load_builtin_scenario(scenario_id)


def list_scenarios(uploads: UploadStore, *, owner_id: int) -> list[ScenarioSummary]:
    """Built-in scenarios, then the user's uploads (from stored columns, nothing re-parsed)."""
    found = [ScenarioSummary(origin="built-in", **s) for s in list_builtin_scenarios()]
    for info in uploads.scenarios(owner_id=owner_id):
        found.append(
            ScenarioSummary(
                id=info.id, name=info.name, description=info.description, origin="uploaded"
            )
        )
    return found


def scenario_detail(scenario: Scenario, *, scenario_id: str) -> ScenarioDetail:
    """What the explorer needs to build its controls for ``scenario``."""
    return ScenarioDetail(
        id=scenario_id,
        name=scenario.name,
        description=scenario.description or "",
        origin="uploaded" if scenario_id.startswith(UPLOAD_PREFIX) else "built-in",
        sides=list(scenario.sides),
        assumptions={k: dict(v) for k, v in scenario.assumptions.items()},
        levers=dict(scenario.levers),
    )


def clean_levers(scenario: Scenario, raw: dict[str, Any], *, source: str) -> dict[str, Any]:
    """Drop empty controls, turn form text into numbers, validate against the scenario."""
    levers: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        name = key.rsplit(".", 1)[-1]
        if isinstance(value, str) and name != "posture":
            try:
                number = float(value)
            except ValueError:
                raise InputError(
                    f"expected a number, got {value!r}", source=source, field=key
                ) from None
            value = int(number) if name in INTEGER_LEVERS and number.is_integer() else number
        levers[key] = value
    scenario.with_levers(levers)  # validates: unknown keys and bad values fail here
    return levers


def _label(assumptions: AssumptionSet, fallback: str) -> str:
    if assumptions.label:
        return assumptions.label
    base = assumptions.view or "as written"
    return (
        f"{base} + {len(assumptions.levers)} lever(s)" if assumptions.levers else base or fallback
    )


def assessment_task(scenario: Scenario, view: str | None, levers: dict, label: str) -> dict:
    """One assessment, run in a job worker: ``Assessment.to_dict()`` plus label and levers."""
    result = assess(scenario, view, levers=levers or None).to_dict()
    result["label"] = label
    result["levers"] = levers
    return result


def comparison_task(scenario: Scenario, sets: list[tuple[str, str | None, dict]]) -> dict:
    """Assessments under each (label, view, levers), compared: ``Comparison.to_dict()``."""
    assessments = {
        label: assess(scenario, view, levers=levers or None) for label, view, levers in sets
    }
    result = Comparison(assessments=assessments).to_dict()
    result["levers"] = {label: levers for label, _, levers in sets}
    return result


def start_run(
    jobs: JobRunner,
    *,
    owner_id: int,
    scenario_id: str,
    scenario: Scenario,
    assumptions: AssumptionSet,
) -> JobView:
    """Queue one assessment; the job's result is ``Assessment.to_dict()``."""
    scenario.view_levers(assumptions.view)  # unknown view: fail now, not in the worker
    levers = dict(assumptions.levers)
    label = _label(assumptions, "run")
    return jobs.submit(
        owner_id=owner_id,
        kind="assessment",
        request={"scenario": scenario_id, "set": assumptions.model_dump()},
        task=assessment_task,
        args=(scenario, assumptions.view, levers, label),
        note="assessing",
    )


def start_comparison(
    jobs: JobRunner,
    *,
    owner_id: int,
    scenario_id: str,
    scenario: Scenario,
    left: AssumptionSet,
    right: AssumptionSet,
) -> JobView:
    """Queue two assessments; the result is ``Comparison.to_dict()`` plus the levers."""
    for side in (left, right):
        scenario.view_levers(side.view)
    labels = [_label(left, "A"), _label(right, "B")]
    if labels[0] == labels[1]:
        labels = [f"A: {labels[0]}", f"B: {labels[1]}"]
    sets = [
        (label, chosen.view, dict(chosen.levers))
        for label, chosen in zip(labels, (left, right), strict=True)
    ]
    return jobs.submit(
        owner_id=owner_id,
        kind="comparison",
        request={"scenario": scenario_id, "left": left.model_dump(), "right": right.model_dump()},
        task=comparison_task,
        args=(scenario, sets),
        note="comparing",
    )
