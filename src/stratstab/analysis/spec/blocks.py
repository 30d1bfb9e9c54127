"""The blocks of a scenario: forces, defenses, strikes, value targets, costs, use.

Each block is a frozen pydantic model with documented defaults; :class:`Scenario`
(in :mod:`stratstab.analysis.spec.scenario`) puts them together per side.  The lever
syntax (:mod:`stratstab.analysis.spec.levers`) changes these blocks, so they live
below both.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from stratstab.models.crisis import (
    KENT_THALER_ENEMY_WEIGHT,
    KENT_THALER_EXPONENT,
    STOP_RULE_TOLERANCE,
)
from stratstab.models.defense import DefenseLayer


def _not_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got the boolean {value}")
    return value


# Whole numbers (2 or 2.0); YAML ``true`` is not one interceptor.
Whole = Annotated[int, BeforeValidator(_not_boolean)]
Count = Annotated[Whole, Field(ge=0)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Posture = Literal["day-to-day", "generated"]
Basing = Literal["silo", "road-mobile", "rail-mobile", "ssbn", "bomber"]


class _Strict(BaseModel):
    # NaN and infinity are refused everywhere: they slip through every bound check.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ForceSpec(_Strict):
    """A side's forces: a dataset id (or path) plus overrides ``"SYSTEM.field": value``."""

    dataset: str
    estimate: Literal["low", "central", "high"] = "central"
    overrides: dict[str, Any] = Field(default_factory=dict)


class DefenseLayerSpec(_Strict):
    """One layer of ballistic missile defense (Wilkening's parameters)."""

    interceptors: Count = 0
    interceptor_pk: Probability = 0.5
    shots_per_rv: Annotated[Whole, Field(ge=1)] = 4
    discrimination: Probability = 1.0
    common_mode: Probability = 1.0
    decoys_per_rv: NonNegative = 0.0
    decoy_rejection: Probability = 0.0
    shoot_look_shoot: bool = False
    second_shots: Count = 0
    kill_assessment: Probability = 0.9

    def model_layer(self) -> DefenseLayer:
        """The layer as :class:`stratstab.models.defense.DefenseLayer` computes it."""
        return DefenseLayer(**{name: getattr(self, name) for name in DefenseLayerSpec.model_fields})


class DefenseSpec(DefenseLayerSpec):
    """Ballistic missile defense protecting a side's value.

    The fields describe the first layer to engage; ``further_layers`` the layers that
    engage, in order, what it lets through.  A scenario file may give a side's defense
    as one mapping (one layer) or as a list of layers, first to engage first.
    """

    further_layers: list[DefenseLayerSpec] = Field(default_factory=list)

    def layers(self) -> list[DefenseLayerSpec]:
        """Every layer, first to engage first."""
        return [self, *self.further_layers]

    def model_layers(self) -> list[DefenseLayer]:
        """The layers as :func:`stratstab.models.defense.through_layers` takes them."""
        return [layer.model_layer() for layer in self.layers()]


def defense_from_layers(value: Any) -> Any:
    """A side's defense given as a list of layers becomes its first layer plus the rest."""
    if not isinstance(value, list):
        return value
    if not value:
        raise ValueError("a list of defense layers needs at least one layer")
    first, *rest = value
    if not isinstance(first, dict):
        return value  # let the model report what it expected
    if "further_layers" in first:
        raise ValueError("give either a list of layers or further_layers, not both")
    return {**first, "further_layers": rest}


class StrikeSpec(_Strict):
    """How this side runs a counterforce strike.

    ``targets``: names of the other side's systems to attack (default: every
    strategic system).  ``weapons``: names of this side's systems whose warheads are
    used (default: strategic ICBMs and SLBMs).  ``warheads_per_aim_point`` by basing.
    """

    warheads_per_aim_point: dict[Basing, Annotated[Whole, Field(ge=1, le=10)]] = Field(
        default_factory=lambda: {
            "silo": 2,
            "road-mobile": 1,
            "rail-mobile": 1,
            "ssbn": 1,
            "bomber": 1,
        }
    )
    targets: list[str] | None = None
    weapons: list[str] | None = None
    fratricide: Probability = 0.0


class ValueSpec(_Strict):
    """A side's value target base: ``w80`` arriving warheads destroy 80 % of it."""

    w80: Annotated[float, Field(gt=0)] = 300.0


class RetaliationSpec(_Strict):
    """What assured retaliation means for a side: arriving warheads, or a damage fraction."""

    arriving_warheads: Annotated[float, Field(gt=0)] | None = None
    damage: Annotated[float, Field(gt=0, lt=1)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> RetaliationSpec:
        if (self.arriving_warheads is None) == (self.damage is None):
            raise ValueError("give exactly one of arriving_warheads or damage")
        return self


class CostSpec(_Strict):
    """Kent–Thaler cost weights (REFERENCES §3)."""

    own_weight_exponent: Annotated[float, Field(gt=0)] = KENT_THALER_EXPONENT
    enemy_weight: NonNegative = KENT_THALER_ENEMY_WEIGHT
    #: Costs within this of the striker's lowest count as ties, broken by the victim's
    #: cost (highest first) and then by the smallest strike (``crisis.stop_rule``).
    stop_rule_tolerance: Annotated[float, Field(ge=0, le=1)] = STOP_RULE_TOLERANCE
    #: Weight of the surcharge for how much more exposed to a third party a pair's
    #: exchange leaves a side (``models.trilateral.trilateral_cost``).
    third_party_weight: NonNegative = 0.3


class DoctrineSpec(_Strict):
    """A side's targeting doctrine among three or more sides.

    ``weights``: share of its forces aimed at each adversary (summing to 1; default an
    equal split).  ``reserve``: share of its forces held back against the third
    parties while it fights one adversary, in [0, 1).
    """

    weights: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(default_factory=dict)
    reserve: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0


class UseSpec(_Strict):
    """Share of surviving forces each side actually launches in a major exchange."""

    fixed: Probability = 1.0
    survivable: Probability = 0.9
