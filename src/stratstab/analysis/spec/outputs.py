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


def output_names(sides: tuple[str, str]) -> list[str]:
    """Names of the headline outputs, e.g. ``crisis_stability_index``, ``CN.required_arsenal``."""
    names = ["crisis_stability_index", "arms_race_slope_product"]
    names += [f"{side}.{quantity}" for side in sides for quantity in PER_SIDE_OUTPUTS]
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
