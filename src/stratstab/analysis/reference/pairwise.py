"""Assessment among three or more sides: every ordered pair, the system index, the race.

:func:`assess_sides` runs the exchange of every ordered pair (striker, victim) with
the third parties' reserves and costs (:func:`~stratstab.analysis.exchange_curves.exchange_curve`),
the Kent–Thaler index of every pair, the system index (the lowest pair,
:func:`~stratstab.models.trilateral.system_index`), and the required arsenals with
their reaction matrix (:mod:`stratstab.analysis.trilateral`).  Its
:meth:`SidesAssessment.to_dict` keeps the keys of the two-sided report where they
mean the same thing (``docs/assess-json.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

from stratstab.analysis.reference.exchange_curves import ExchangeCurve, exchange_curve
from stratstab.analysis.reference.inputs import Resolved
from stratstab.analysis.reference.trilateral import ArmsRace, arms_race
from stratstab.analysis.spec.outputs import sides_output_names
from stratstab.errors import InputError
from stratstab.models.crisis import first_strike_stability_index, stability_ratio
from stratstab.models.trilateral import system_index
from stratstab.provenance import provenance

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 1


def forces_summary(resolved: Resolved, side: str) -> dict[str, Any]:
    """The head of every per-side report block: dataset, posture, forces, interceptors."""
    forces = resolved.forces[side]
    return {
        "dataset": forces.dataset_id,
        "posture": resolved.scenario.posture.get(side, "day-to-day"),
        "deployed_warheads": forces.total_warheads,
        "deployed_launchers": float(forces.launchers.sum()),
        "interceptors": resolved.defense(side).interceptors,
        "interceptors_by_layer": [layer.interceptors for layer in resolved.defense(side).layers()],
    }


@dataclass(frozen=True)
class SidesAssessment:
    """Everything ``stratstab assess`` reports for a scenario of three or more sides."""

    resolved: Resolved
    curves: dict[tuple[str, str], ExchangeCurve]  # keyed by (striker, victim)
    race: ArmsRace | None  # None: exchanges only (``assess_sides(..., arms_race=False)``)

    def __repr__(self) -> str:
        first, second = self.weakest_pair
        return (
            f"<SidesAssessment {self.resolved.scenario.name!r} ({len(self.sides)} sides): "
            f"system crisis-stability index {self.crisis_stability_index:.3f} "
            f"(weakest pair {first}–{second})>"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per ordered pair (striker, victim), the columns of :meth:`pairs`."""
        import pandas as pd

        frame = pd.DataFrame(self.pairs()).set_index(["striker", "victim"])
        frame.insert(0, "scenario", self.resolved.scenario.name)
        return frame

    @property
    def sides(self) -> tuple[str, ...]:
        """The sides in scenario order."""
        return self.resolved.scenario.sides

    def c1(self, side: str, against: str) -> float:
        """Cost to ``side`` of striking ``against`` first (its own stop rule)."""
        return self.curves[(side, against)].choice.striker_cost

    def c2(self, side: str, against: str) -> float:
        """Cost to ``side`` when ``against`` strikes it first (``against``'s stop rule)."""
        return self.curves[(against, side)].choice.victim_cost

    def pair_index(self, first: str, second: str) -> float:
        """Kent–Thaler index of the pair (the same in either order)."""
        return float(
            first_strike_stability_index(
                c1_a=self.c1(first, second),
                c2_a=self.c2(first, second),
                c1_b=self.c1(second, first),
                c2_b=self.c2(second, first),
            )
        )

    @property
    def pair_indices(self) -> dict[tuple[str, str], float]:
        """Index of every unordered pair, in scenario order."""
        return {(a, b): self.pair_index(a, b) for a, b in combinations(self.sides, 2)}

    @property
    def crisis_stability_index(self) -> float:
        """System index: the lowest pairwise index."""
        return system_index(list(self.pair_indices.values()))

    @property
    def weakest_pair(self) -> tuple[str, str]:
        """The pair whose index is the system index (first in scenario order on ties)."""
        indices = self.pair_indices
        return min(indices, key=lambda pair: indices[pair])

    def headline(self, outputs: str = "all") -> dict[str, float]:
        """The headline outputs as a flat mapping, named as
        :func:`~stratstab.analysis.spec.outputs.sides_output_names` names them (the names
        sweeps and Monte Carlo return); ``outputs="crisis"``: the exchanges' only."""
        out: dict[str, float] = {"crisis_stability_index": self.crisis_stability_index}
        for (a, b), value in self.pair_indices.items():
            out[f"{a}-{b}.crisis_stability_index"] = value
        for striker, victim in self.curves:
            out[f"{striker}>{victim}.c1"] = self.c1(striker, victim)
            out[f"{striker}>{victim}.c2"] = self.c2(striker, victim)
        if outputs == "all":
            race = self._race()
            out["arms_race_spectral_radius"] = race.spectral_radius
            for side, need in race.requirements.items():
                driver = need.sequential[need.driver] if need.driver else 0.0
                out[f"{side}.required_arsenal"] = need.required
                out[f"{side}.required_arsenal_sequential"] = driver
                out[f"{side}.required_arsenal_simultaneous"] = need.simultaneous
                deployed = self.resolved.forces[side].total_warheads
                out[f"{side}.assured_retaliation"] = float(deployed >= need.required)
            for (side, other), slope in race.slopes.items():
                out[f"{side}.reaction_slope_arsenal.{other}"] = slope
        names = sides_output_names(self.sides, outputs)
        return {name: float(out[name]) for name in names}

    def _race(self) -> ArmsRace:
        if self.race is None:
            raise InputError(
                "this assessment covers the exchanges only (assess_sides with arms_race_too=False)",
                field="arms_race_too",
            )
        return self.race

    def pairs(self) -> list[dict[str, Any]]:
        """One entry per ordered pair: striker, victim, the pair's index, c1, c2 and more."""
        out = []
        for (striker, victim), curve in self.curves.items():
            c1, c2 = self.c1(striker, victim), self.c2(striker, victim)
            at = curve.choice.index
            out.append(
                {
                    "striker": striker,
                    "victim": victim,
                    "crisis_stability_index": self.pair_index(striker, victim),
                    "c1": c1,
                    "c2": c2,
                    "stability_ratio": float(stability_ratio(c1=c1, c2=c2)),
                    "counterforce_warheads": curve.chosen_level,
                    "victim_surviving_warheads": float(curve.strike.total_surviving_warheads[at]),
                    "striker_damage": float(curve.striker_damage[at]),
                    "victim_damage": float(curve.victim_damage[at]),
                    "striker_third_party_exposure": float(curve.striker_exposure[at]),
                    "victim_third_party_exposure": float(curve.victim_exposure[at]),
                }
            )
        return out

    def side_report(self, side: str) -> dict[str, Any]:
        """The per-side block: forces, doctrine, requirement and its driver, slopes."""
        forces = self.resolved.forces[side]
        race = self._race()
        need = race.requirements[side]
        others = self.resolved.scenario.opponents(side)
        spec = self.resolved.scenario.doctrine.get(side)
        return {
            **forces_summary(self.resolved, side),
            "doctrine_weights": self.resolved.doctrine_weights(side),
            "doctrine_reserve": spec.reserve if spec else 0.0,
            "c1": {o: self.c1(side, o) for o in others},
            "c2": {o: self.c2(side, o) for o in others},
            "retaliation_requirement": need.retaliation,
            "launches_needed": need.launches,
            "required_arsenal": need.required,
            "required_arsenal_sequential": need.sequential,
            "required_arsenal_simultaneous": need.simultaneous,
            "binding_case": need.binding_case,
            "requirement_driver": need.driver,
            "assured_retaliation": bool(forces.total_warheads >= need.required),
            "reaction_slope_arsenal": {o: race.slopes[(side, o)] for o in others},
            "reaction_slope_interceptors": {o: race.interceptor_slopes[(side, o)] for o in others},
        }

    def differences_from(self, base: SidesAssessment) -> dict[str, Any]:
        """This assessment minus ``base``: spectral radius, every pair, every side's requirement."""
        out: dict[str, Any] = {
            "arms_race_spectral_radius": self.race.spectral_radius - base.race.spectral_radius,
            "pair_indices": {
                f"{a}-{b}": value - base.pair_index(a, b)
                for (a, b), value in self.pair_indices.items()
            },
        }
        for side in self.sides:
            mine, theirs = self.race.requirements[side], base.race.requirements[side]
            out[side] = {
                "required_arsenal": mine.required - theirs.required,
                "required_arsenal_simultaneous": mine.simultaneous - theirs.simultaneous,
            }
        return out

    @property
    def arms_race(self) -> tuple[float, bool]:
        """(squared spectral radius — the slope product at two sides —, stable)."""
        race = self._race()
        return race.spectral_radius**2, race.stable

    def to_dict(self, *, include_curves: bool = True) -> dict[str, Any]:
        """The documented JSON form (``docs/assess-json.md``).

        ``include_curves`` is accepted for the same call as the two-sided report; the
        pair curves are summarised in ``pairs`` (the two-sided ``cost_curves`` are per
        striker only).
        """
        scenario = self.resolved.scenario
        product, stable = self.arms_race
        weakest = self.weakest_pair
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "scenario": scenario.name,
            "view": self.resolved.view,
            "sides": list(self.sides),
            "crisis_stability_index": self.crisis_stability_index,
            "crisis_stability_rule": "minimum over pairs",
            "weakest_pair": list(weakest),
            "pair_indices": [
                {"sides": [a, b], "crisis_stability_index": value}
                for (a, b), value in self.pair_indices.items()
            ],
            "pairs": self.pairs(),
            "arms_race_spectral_radius": self.race.spectral_radius,
            "arms_race_slope_product": product,
            "arms_race_stable": stable,
            "reaction_matrix": {
                side: {o: self.race.slopes[(side, o)] for o in scenario.opponents(side)}
                for side in self.sides
            },
            "per_side": {side: self.side_report(side) for side in self.sides},
        }
        out["provenance"] = provenance(
            datasets={f.dataset_id: f.dataset_version for f in self.resolved.forces.values()},
            parameters=scenario.model_dump(mode="json"),
            scenario=scenario.name,
        )
        return out


def assess_sides(resolved: Resolved, *, arms_race_too: bool = True) -> SidesAssessment:
    """Assess a resolved scenario of any number of sides (reference path throughout).

    ``arms_race_too=False`` runs the exchanges only (about a twentieth of the work at
    three sides): pair indices, C1, C2 and the system index, no requirements.
    """
    sides = resolved.scenario.sides
    curves = {
        (striker, victim): exchange_curve(resolved, striker, victim)
        for striker in sides
        for victim in sides
        if victim != striker
    }
    race = arms_race(resolved) if arms_race_too else None
    return SidesAssessment(resolved=resolved, curves=curves, race=race)
