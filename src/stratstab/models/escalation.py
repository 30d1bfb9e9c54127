"""Escalation and the risk of nuclear use that nobody chose, per hour of a crisis.

The crisis-stability index (``models.crisis``) measures first-strike incentives: what
each side would lose by waiting.  It does not measure how likely a war is, and moves
that make forces more survivable (alerting, dispersal) raise it while making a mistake
more likely.  This module adds the second measure: a hazard rate of nuclear use that no
leader decided in cold blood (a false warning believed, an unauthorised or accidental
launch, a local commander's decision), built as a product of stated factors.

Structure (after Barrett, Baum & Hostetler 2013): nuclear use from inadvertence is a
Poisson process whose rate is the rate of serious false warnings times the chance that a
warning is acted upon.  Both grow in a crisis: the higher the escalation, the more alerts
and the readier the forces; launch-under-attack postures and first-strike incentives
shorten the time to decide; a trusted, working risk-reduction channel lets a side ask
before it acts.  With every factor at one, the hazard is the peacetime baseline.

    h = h0 · r^E · a^(n_alert) · Π_s (1 + l·λ_s) · (1 + u·(1 − CSI)) · c(κ, up)

* ``h0``: peacetime baseline per hour; 1.14e-6 per hour is about 1 % a year, the order of
  magnitude of Hellman's (2008) estimate of the annual risk that deterrence fails.
  Range 1e-7 to 8e-6 per hour (0.1 % to 7 % a year).
* ``r = 3`` per rung of the ladder (``E`` from 0 to 5): each band of escalation brings
  more alerts, more forces in contact and more delegated authority.  Range 2 to 5.
* ``a = 2`` per side on generated alert: more weapons ready to fire, more people who
  can fire them.  Range 1.5 to 3.
* ``l = 4`` for launch under attack: a side that launches on warning (probability
  ``λ``) turns a believed false warning into a launch.  Range 2 to 10.
* ``u = 2`` for instability: a crisis-stability index of 0 triples the hazard against an
  index of 1 (pressure to pre-empt).  Range 1 to 4.
* ``c = 1 + k·(1 − κ)`` with ``k = 1`` while the channel is up (credibility ``κ`` in
  [0, 1]: a credible channel halves the hazard against a worthless one), and ``c = 2.5``
  while it is down.

Every factor is a teaching assumption, not an estimate of any government's risk; the
ranges above are what a user should try (``docs/models.md`` derives the form).

References: A. M. Barrett, S. D. Baum, K. R. Hostetler, "Analyzing and Reducing the
Risks of Inadvertent Nuclear War Between the United States and Russia", Science & Global
Security 21(2), 106–133 (2013), doi:10.1080/08929882.2013.798984; M. E. Hellman, "Risk
Analysis of Nuclear Deterrence", The Bent of Tau Beta Pi, Spring 2008;
H. Kahn, *On Escalation* (1965), for the ladder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

HOURS_PER_YEAR = 8766.0
BASELINE_HAZARD_PER_HOUR = 0.01 / HOURS_PER_YEAR  # about 1 % a year
MAX_ESCALATION_LEVEL = 5.0


@dataclass(frozen=True)
class HazardFactors:
    """The multipliers of the inadvertent-use hazard; defaults are the documented ones."""

    baseline_per_hour: float = BASELINE_HAZARD_PER_HOUR
    per_rung: float = 3.0
    per_side_on_alert: float = 2.0
    launch_under_attack: float = 4.0
    instability: float = 2.0
    channel_distrust: float = 1.0
    channel_down: float = 2.5

    def __post_init__(self) -> None:
        if not self.baseline_per_hour > 0:
            raise ValueError("baseline_per_hour must be positive")
        for name in ("per_rung", "per_side_on_alert", "channel_down"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1 (a factor that never lowers risk)")
        for name in ("launch_under_attack", "instability", "channel_distrust"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be non-negative")


DEFAULT_FACTORS = HazardFactors()


def inadvertent_use_hazard_per_hour(
    *,
    escalation_level: ArrayLike,
    sides_on_alert: ArrayLike,
    launch_under_attack: ArrayLike,
    crisis_stability_index: ArrayLike,
    channel_credibility: ArrayLike,
    channel_up: ArrayLike,
    factors: HazardFactors = DEFAULT_FACTORS,
) -> NDArray[np.float64]:
    """Hazard rate (per hour) of nuclear use that no leader chose deliberately.

    Parameters
    ----------
    escalation_level:
        Level on the ladder, 0 (de-escalation) to 5 (nuclear use); fractions allowed.
    sides_on_alert:
        Number of sides whose strategic forces are on generated alert.
    launch_under_attack:
        Each side's probability of launching on warning, shape ``(..., n_sides)``.
    crisis_stability_index:
        Kent–Thaler index in [0, 1].
    channel_credibility:
        Trust in the risk-reduction channel, in [0, 1].
    channel_up:
        Whether the channel carries traffic.

    References
    ----------
    Barrett, Baum & Hostetler (2013) for the Poisson structure; Hellman (2008) for the
    baseline's order of magnitude (module docstring).
    """
    level = np.clip(np.asarray(escalation_level, dtype=float), 0.0, MAX_ESCALATION_LEVEL)
    alert = np.asarray(sides_on_alert, dtype=float)
    lua = np.clip(np.asarray(launch_under_attack, dtype=float), 0.0, 1.0)
    index = np.clip(np.asarray(crisis_stability_index, dtype=float), 0.0, 1.0)
    credibility = np.clip(np.asarray(channel_credibility, dtype=float), 0.0, 1.0)
    up = np.asarray(channel_up, dtype=bool)
    lua_factor = np.prod(1.0 + factors.launch_under_attack * lua, axis=-1)
    channel = np.where(
        up, 1.0 + factors.channel_distrust * (1.0 - credibility), factors.channel_down
    )
    return (
        factors.baseline_per_hour
        * factors.per_rung**level
        * factors.per_side_on_alert**alert
        * lua_factor
        * (1.0 + factors.instability * (1.0 - index))
        * channel
    )


def probability_within(*, hazard_per_hour: ArrayLike, hours: ArrayLike) -> NDArray[np.float64]:
    """Probability of at least one event of a Poisson process within ``hours``: 1 − e^(−h·t)."""
    h = np.asarray(hazard_per_hour, dtype=float)
    t = np.asarray(hours, dtype=float)
    if np.any(h < 0) or np.any(t < 0):
        raise ValueError("hazard and hours must be non-negative")
    return -np.expm1(-h * t)


def next_escalation_level(
    *, previous: float, move_scores: ArrayLike, nuclear_used_before: bool = False
) -> float:
    """The escalation level after a turn in which the sides made moves of ``move_scores``.

    The level jumps to the highest move at once; it comes down slowly: by one rung when
    every side's move is at most communication (score 1), by half a rung when the
    highest move is merely below the level, and never below 4 once nuclear weapons have
    been used (a taboo broken is not restored within a crisis).

    References: Kahn (1965) for the asymmetry of climbing and descending the ladder.
    """
    scores = np.asarray(move_scores, dtype=float)
    highest = float(scores.max()) if scores.size else 0.0
    if highest >= previous:
        level = highest
    elif highest <= 1.0:
        level = max(previous - 1.0, highest)
    else:
        level = max(previous - 0.5, highest)
    if nuclear_used_before or highest >= MAX_ESCALATION_LEVEL:
        level = max(level, 4.0)
    return float(min(level, MAX_ESCALATION_LEVEL))
