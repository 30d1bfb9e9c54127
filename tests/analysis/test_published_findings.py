"""stratstab against the published findings of the studies its models follow.

No force table of Kent and Thaler (RAND R-3765, 1989) or of Wilkening (2000) could be
read, so nothing here is pinned to a printed index value (docs/models.md, "Published
cases", says which cases and why).  What can be checked are the report's stated
findings, each a direction of change on the built-in baseline:

- RAND's summary of R-3765, findings (3) to (5): enlarging both inventories does not
  necessarily erode first-strike stability; generating forces early (making them
  untargetable) raises it; the index is one number shared by both sides.
- Launch under attack raises the index: the direction of the report's 1988 case
  (0.76 to 0.91, pp. 36-37, as reported by a public re-implementation; not read in the
  report itself, so only the direction is asserted).
"""

from __future__ import annotations

import copy

import pytest

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.spec.scenario import load_scenario, scenario_from_dict


@pytest.fixture(scope="module")
def baseline():
    scenario = load_scenario()
    return scenario, assess(scenario).crisis_stability_index


def _index_with(scenario, change) -> float:
    data = copy.deepcopy(scenario.model_dump())
    change(data)
    return assess(scenario_from_dict(data, source="published-findings")).crisis_stability_index


def test_generating_forces_early_raises_stability(baseline):
    scenario, day_to_day = baseline
    generated = _index_with(
        scenario, lambda d: d["posture"].update({side: "generated" for side in d["forces"]})
    )
    assert generated > day_to_day + 0.1


def test_launch_under_attack_raises_the_index(baseline):
    scenario, without = baseline
    with_lua = _index_with(
        scenario, lambda d: d["launch_under_attack"].update({side: 1.0 for side in d["forces"]})
    )
    assert with_lua > without + 0.1


def test_larger_arsenals_do_not_necessarily_erode_stability(baseline):
    scenario, base = baseline
    larger = _index_with(
        scenario,
        lambda d: d["levers"].update({f"{side}.arsenal_scale": 1.5 for side in d["forces"]}),
    )
    assert larger >= base


def test_the_index_is_one_number_for_both_sides(baseline):
    scenario, index = baseline
    result = assess(scenario)
    first, second = scenario.sides
    # The index is the product of the two sides' stability ratios c1/c2.
    product = (result.c1(first) / result.c2(first)) * (result.c1(second) / result.c2(second))
    assert index == pytest.approx(product, rel=1e-12)
