"""Assessment explorer logic: scenarios (built-in and uploaded), levers, background runs.

Runs go to the app's :class:`stratstab.web.jobs.JobRunner`, so a long assessment never
blocks a request; callers poll the job.  Uploaded scenarios are kept in memory per
user (they are the user's own files; nothing is shared or persisted).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from stratstab.analysis.assess import Comparison, assess
from stratstab.analysis.scenario import (
    Scenario,
    list_builtin_scenarios,
    load_builtin_scenario,
    scenario_from_yaml_text,
)
from stratstab.errors import InputError, NotFoundError
from stratstab.web.assessment.schemas import AssumptionSet, ScenarioDetail, ScenarioSummary
from stratstab.web.jobs import Job, JobRunner

UPLOAD_PREFIX = "upload-"
MAX_UPLOADS_PER_USER = 20

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


class UploadedScenarios:
    """Per-user uploaded scenario texts, newest kept, oldest dropped past the limit."""

    def __init__(self) -> None:
        self._by_owner: dict[int, OrderedDict[str, tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def add(self, *, owner_id: int, text: str, filename: str) -> tuple[str, Scenario]:
        """Validate and keep a scenario text; return its id and the parsed scenario."""
        scenario = scenario_from_yaml_text(text, source=filename)
        scenario_id = UPLOAD_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:12]
        with self._lock:
            mine = self._by_owner.setdefault(owner_id, OrderedDict())
            mine[scenario_id] = (text, filename)
            mine.move_to_end(scenario_id)
            while len(mine) > MAX_UPLOADS_PER_USER:
                mine.popitem(last=False)
        return scenario_id, scenario

    def get(self, *, owner_id: int, scenario_id: str) -> Scenario:
        """The uploaded scenario of this user; NotFoundError for anyone else's."""
        with self._lock:
            entry = self._by_owner.get(owner_id, {}).get(scenario_id)
        if entry is None:
            raise NotFoundError(f"no uploaded scenario {scenario_id!r}")
        text, filename = entry
        return scenario_from_yaml_text(text, source=filename)

    def ids(self, *, owner_id: int) -> list[str]:
        """This user's uploaded scenario ids, newest last."""
        with self._lock:
            return list(self._by_owner.get(owner_id, {}))


def get_scenario(uploads: UploadedScenarios, *, owner_id: int, scenario_id: str) -> Scenario:
    """A built-in scenario by id, or one of the user's uploads (never a server path)."""
    if scenario_id.startswith(UPLOAD_PREFIX):
        return uploads.get(owner_id=owner_id, scenario_id=scenario_id)
    return load_builtin_scenario(scenario_id)


def list_scenarios(uploads: UploadedScenarios, *, owner_id: int) -> list[ScenarioSummary]:
    """Built-in scenarios, then the user's uploads."""
    found = [ScenarioSummary(origin="built-in", **s) for s in list_builtin_scenarios()]
    for scenario_id in uploads.ids(owner_id=owner_id):
        scenario = uploads.get(owner_id=owner_id, scenario_id=scenario_id)
        found.append(
            ScenarioSummary(
                id=scenario_id,
                name=scenario.name,
                description=scenario.description or "",
                origin="uploaded",
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


def start_run(
    jobs: JobRunner, *, owner_id: int, scenario: Scenario, assumptions: AssumptionSet
) -> Job:
    """Queue one assessment; the job's result is ``Assessment.to_dict()``."""
    scenario.view_levers(assumptions.view)  # unknown view: fail now, not in the worker
    levers = dict(assumptions.levers)

    def work(report) -> dict[str, Any]:
        report(0, 1, "assessing")
        result = assess(scenario, assumptions.view, levers=levers or None).to_dict()
        result["label"] = _label(assumptions, "run")
        result["levers"] = levers
        return result

    return jobs.submit(owner_id=owner_id, kind="assessment", work=work)


def start_comparison(
    jobs: JobRunner, *, owner_id: int, scenario: Scenario, left: AssumptionSet, right: AssumptionSet
) -> Job:
    """Queue two assessments; the result is ``Comparison.to_dict()`` plus the curves."""
    for side in (left, right):
        scenario.view_levers(side.view)
    labels = [_label(left, "A"), _label(right, "B")]
    if labels[0] == labels[1]:
        labels = [f"A: {labels[0]}", f"B: {labels[1]}"]

    def work(report) -> dict[str, Any]:
        assessments = {}
        for step, (label, chosen) in enumerate(zip(labels, (left, right), strict=True)):
            report(step, 2, f"assessing {label}")
            assessments[label] = assess(scenario, chosen.view, levers=dict(chosen.levers) or None)
        report(2, 2, "comparing")
        result = Comparison(assessments=assessments).to_dict()
        result["levers"] = {labels[0]: dict(left.levers), labels[1]: dict(right.levers)}
        return result

    return jobs.submit(owner_id=owner_id, kind="comparison", work=work)
