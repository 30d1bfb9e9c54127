"""Assessment explorer logic: scenarios (built-in and uploaded), levers, runs and maps.

A single assessment, an A/B comparison and a stability map are answered within the
request (:func:`run_now`, :func:`compare_now`, :func:`map_now`): the compiled kernel
takes milliseconds for two sides; among three sides the reference path takes seconds
(every ordered pair's exchange and the root searches of the reaction matrix), still
answered in the request.  Background jobs (:func:`start_run`, :func:`start_comparison`:
stored, budgeted worker processes that callers poll) remain for API clients that queue
work.  Uploaded scenarios and datasets live in the database
(:mod:`stratstab.workspace.uploads`), each user's own.  Lever labels, bounds and
messages come from the lever table (``analysis/spec/data/levers.yaml``).
"""

from __future__ import annotations

import math
from typing import Any

from stratstab.analysis.assessment.assess import Comparison, assess
from stratstab.analysis.reference.inputs import resolve
from stratstab.analysis.reference.values import current_values
from stratstab.analysis.spec.lever_table import (
    LeverSpec,
    describe_lever,
    lever_spec,
    lever_table,
)
from stratstab.analysis.spec.scenario import (
    Scenario,
    list_builtin_scenarios,
    load_builtin_scenario,
    require_sides_at_most,
)
from stratstab.errors import InputError
from stratstab.web.assessment.schemas import AssumptionSet, ScenarioDetail, ScenarioSummary
from stratstab.web.jobs import JobRunner, JobView
from stratstab.workspace.uploads import UPLOAD_PREFIX, UploadStore

# The levers offered as form controls, in order; labels, bounds and steps come from
# the lever table.
MAIN_LEVERS: tuple[str, ...] = (
    "arsenal_scale",
    "posture",
    "interceptors",
    "interceptor_pk",
    "survivability_mobile",
    "survivability_ssbn",
    "launch_under_attack",
)
# Levers offered as map axes (numeric, not structural), most used first.
MAP_LEVERS: tuple[str, ...] = (
    "interceptors",
    "arsenal_scale",
    "survivability_mobile",
    "survivability_ssbn",
    "launch_under_attack",
    "interceptor_pk",
    "w80",
    "retaliation_warheads",
)

#: The stability map runs the two-sided compiled kernel; three-sided scenarios are
#: assessed and compared in the explorer but get no map (a bilingual 400 says so).
MAP_MAX_SIDES = 2
MAP_MAX_STEPS = 100  # per axis in the web: 10,000 cells per assumption set at most


class LeverProblem(InputError):
    """A lever value that does not fit, with what to tell the user in each language."""

    def __init__(self, key: str, messages: dict[str, str]):
        self.key = key
        self.messages = messages
        super().__init__(messages["en"], field=key)

    def text(self, locale: str) -> str:
        """The message in ``locale`` (English if there is none)."""
        return self.messages.get(locale, self.messages["en"])


def lever_problem(spec: LeverSpec, key: str) -> LeverProblem:
    """The bilingual complaint about a bad value of ``key``."""
    side = key.split(".", 1)[0]
    return LeverProblem(key, {lang: f"{side}: {spec.problem(lang)}" for lang in ("en", "zh")})


def form_levers() -> list[LeverSpec]:
    """The table rows of the explorer's form levers, in display order."""
    table = lever_table()
    return [table[name] for name in MAIN_LEVERS]


def map_levers() -> list[LeverSpec]:
    """The table rows offered as map axes."""
    table = lever_table()
    return [table[name] for name in MAP_LEVERS]


def view_values(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Every table lever's value as written (key ``""``) and under each assumption set."""
    return {
        view or "": current_values(resolve(scenario, view or None))
        for view in ["", *scenario.assumptions]
    }


def assumption_rows(scenario: Scenario, locale: str) -> list[tuple[str, list[str]]]:
    """Each assumption set with its levers in words (labels, units, readable values)."""
    return [
        (view, [describe_lever(k, v, locale) for k, v in levers.items()])
        for view, levers in scenario.assumptions.items()
    ]


def get_scenario(uploads: UploadStore, *, owner_id: int, scenario_id: str) -> Scenario:
    """A built-in scenario by id, or one of the user's uploads (never a server path)."""
    if scenario_id.startswith(UPLOAD_PREFIX):
        found = uploads.scenario(owner_id=owner_id, scenario_id=scenario_id)
    else:
        found = load_builtin_scenario(scenario_id)
    return found


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
        defense_layers={
            side: [layer.interceptors for layer in defense.layers()]
            for side, defense in scenario.defenses.items()
        },
    )


def _parse_value(key: str, value: Any) -> Any:
    """A form or JSON value as the lever takes it; LeverProblem when it does not fit."""
    spec = lever_spec(key)
    if spec is None:
        return value  # a dataset override: the scenario's validation judges it
    if spec.numeric and isinstance(value, str):
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            raise lever_problem(spec, key) from None
    elif spec.kind == "flag" and isinstance(value, str):
        value = {"true": True, "yes": True, "false": False, "no": False}.get(value.lower(), value)
    if spec.integer and isinstance(value, float) and value.is_integer():
        value = int(value)
    if not spec.accepts(value):
        raise lever_problem(spec, key)
    return value


def clean_levers(
    scenario: Scenario,
    raw: dict[str, Any],
    *,
    source: str,
    unchanged_from: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Drop empty controls, read values through the lever table, validate against the scenario.

    ``unchanged_from``: the values the form showed (see :func:`view_values`); a lever
    still at its shown value is left out, so only what the user changed is applied.
    Raises :class:`LeverProblem` for a value the table rejects.
    """
    levers: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        value = _parse_value(key, value)
        if unchanged_from is not None and unchanged_from.get(key) == value:
            continue
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


def _finite(value: Any) -> Any:
    """JSON cannot carry inf or NaN: they become None (no finite answer exists)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def run_now(scenario: Scenario, assumptions: AssumptionSet) -> dict[str, Any]:
    """One assessment, computed in the request; ``Assessment.to_dict()`` plus label and levers."""
    scenario.view_levers(assumptions.view)
    levers = dict(assumptions.levers)
    result = assess(scenario, assumptions.view, levers=levers or None).to_dict()
    result["label"] = _label(assumptions, "run")
    result["levers"] = levers
    return _finite(result)


def compare_now(scenario: Scenario, left: AssumptionSet, right: AssumptionSet) -> dict[str, Any]:
    """Two assessments side by side, computed in the request (``Comparison.to_dict()``)."""
    for side in (left, right):
        scenario.view_levers(side.view)
    labels = _pair_labels(left, right)
    assessments = {
        label: assess(scenario, chosen.view, levers=dict(chosen.levers) or None)
        for label, chosen in zip(labels, (left, right), strict=True)
    }
    result = Comparison(assessments=assessments).to_dict()
    result["levers"] = {labels[0]: dict(left.levers), labels[1]: dict(right.levers)}
    return _finite(result)


def map_now(
    scenario: Scenario, *, x: str, y: str, metric: str, views: list[str | None] | None = None
) -> dict[str, Any]:
    """A stability map over two levers (``LEVER=start:stop:steps``) under each view.

    Two-sided scenarios only (the map runs the compiled kernel).
    """
    from stratstab.analysis.batch.stability_map import parse_axis, stability_map

    require_sides_at_most(scenario, MAP_MAX_SIDES, key="trilateral.map_two_sided_only")
    x_axis = parse_axis(x, scenario, source="x", max_steps=MAP_MAX_STEPS)
    y_axis = parse_axis(y, scenario, source="y", max_steps=MAP_MAX_STEPS)
    return stability_map(scenario, x_axis, y_axis, metric=metric, views=views).to_dict()


def _pair_labels(left: AssumptionSet, right: AssumptionSet) -> list[str]:
    labels = [_label(left, "A"), _label(right, "B")]
    if labels[0] == labels[1]:
        labels = [f"A: {labels[0]}", f"B: {labels[1]}"]
    return labels


def assessment_task(scenario: Scenario, view: str | None, levers: dict, label: str) -> dict:
    """One assessment, run in a job worker: ``Assessment.to_dict()`` plus label and levers.

    A job worker is a fresh process: the reference path answers before Numba would
    have loaded the kernel (about a second), so jobs use it.
    """
    result = assess(scenario, view, levers=levers or None, method="reference").to_dict()
    result["label"] = label
    result["levers"] = levers
    return result


def comparison_task(scenario: Scenario, sets: list[tuple[str, str | None, dict]]) -> dict:
    """Assessments under each (label, view, levers), compared: ``Comparison.to_dict()``."""
    assessments = {
        label: assess(scenario, view, levers=levers or None, method="reference")
        for label, view, levers in sets
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
    labels = _pair_labels(left, right)
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
