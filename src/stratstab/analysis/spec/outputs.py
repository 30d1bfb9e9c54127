"""Which way each headline output moves stability: the one table of directions.

A difference between two assessments (two delegations' views, two scenarios) is read
by what it means for stability, not by its sign: a *higher* crisis-stability index is
better, a *higher* required arsenal is worse.  :data:`STABILITY_DIRECTION` says so once
for every output; :func:`stability_effect` reads a difference through it.  Comparison
tables (``assess --compare``), the web's side-by-side view and reports use this table.

Directions follow the models' own reading (docs/models.md): Kent & Thaler (1989), RAND
R-3765, for the costs of striking first (C1, higher = less tempting) and of being struck
first (C2, higher = more pressure to pre-empt); the assured-retaliation reaction
functions for required arsenals and reaction slopes (higher = more arms-race pressure).
"""

from __future__ import annotations

from typing import Literal

PER_SIDE_OUTPUTS = (
    "surviving_warheads",
    "arriving_warheads",
    "damage_fraction",
    "c1",
    "c2",
    "required_arsenal",
    "arriving_after_full_counterforce",
    "assured_retaliation",
    "reaction_slope_arsenal",
    "reaction_slope_interceptors",
)
#: Positions of the per-side outputs in :data:`PER_SIDE_OUTPUTS`: the batch kernel's
#: output columns (module-level integers, so compiled code reads them as constants).
(
    SURVIVING_WARHEADS,
    ARRIVING_WARHEADS,
    DAMAGE_FRACTION,
    C1,
    C2,
    REQUIRED_ARSENAL,
    ARRIVING_AFTER_FULL_COUNTERFORCE,
    ASSURED_RETALIATION,
    REACTION_SLOPE_ARSENAL,
    REACTION_SLOPE_INTERCEPTORS,
) = range(len(PER_SIDE_OUTPUTS))
#: The per-side outputs of the exchanges (the crisis outputs), then those of the
#: reaction functions, as column ranges.
EXCHANGE_COLUMNS = slice(SURVIVING_WARHEADS, REQUIRED_ARSENAL)
REACTION_COLUMNS = slice(REQUIRED_ARSENAL, len(PER_SIDE_OUTPUTS))


#: Among three or more sides: per side, per ordered pair (``STRIKER>VICTIM``), per pair.
SIDES_PER_SIDE_OUTPUTS = (
    "required_arsenal",
    "required_arsenal_sequential",
    "required_arsenal_simultaneous",
    "assured_retaliation",
)
ORDERED_PAIR_OUTPUTS = ("c1", "c2")


def output_names(sides: tuple[str, ...]) -> list[str]:
    """Names of the headline outputs, e.g. ``crisis_stability_index``, ``CN.required_arsenal``.

    Three or more sides: :func:`sides_output_names`.
    """
    if len(sides) > 2:
        return sides_output_names(sides)
    names = ["crisis_stability_index", "arms_race_slope_product"]
    names += [f"{side}.{quantity}" for side in sides for quantity in PER_SIDE_OUTPUTS]
    return names


def sides_output_names(sides: tuple[str, ...], outputs: str = "all") -> list[str]:
    """Headline outputs among three or more sides, named per pair and per side.

    ``crisis_stability_index`` (the system index, lowest pair), ``US-CN.crisis_stability_index``
    per unordered pair, ``US>CN.c1`` and ``US>CN.c2`` per ordered pair (striker > victim);
    with ``outputs="all"`` also ``arms_race_spectral_radius``, per side
    ``US.required_arsenal`` (binding), ``US.required_arsenal_sequential`` (against its
    driver), ``US.required_arsenal_simultaneous``, ``US.assured_retaliation`` (1 or 0),
    and the reaction matrix as ``CN.reaction_slope_arsenal.US`` (extra CN warheads per
    extra US warhead).  ``outputs="crisis"``: the crisis names only.
    """
    pairs = [(a, b) for i, a in enumerate(sides) for b in sides[i + 1 :]]
    names = ["crisis_stability_index"]
    names += [f"{a}-{b}.crisis_stability_index" for a, b in pairs]
    names += [
        f"{striker}>{victim}.{quantity}"
        for striker in sides
        for victim in sides
        if victim != striker
        for quantity in ORDERED_PAIR_OUTPUTS
    ]
    if outputs == "crisis":
        return names
    names.append("arms_race_spectral_radius")
    names += [f"{side}.{quantity}" for side in sides for quantity in SIDES_PER_SIDE_OUTPUTS]
    names += [
        f"{side}.reaction_slope_arsenal.{other}"
        for side in sides
        for other in sides
        if other != side
    ]
    return names


#: Readings of the crisis-stability index: (lower bound, key), highest first.  Above
#: 0.95 neither side gains by striking first; above 0.8 the incentive is modest.
INDEX_READINGS = ((0.95, "stable"), (0.8, "modest"), (float("-inf"), "marked"))


def index_reading(index: float) -> str:
    """``stable``, ``modest`` or ``marked``: how strong the first-strike incentive is."""
    return next(key for bound, key in INDEX_READINGS if index > bound)


Effect = Literal["better", "worse", "neutral"]

#: +1: a higher value is better for stability; -1: worse; 0: no direction (a scenario
#: input or a count that is neither).  Keys are the names of the assessment's JSON report
#: (top level, or per side).
STABILITY_DIRECTION: dict[str, int] = {
    "crisis_stability_index": +1,
    "arms_race_slope_product": -1,
    "posture": 0,
    "deployed_warheads": 0,
    "interceptors": 0,
    "counterforce_warheads_received": 0,
    "surviving_warheads": +1,
    "surviving_fraction": +1,
    "retaliation_launched": +1,
    "arriving_warheads": +1,
    "damage_fraction": +1,
    "c1": +1,
    "c2": -1,
    "stability_ratio": +1,
    "retaliation_requirement": 0,
    "arriving_after_full_counterforce": +1,
    "assured_retaliation": +1,
    "required_arsenal": -1,
    "reaction_slope_arsenal": -1,
    "reaction_slope_interceptors": -1,
    # among three or more sides
    "arms_race_spectral_radius": -1,
    "required_arsenal_simultaneous": -1,
    "required_arsenal_sequential": -1,
}

#: Differences smaller than this (relative to the larger magnitude) read as no change.
RELATIVE_TOLERANCE = 1e-9


def stability_effect(quantity: str, difference: float, *, scale: float = 1.0) -> Effect:
    """Whether ``difference`` (new minus base) in ``quantity`` is better or worse for
    stability; ``neutral`` for quantities without a direction and for no change.

    ``quantity`` may carry a side prefix (``CN.required_arsenal``).  ``scale`` is the
    magnitude below which a difference is taken as rounding (same unit as the quantity).
    """
    direction = STABILITY_DIRECTION[quantity.rsplit(".", 1)[-1]]
    if direction == 0 or abs(difference) <= RELATIVE_TOLERANCE * max(abs(scale), 1.0):
        return "neutral"
    return "better" if difference * direction > 0 else "worse"
