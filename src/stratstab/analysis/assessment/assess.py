"""The main job: assess a scenario's crisis stability and arms-race stability.

:func:`assess` runs both first-strike exchanges (each side as striker), the
Kent–Thaler index and both sides' assured-retaliation reaction functions, and
returns an :class:`Assessment` whose :meth:`~Assessment.to_dict` is the documented,
stable JSON of ``stratstab assess --json`` (see ``docs/assess-json.md``).
:func:`compare` runs one scenario under several named assumption sets side by side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from stratstab.analysis.assessment import plotting
from stratstab.analysis.assessment.notebook import (
    assessment_frame,
    assessment_html,
    assessment_repr,
)
from stratstab.analysis.assessment.pairwise import SidesAssessment, assess_sides, forces_summary
from stratstab.analysis.batch.evaluate import evaluate_batch
from stratstab.analysis.reference.arms_race import (
    ReactionFunction,
    check_slopes,
    reaction_from_requirement,
    reaction_function,
    slope_product,
)
from stratstab.analysis.reference.exchange_curves import ExchangeCurve, exchange_curve
from stratstab.analysis.reference.inputs import Resolved, resolve
from stratstab.analysis.spec.outputs import PER_SIDE_OUTPUTS
from stratstab.analysis.spec.scenario import Scenario
from stratstab.errors import InputError
from stratstab.models.crisis import first_strike_stability_index, stability_ratio
from stratstab.provenance import provenance

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Assessment:
    """Everything ``stratstab assess`` reports for one scenario under one view."""

    resolved: Resolved
    curves: dict[str, ExchangeCurve]  # keyed by striker
    reactions: dict[str, ReactionFunction]
    #: How the reaction slopes were taken: ``secant`` or ``derivative``.
    slopes: str = "secant"

    def __repr__(self) -> str:
        return assessment_repr(self)

    def _repr_html_(self) -> str:
        return assessment_html(self)

    def to_frame(self) -> pd.DataFrame:
        """The headline numbers as a pandas frame, one row per side (see
        :func:`~stratstab.analysis.assessment.notebook.assessment_frame`)."""
        return assessment_frame(self)

    def headline(self) -> dict[str, float]:
        """The headline outputs as a flat mapping (``crisis_stability_index``,
        ``CN.required_arsenal`` ...), the same names batch evaluation returns."""
        product, _ = self.arms_race
        out = {
            "crisis_stability_index": self.crisis_stability_index,
            "arms_race_slope_product": product,
        }
        for side in self.sides:
            report = self.side_report(side)
            for quantity in PER_SIDE_OUTPUTS:
                out[f"{side}.{quantity}"] = float(report[quantity])
        return out

    def plot(self, kind: str = "costs") -> Figure:
        """A matplotlib figure: ``costs`` (each striker's cost curves and stop point),
        ``survivors`` (surviving warheads per system) or ``reactions`` (reaction
        functions).  The same figures ``stratstab assess --plot`` writes."""
        # The reports layer draws (matplotlib loads on the first plot only); this layer
        # only asks the maker the package registered (see ``plotting``).
        return plotting.draw(self, kind)

    @property
    def sides(self) -> tuple[str, ...]:
        """The two sides in scenario order."""
        return self.resolved.scenario.sides

    def c1(self, side: str) -> float:
        """Cost to ``side`` of striking first (its own stop rule)."""
        return self.curves[side].choice.striker_cost

    def c2(self, side: str) -> float:
        """Cost to ``side`` of being struck first (the other side's stop rule)."""
        return self.curves[self.resolved.scenario.other(side)].choice.victim_cost

    @property
    def crisis_stability_index(self) -> float:
        """Kent–Thaler first-strike stability index in [0, 1]."""
        a, b = self.sides
        return float(
            first_strike_stability_index(
                c1_a=self.c1(a), c2_a=self.c2(a), c1_b=self.c1(b), c2_b=self.c2(b)
            )
        )

    @property
    def arms_race(self) -> tuple[float, bool]:
        """(product of the arsenal reaction slopes, whether it is below 1)."""
        a, b = self.sides
        return slope_product(self.reactions[a], self.reactions[b])

    def side_report(self, side: str) -> dict[str, Any]:
        """The per-side block of the JSON report."""
        other = self.resolved.scenario.other(side)
        forces = self.resolved.forces[side]
        struck = self.curves[other]  # the other side strikes first
        index = struck.choice.index
        survivors = {
            name: {
                "launchers": float(struck.strike.surviving_launchers[index, i]),
                "warheads": float(struck.strike.surviving_warheads[index, i]),
                "deployed_warheads": float(forces.warheads[i]),
                "basing": forces.basing[i],
            }
            for i, name in enumerate(forces.names)
        }
        own = self.curves[side]
        reaction = self.reactions[side]
        return {
            **forces_summary(self.resolved, side),
            "survivors": survivors,
            "surviving_warheads": float(struck.strike.total_surviving_warheads[index]),
            "surviving_fraction": float(struck.strike.total_surviving_warheads[index])
            / max(forces.total_warheads, 1e-12),
            "counterforce_warheads_received": struck.chosen_level,
            "retaliation_launched": float(struck.retaliation_launched[index]),
            "arriving_warheads": float(struck.retaliation_arriving[index]),
            "damage_fraction": float(struck.striker_damage[index]),
            "own_damage_when_struck_first": float(struck.victim_damage[index]),
            "first_strike_counterforce_warheads": own.chosen_level,
            "own_damage_when_striking_first": float(own.striker_damage[own.choice.index]),
            "c1": self.c1(side),
            "c2": self.c2(side),
            "stability_ratio": float(stability_ratio(c1=self.c1(side), c2=self.c2(side))),
            "retaliation_requirement": reaction.retaliation_requirement,
            "arriving_after_full_counterforce": reaction.arriving_after_full_strike,
            "share_destroyed_by_full_counterforce": reaction.share_destroyed_by_full_strike,
            "assured_retaliation": reaction.assured_retaliation,
            "required_arsenal": reaction.required_arsenal,
            "required_launchers": reaction.required_launchers,
            "reaction_slope_arsenal": reaction.reaction_slope_arsenal,
            "reaction_slope_interceptors": reaction.reaction_slope_interceptors,
            "reaction_slope_interceptors_closed_form": (
                reaction.reaction_slope_interceptors_closed_form
            ),
        }

    def curve_report(self, striker: str) -> dict[str, Any]:
        """Costs and damage along ``striker``'s counterforce level (for plots and scripts)."""
        curve = self.curves[striker]
        return {
            "striker": striker,
            "victim": curve.victim,
            "counterforce_warheads": curve.levels,
            "victim_surviving_warheads": curve.strike.total_surviving_warheads,
            "retaliation_arriving": curve.retaliation_arriving,
            "striker_damage": curve.striker_damage,
            "victim_damage": curve.victim_damage,
            "striker_cost": curve.striker_cost,
            "victim_cost": curve.victim_cost,
            "chosen_index": curve.choice.index,
        }

    def to_dict(self, *, include_curves: bool = True) -> dict[str, Any]:
        """The documented JSON form (``docs/assess-json.md``); keys are stable."""
        scenario = self.resolved.scenario
        product, stable = self.arms_race
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "scenario": scenario.name,
            "view": self.resolved.view,
            "sides": list(self.sides),
            "crisis_stability_index": self.crisis_stability_index,
            "arms_race_slope_product": product,
            "arms_race_stable": stable,
            "arms_race_spectral_radius": math.sqrt(product),
            "reaction_slopes": self.slopes,
            "pairs": [
                {
                    "striker": side,
                    "victim": scenario.other(side),
                    "crisis_stability_index": self.crisis_stability_index,
                    "c1": self.c1(side),
                    "c2": self.c2(side),
                }
                for side in self.sides
            ],
            "per_side": {side: self.side_report(side) for side in self.sides},
        }
        if include_curves:
            out["cost_curves"] = {side: self.curve_report(side) for side in self.sides}
        parameters = scenario.model_dump(mode="json")
        if self.slopes != "secant":  # the default leaves digests of earlier reports as they were
            parameters["reaction_slopes"] = self.slopes
        out["provenance"] = provenance(
            datasets={f.dataset_id: f.dataset_version for f in self.resolved.forces.values()},
            parameters=parameters,
            scenario=scenario.name,
        )
        return _plain(out)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist() if value.dtype.kind in "biuf" else [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


METHODS = ("kernel", "reference")


def _kernel_reactions(
    scenario: Scenario,
    view: str | None,
    levers: dict[str, Any] | None,
    resolved: Resolved,
    curves: dict[str, ExchangeCurve],
    slopes: str = "secant",
) -> dict[str, ReactionFunction]:
    """Both sides' reaction functions, their root searches run by the compiled kernel."""
    out = evaluate_batch(scenario, dict(levers or {}), view=view, slopes=slopes)
    reactions = {}
    for side in resolved.scenario.sides:
        total = resolved.forces[side].total_warheads
        required = float(out[f"{side}.required_arsenal"][0])
        # The last level of the other side's curve is its full counterforce strike.
        struck = curves[resolved.scenario.other(side)]
        landed = float(struck.retaliation_arriving[-1])
        destroyed = 1.0 - float(struck.strike.total_surviving_warheads[-1]) / max(total, 1e-12)
        reactions[side] = reaction_from_requirement(
            resolved,
            side,
            required_scale=required / total if total > 0 else math.inf,
            slope_arsenal=float(out[f"{side}.reaction_slope_arsenal"][0]),
            slope_interceptors=float(out[f"{side}.reaction_slope_interceptors"][0]),
            full_strike=(landed, destroyed),
        )
    return reactions


def assess(
    scenario: Scenario,
    view: str | None = None,
    *,
    levers: dict[str, Any] | None = None,
    method: str = "kernel",
    slopes: str = "secant",
) -> Assessment | SidesAssessment:
    """Assess ``scenario`` as written, under a named assumption set, or with extra levers.

    A scenario of three or more sides gives a :class:`SidesAssessment` (every ordered
    pair, the system index, the reaction matrix), computed by the reference path.

    ``method="kernel"`` (default) runs the reaction functions' root searches (about
    nine tenths of the work) in the compiled batch kernel, a few milliseconds;
    ``method="reference"`` runs every step in the readable NumPy reference, the
    definition the kernel is tested against (same numbers to 1e-6 relative).  The
    exchange curves, which the report plots level by level, always come from the
    reference.

    ``slopes``: how the two-sided reaction slopes are taken, ``secant`` (default:
    +-10 % of the other side's arsenal, a tenth of its interceptors) or ``derivative``
    (point derivatives by implicit differentiation; docs/models.md compares them).
    """
    check_slopes(slopes)
    if method not in METHODS:
        raise InputError(f"expected one of {', '.join(METHODS)}, got {method!r}", source="method")
    resolved = resolve(scenario, view, levers)
    if len(resolved.scenario.sides) > 2:
        if slopes != "secant":
            raise InputError(
                "derivative reaction slopes are for two-sided scenarios; "
                "three or more sides use their reaction matrix",
                source="slopes",
            )
        return assess_sides(resolved)
    curves = {side: exchange_curve(resolved, side) for side in resolved.scenario.sides}
    if method == "kernel":
        reactions = _kernel_reactions(scenario, view, levers, resolved, curves, slopes)
    else:
        reactions = {
            side: reaction_function(resolved, side, slopes=slopes)
            for side in resolved.scenario.sides
        }
    return Assessment(resolved=resolved, curves=curves, reactions=reactions, slopes=slopes)


COMPARED_QUANTITIES = (
    "surviving_warheads",
    "arriving_warheads",
    "damage_fraction",
    "c1",
    "c2",
    "required_arsenal",
    "reaction_slope_arsenal",
    "reaction_slope_interceptors",
)


@dataclass(frozen=True)
class Comparison:
    """One scenario assessed under several assumption sets."""

    assessments: dict[str, Assessment | SidesAssessment]

    def __repr__(self) -> str:
        views = ", ".join(
            f"{view}: {result.crisis_stability_index:.3f}"
            for view, result in self.assessments.items()
        )
        return f"<Comparison of {len(self.assessments)} views; crisis-stability index {views}>"

    def to_frame(self) -> pd.DataFrame:
        """Every view's ``to_frame()`` rows, indexed by the view, then by side (or, with
        three or more sides, by striker and victim)."""
        import pandas as pd

        return pd.concat(
            {view: result.to_frame() for view, result in self.assessments.items()},
            names=["compared"],
        )

    def to_dict(self) -> dict[str, Any]:
        """Each view's headline numbers and their differences from the first view."""
        views = list(self.assessments)
        base = self.assessments[views[0]]
        out: dict[str, Any] = {"views": views, "results": {}, "differences": {}}
        for view, result in self.assessments.items():
            summary = result.to_dict(include_curves=False)
            out["results"][view] = summary
            if view == views[0]:
                continue
            diff: dict[str, Any] = {
                "crisis_stability_index": result.crisis_stability_index
                - base.crisis_stability_index
            }
            if isinstance(result, SidesAssessment) and isinstance(base, SidesAssessment):
                out["differences"][view] = {**diff, **result.differences_from(base)}
                continue
            for side in result.sides:
                mine, theirs = result.side_report(side), base.side_report(side)
                diff[side] = {q: mine[q] - theirs[q] for q in COMPARED_QUANTITIES}
            out["differences"][view] = diff
        return _plain(out)


def compare(
    scenario: Scenario,
    views: list[str | None] | None = None,
    *,
    method: str = "kernel",
    slopes: str = "secant",
) -> Comparison:
    """Assess under each named view (default: every assumption set in the scenario)."""
    chosen = views if views is not None else list(scenario.assumptions) or [None]
    return Comparison(
        assessments={
            str(v or "as written"): assess(scenario, v, method=method, slopes=slopes)
            for v in chosen
        }
    )
