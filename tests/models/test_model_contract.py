# ruff: noqa: E501  (the case table reads best one case per line)
"""One contract for every public model function (in the spirit of scikit-learn's
common estimator checks): deterministic, probabilities within [0, 1], broadcasting
over arrays element by element, keyword-only parameters, documented units and sources.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import stratstab.models as models_pkg
from stratstab.models import arms_race, burst_height, crisis, defense, effects

# (function, scalar keyword arguments, name of the argument to vary, values to vary it over,
#  how to pull the numbers out of the result, whether those numbers are probabilities)
Case = tuple[Callable[..., Any], dict[str, Any], str, list[float], Callable[[Any], Any], bool]


def _same(x: Any) -> Any:
    return x


CASES: list[Case] = [
    (effects.lethal_radius_m, {"yield_kt": 475, "hardness_psi": 2000}, "yield_kt", [100, 475, 1000], _same, False),
    (effects.lethal_radius_m, {"yield_kt": 475, "hardness_psi": 2000, "method": "brode"}, "hardness_psi", [300, 2000, 8000], _same, False),
    (effects.sspk, {"yield_kt": 475, "cep_m": 120, "hardness_psi": 2000}, "cep_m", [90, 120, 400], _same, True),
    (effects.sspk, {"yield_kt": 475, "cep_m": 120, "hardness_psi": 2000, "bias_m": 60}, "bias_m", [0, 60, 300], _same, True),
    (effects.lethality, {"yield_kt": 475, "cep_m": 120}, "cep_m", [90, 120, 400], _same, False),
    (effects.kill_probability, {"sspk": 0.7, "reliability": 0.9, "shots": 2, "fratricide": 0.3}, "shots", [0, 1, 2, 5], _same, True),
    (effects.damage_expectancy, {"pre_launch_survivability": 0.9, "reliability": 0.8, "p_penetrate": 0.7, "p_damage": 0.6}, "p_damage", [0, 0.6, 1], _same, True),
    (effects.target_survival, {"sspk": 0.9, "reliability": 0.8, "p_penetrate": 0.25, "warheads": 2}, "warheads", [0, 1, 2, 5], _same, True),
    (burst_height.airburst_overpressure_psi, {"yield_kt": 300, "ground_range_m": 1500, "burst_height_m": 500}, "burst_height_m", [0, 500, 1500], _same, False),
    (defense.engage, {"rvs": 10, "interceptors": 23, "interceptor_pk": 0.6, "shots_per_rv": 2, "shoot_look_shoot": True, "second_shots": 2, "kill_assessment": 0.9}, "interceptors", [13, 21, 23, 40], lambda r: r.p_no_leakers, True),
    (defense.barrage_leakage, {"interceptor_pk": 0.6, "shots_per_rv": 2, "discrimination": 0.9}, "shots_per_rv", [0, 1, 4], _same, True),
    (defense.shoot_look_shoot_leakage, {"interceptor_pk": 0.6, "first_shots": 1, "second_shots": 1, "kill_assessment": 0.9}, "interceptor_pk", [0.1, 0.6, 0.9], lambda r: r[0], True),
    (defense.engage, {"rvs": 30, "interceptors": 44, "interceptor_pk": 0.6, "shots_per_rv": 2, "decoys": 10}, "rvs", [0, 7.5, 30, 100], lambda r: r.p_no_leakers, True),
    (defense.engage, {"rvs": 30, "interceptors": 44, "interceptor_pk": 0.6, "shots_per_rv": 2, "common_mode": 0.9}, "interceptors", [0, 44, 100], lambda r: r.leakage_per_rv, True),
    (defense.expected_penetrators, {"rvs": 30, "interceptors": 44, "interceptor_pk": 0.6, "shots_per_rv": 2}, "rvs", [0, 10, 30], _same, False),
    (defense.interceptors_for_p0, {"rvs": 10, "p0": 0.5, "interceptor_pk": 0.6}, "p0", [0.1, 0.5, 0.9], lambda r: r.shots_per_rv, False),
    (arms_race.richardson_equilibrium, {"a": 0.5, "b": 0.4, "m": 1, "n": 0.8, "g": 10, "h": 5}, "g", [-5, 0, 10], lambda r: r.x_star, False),
    (arms_race.deterrence_cone, {"mbar_a": 100, "mbar_b": 200, "f_a": 0.5, "f_b": 0.8}, "f_a", [0, 0.5, 1.0], lambda r: r.vertex_a, False),
    (arms_race.required_arsenal, {"retaliation": 100, "p_kill": 0.5, "warheads_per_missile": 3, "interceptors": 100, "shots_per_rv": 2, "interceptor_pk": 0.5}, "interceptors", [0, 100, 5000], lambda r: r.required_arsenal, False),
    (arms_race.reaction_stability, {"slope_a": 0.5, "slope_b": 1.5}, "slope_a", [0, 0.5, 2], lambda r: r[0], False),
    (crisis.cost, {"own_damage": 0.5, "enemy_damage": 0.9}, "own_damage", [0, 0.5, 1], _same, False),
    (crisis.damage_fraction, {"arriving_warheads": 100, "w80": 300}, "arriving_warheads", [0, 100, 1000], _same, True),
    (crisis.stability_ratio, {"c1": 0.6, "c2": 0.8}, "c1", [0, 0.6, 1.2], _same, True),
    (crisis.first_strike_stability_index, {"c1_a": 0.6, "c2_a": 0.8, "c1_b": 1.2, "c2_b": 1.0}, "c1_a", [0, 0.6, 1.2], _same, True),
]  # fmt: skip
IDS = [f"{case[0].__module__.rsplit('.', 1)[-1]}.{case[0].__name__}[{case[2]}]" for case in CASES]


def _equal(a: Any, b: Any) -> bool:
    if hasattr(a, "__dataclass_fields__"):
        return all(_equal(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    if isinstance(a, tuple):
        return all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_deterministic(case: Case) -> None:
    func, kwargs, *_ = case
    assert _equal(func(**kwargs), func(**kwargs))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_broadcasts_elementwise_and_probabilities_are_bounded(case: Case) -> None:
    func, kwargs, name, values, pick, is_probability = case
    vector = np.asarray(pick(func(**{**kwargs, name: np.array(values)})), dtype=float)
    assert vector.shape == (len(values),)
    one_by_one = [float(pick(func(**{**kwargs, name: value}))) for value in values]
    np.testing.assert_allclose(vector, one_by_one, rtol=1e-12, atol=1e-15)
    if is_probability:
        assert np.all((vector >= 0) & (vector <= 1))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_scalar_inputs_give_scalar_outputs(case: Case) -> None:
    func, kwargs, _, _, pick, _ = case
    assert np.ndim(pick(func(**kwargs))) == 0


def _public_functions() -> list[Callable[..., Any]]:
    found = []
    for info in pkgutil.iter_modules(models_pkg.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"stratstab.models.{info.name}")
        for name, obj in vars(module).items():
            if (
                inspect.isfunction(obj)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found.append(obj)
    return found


UNIT_WORDS = {"_kt": "kt", "_m": "m", "_psi": "psi", "_years": "year"}


@pytest.mark.parametrize("func", _public_functions(), ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_documented_with_units_and_sources(func: Callable[..., Any]) -> None:
    doc = inspect.getdoc(func) or ""
    assert doc, "every public model function has a docstring"
    for parameter in inspect.signature(func).parameters:
        for suffix, unit in UNIT_WORDS.items():
            if parameter.endswith(suffix):
                assert unit in doc, f"{parameter}: unit {unit!r} not documented"


MY_MODULES = (effects, defense, arms_race, burst_height)


@pytest.mark.parametrize(
    "func",
    [f for f in _public_functions() if inspect.getmodule(f) in MY_MODULES],
    ids=lambda f: f"{f.__module__}.{f.__name__}",
)
def test_keyword_only_and_referenced(func: Callable[..., Any]) -> None:
    doc = inspect.getdoc(func) or ""
    assert "References" in doc
    kinds = {p.kind for p in inspect.signature(func).parameters.values()}
    assert kinds <= {inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD}
