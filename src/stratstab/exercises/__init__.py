"""Tabletop crisis exercises adjudicated by the assessment models.

Public API::

    list_exercises() -> list[dict]                  # built-in scenarios, each with an "id"
    load_exercise(id_or_path) -> LoadedExercise
    ExerciseModel(loaded, players, *, seed, turns=None)   # .step(), .run() -> Recorder
    parse_players(spec, *, sides) / build_players(kinds, *, seed, ...)
    run_exercise(loaded, players, *, seed, turns=None) -> Recorder
    render_report(record) -> str (HTML);  write_report(record, directory) -> list[Path]
"""

from __future__ import annotations

from stratstab.exercises.actors.base import Player
from stratstab.exercises.actors.factory import build_players, parse_players
from stratstab.exercises.engine import ExerciseModel
from stratstab.exercises.loader import LoadedExercise, list_exercises, load_exercise
from stratstab.exercises.recorder import Recorder


def run_exercise(
    loaded: LoadedExercise, players: dict[str, Player], *, seed: int, turns: int | None = None
) -> Recorder:
    """Play ``loaded`` to the end with ``players`` and return the recorder."""
    return ExerciseModel(loaded, players, seed=seed, turns=turns).run()


__all__ = [
    "ExerciseModel",
    "LoadedExercise",
    "Recorder",
    "build_players",
    "list_exercises",
    "load_exercise",
    "parse_players",
    "run_exercise",
]
