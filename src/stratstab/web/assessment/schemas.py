"""Shapes of the assessment API: scenarios, runs, comparisons, jobs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stratstab.web.shapes import InputModel

LeverValue = float | int | str


class ScenarioSummary(BaseModel):
    """A scenario the user can pick: built-in, or uploaded by this user."""

    id: str
    name: str
    description: str = ""
    origin: Literal["built-in", "uploaded"]


class ScenarioDetail(ScenarioSummary):
    """A scenario with its sides, assumption sets and file levers."""

    sides: list[str]
    assumptions: dict[str, dict[str, Any]]
    levers: dict[str, Any]
    defense_layers: dict[str, list[int]] = Field(
        default_factory=dict,
        description="Interceptors of each defense layer per side, first to engage first "
        "(sides with a defense only).",
    )


class ScenarioUpload(InputModel):
    """A scenario given as YAML text (size capped by the workbench: 413 beyond)."""

    model_config = ConfigDict(extra="forbid")
    yaml: str = Field(min_length=1)
    filename: str = Field(default="uploaded.yaml", max_length=200)


class DatasetUpload(InputModel):
    """A force dataset given as YAML text (``docs/datasets.md``; size capped: 413 beyond)."""

    model_config = ConfigDict(extra="forbid")
    yaml: str = Field(min_length=1)
    filename: str = Field(default="dataset.yaml", max_length=200)


class DatasetPublic(BaseModel):
    """One of your uploaded datasets."""

    id: str
    kind: str
    title: str
    filename: str
    size_bytes: int


class AssumptionSet(InputModel):
    """One set of assumptions: a named view of the scenario plus lever overrides."""

    model_config = ConfigDict(extra="forbid")
    label: str | None = Field(default=None, max_length=80)
    view: str | None = None
    levers: dict[str, LeverValue] = Field(default_factory=dict)


class RunRequest(AssumptionSet):
    """Assess one scenario under one assumption set."""

    scenario: str = "us-china-2024-baseline"


class CompareRequest(InputModel):
    """Assess one scenario under two assumption sets, side by side."""

    model_config = ConfigDict(extra="forbid")
    scenario: str = "us-china-2024-baseline"
    left: AssumptionSet
    right: AssumptionSet


class MapRequest(InputModel):
    """A stability map: a metric over two levers, under each assumption set."""

    model_config = ConfigDict(extra="forbid")
    scenario: str = "us-china-2024-baseline"
    x: str = Field(max_length=200, examples=["US.interceptors=0:490:50"])
    y: str = Field(max_length=200, examples=["CN.survivability_mobile=0:1:50"])
    metric: Literal["crisis", "required-arsenal", "retaliation"] = "crisis"
    views: list[str] | None = Field(default=None, max_length=8)


class JobPublic(BaseModel):
    """A background run as pollers see it; ``result`` is set once ``state`` is done."""

    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed", "interrupted"]
    progress: float
    note: str
    error: str | None = None
    result: dict[str, Any] | None = None
