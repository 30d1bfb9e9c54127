"""The inadvertent-use hazard and the escalation level: baseline, monotonicity, rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.models.escalation import (
    BASELINE_HAZARD_PER_HOUR,
    HazardFactors,
    inadvertent_use_hazard_per_hour,
    next_escalation_level,
    probability_within,
)

CALM = dict(
    escalation_level=0.0,
    sides_on_alert=0,
    launch_under_attack=[0.0, 0.0],
    crisis_stability_index=1.0,
    channel_credibility=1.0,
    channel_up=True,
)


def hazard(**changes):
    return float(inadvertent_use_hazard_per_hour(**{**CALM, **changes}))


def test_calm_peacetime_is_the_baseline_of_about_one_percent_a_year():
    assert hazard() == pytest.approx(BASELINE_HAZARD_PER_HOUR)
    per_year = float(probability_within(hazard_per_hour=hazard(), hours=8766.0))
    assert per_year == pytest.approx(1 - math.exp(-0.01), rel=1e-9)


def test_documented_worked_figures():
    calm_turn = probability_within(
        hazard_per_hour=hazard(
            escalation_level=1, crisis_stability_index=0.8, launch_under_attack=[0, 0]
        ),
        hours=2.0,
    )
    tense_turn = probability_within(
        hazard_per_hour=hazard(
            escalation_level=4,
            sides_on_alert=2,
            launch_under_attack=[0.5, 0.5],
            crisis_stability_index=0.3,
            channel_credibility=0.2,
        ),
        hours=2.0,
    )
    assert 1e-6 < calm_turn < 1e-4  # "about 1e-5" in docs/models.md
    assert 0.01 < tense_turn < 0.1  # "a few per cent"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    level=st.floats(0, 4.5),
    alert=st.integers(0, 2),
    lua=st.floats(0, 0.9),
    index=st.floats(0.01, 1),
    credibility=st.floats(0, 1),
)
def test_every_factor_raises_the_hazard(level, alert, lua, index, credibility):
    point = dict(
        escalation_level=level,
        sides_on_alert=alert,
        launch_under_attack=[lua, 0.0],
        crisis_stability_index=index,
        channel_credibility=credibility,
    )
    here = hazard(**point)
    assert hazard(**{**point, "escalation_level": level + 0.5}) > here
    assert hazard(**{**point, "sides_on_alert": alert + 1}) > here
    assert hazard(**{**point, "launch_under_attack": [lua + 0.1, 0.0]}) > here
    assert hazard(**{**point, "crisis_stability_index": index - 0.01}) > here
    assert hazard(**{**point, "channel_up": False}) >= here
    assert hazard(**{**point, "channel_credibility": max(credibility - 0.1, 0)}) >= here


def test_probability_is_a_probability_and_rejects_negatives():
    p = probability_within(hazard_per_hour=np.array([0.0, 1e-6, 10.0]), hours=2.0)
    assert p[0] == 0.0 and 0 < p[1] < p[2] <= 1.0
    with pytest.raises(ValueError):
        probability_within(hazard_per_hour=-1.0, hours=1.0)


def test_factors_that_would_lower_risk_are_refused():
    with pytest.raises(ValueError, match="per_rung"):
        HazardFactors(per_rung=0.5)
    with pytest.raises(ValueError, match="baseline"):
        HazardFactors(baseline_per_hour=0.0)


@pytest.mark.parametrize(
    ("previous", "scores", "used", "expected"),
    [
        (1.0, [2, 1], False, 2.0),  # jumps to the highest move
        (3.0, [1, 0], False, 2.0),  # both talk: down one rung
        (3.0, [2, 1], False, 2.5),  # below the level: down half a rung
        (2.0, [5, 1], False, 5.0),  # nuclear use
        (5.0, [0, 0], True, 4.0),  # a taboo broken is not restored
        (0.5, [0, 0], False, 0.0),
    ],
)
def test_escalation_climbs_at_once_and_descends_slowly(previous, scores, used, expected):
    assert next_escalation_level(
        previous=previous, move_scores=scores, nuclear_used_before=used
    ) == pytest.approx(expected)
