"""Defaults stated in docs/models.md are the ones the code uses."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from stratstab.analysis.reference.inputs import DEFAULT_RETALIATION_DAMAGE
from stratstab.analysis.spec.scenario import CostSpec
from stratstab.models.crisis import warheads_for_damage

MODELS_DOC = Path(__file__).resolve().parents[2] / "docs" / "models.md"


def _doc() -> str:
    return " ".join(MODELS_DOC.read_text(encoding="utf-8").split())


def test_default_retaliation_damage_is_the_documented_one():
    stated = re.search(r"default: enough to destroy (\d+) % of the other side's value", _doc())
    assert stated, "docs/models.md no longer states the default assured-retaliation damage"
    assert int(stated.group(1)) / 100 == DEFAULT_RETALIATION_DAMAGE
    example = re.search(
        r"`w80 = (\d+)`, `D = ([\d.]+)` → `w = ([\d.]+)` warheads "
        r"\(the default assured-retaliation",
        _doc(),
    )
    assert example, "docs/models.md lost the worked example of the default requirement"
    w80, damage, warheads = (float(x) for x in example.groups())
    assert damage == DEFAULT_RETALIATION_DAMAGE
    assert warheads == pytest.approx(warheads_for_damage(damage=damage, w80=w80), abs=0.05)


def test_stop_rule_tolerance_default_is_documented():
    stated = re.search(r"stop_rule_tolerance` \(cost units, default ([0-9e-]+)\)", _doc())
    assert stated, "docs/models.md does not state the stop rule's tolerance default"
    assert float(stated.group(1)) == CostSpec().stop_rule_tolerance
    assert math.isclose(CostSpec().stop_rule_tolerance, 1e-12)
