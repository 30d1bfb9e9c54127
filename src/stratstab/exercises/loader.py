"""Load exercise scenarios: built-in ones by id, or a YAML file by path.

Loading validates the file against :mod:`stratstab.exercises.schema`, then checks it
against the assessment scenario it starts from (the same sides, every lever an action
or inject touches is a real lever with a valid value) and the history entries it cites.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stratstab.analysis.reference.values import lever_value
from stratstab.analysis.spec.levers import validate_levers
from stratstab.analysis.spec.scenario import Scenario, load_scenario
from stratstab.errors import InputError, NotFoundError, StratstabError, from_validation_error
from stratstab.exercises.schema import Effect, ExerciseScenario
from stratstab.forces.loader import parse_yaml
from stratstab.packaged import builtin_yaml_files, read_builtin_or_path

BUILTIN_PACKAGE = "stratstab.exercises.scenarios"


@dataclass(frozen=True)
class LoadedExercise:
    """An exercise scenario together with the assessment scenario it starts from."""

    exercise: ExerciseScenario
    base: Scenario
    source: str


def exercise_from_text(text: str, *, source: str, default_id: str) -> LoadedExercise:
    """Parse, validate and cross-check exercise YAML; errors name ``source`` and the field."""
    data = parse_yaml(text, source=source)
    if not isinstance(data, dict):
        raise InputError("expected a mapping of exercise fields at the top level", source=source)
    try:
        exercise = ExerciseScenario.model_validate({"id": default_id, **data})
    except ValidationError as exc:
        raise from_validation_error(exc, source=source) from None
    try:
        base = load_scenario(exercise.assessment.scenario)
    except StratstabError as exc:
        raise InputError(str(exc), source=source, field="assessment.scenario") from None
    _check_against_base(exercise, base, source=source)
    _check_history(exercise, source=source)
    return LoadedExercise(exercise=exercise, base=base, source=source)


def _check_against_base(exercise: ExerciseScenario, base: Scenario, *, source: str) -> None:
    if set(exercise.actors) != set(base.sides):
        raise InputError(
            f"actors {list(exercise.actors)} must be the sides of assessment "
            f"scenario {exercise.assessment.scenario!r}: {list(base.sides)}",
            source=source,
            field="actors",
        )
    validate_levers(base, exercise.assessment.levers, source=source, prefix="assessment.levers")
    for i, action in enumerate(exercise.actions):
        # Check each effect for every side that may take the action (levers such as
        # dataset overrides exist for one side only).
        for actor in action.available_to or base.sides:
            if actor == action.target:
                continue
            for j, effect in enumerate(action.effects):
                sides = (actor,) if effect.side == "self" else exercise.targets(actor, action.id)
                for side in sides:
                    _check_effect(
                        base, effect, side, source=source, field=f"actions[{i}].effects[{j}]"
                    )
    for i, inject in enumerate(exercise.injects):
        for j, effect in enumerate(inject.effects):
            _check_effect(
                base, effect, effect.side, source=source, field=f"injects[{i}].effects[{j}]"
            )


def _check_effect(base: Scenario, effect: Effect, side: str, *, source: str, field: str) -> None:
    if effect.set is not None:
        validate_levers(
            base, {f"{side}.{effect.lever}": effect.set}, source=source, prefix=f"{field}.set"
        )
        return
    from stratstab.analysis.reference.inputs import resolve

    try:
        value = lever_value(resolve(base, None, {}), side, effect.lever)
    except KeyError:
        raise InputError(
            f"lever {effect.lever!r} cannot take 'add'; expected a numeric lever "
            "(launch_under_attack, survivability_*, interceptors, ...)",
            source=source,
            field=f"{field}.lever",
        ) from None
    if value is None:  # the side has no system the lever acts on: the add does nothing
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(
            f"lever {effect.lever!r} is not numeric; use set", source=source, field=f"{field}.add"
        )


def _check_history(exercise: ExerciseScenario, *, source: str) -> None:
    from stratstab.history import get_entry

    for i, entry_id in enumerate(exercise.history):
        try:
            get_entry(entry_id)
        except NotFoundError as exc:
            raise InputError(str(exc), source=source, field=f"history[{i}]") from None


def load_exercise(path_or_id: str | Path) -> LoadedExercise:
    """Load a built-in exercise scenario by id, or an exercise file by path."""
    found = read_builtin_or_path(path_or_id, package=BUILTIN_PACKAGE, kind="exercise")
    return exercise_from_text(found.text, source=found.source, default_id=found.name)


def list_exercises() -> list[dict[str, Any]]:
    """Built-in exercise scenarios: id, name, description (each also in Chinese), turns, sides."""
    out = []
    for exercise_id in sorted(builtin_yaml_files(BUILTIN_PACKAGE)):
        exercise = load_exercise(exercise_id).exercise
        out.append(
            {
                "id": exercise.id,
                "name": exercise.name,
                "name_zh": exercise.name_zh,
                "description": exercise.description,
                "description_zh": exercise.description_zh,
                "turns": exercise.turns,
                "sides": list(exercise.sides),
            }
        )
    return out
