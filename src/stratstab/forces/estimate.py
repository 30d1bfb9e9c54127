"""Cited numbers: sources and low/central/high estimates.

Every number in a force dataset is an :class:`Estimate` carrying the key of the source
it comes from.  Numbers that no government publishes (accuracy, silo hardness,
reliability, survivability) are flagged ``assumption: true`` and name, in ``basis``,
the public estimate they follow.  The typed subclasses bound the values a field may
take (counts are non-negative, probabilities lie in [0, 1], physical magnitudes are
positive), so a wrong number fails at load time with the field path.
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stratstab.citations import check_primary_url

Which = Literal["low", "central", "high"]
WHICH_VALUES: tuple[Which, ...] = ("low", "central", "high")

# Source keys of the dataset currently being validated.  A dataset-level "wrap"
# validator sets it, so that each Estimate can reject a dangling key with its own
# exact field path (systems[3].launchers.source) instead of a vague dataset error.
_KNOWN_SOURCE_KEYS: ContextVar[frozenset[str] | None] = ContextVar(
    "stratstab_known_source_keys", default=None
)


class StrictModel(BaseModel):
    """Base for every force-data model: unknown keys are errors, instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(StrictModel):
    """Bibliographic record of a source."""

    authors: list[str] = Field(min_length=1, description="Authors or issuing organisation.")
    title: str = Field(min_length=1)
    venue: str = Field(min_length=1, description="Journal, yearbook, report series or website.")
    publisher: str = Field(min_length=1, description="Organisation that published it.")
    year: int = Field(ge=1945, le=2100)
    volume: str | None = Field(default=None, description="Volume(issue) and pages, if any.")

    def short(self) -> str:
        """One-line human-readable form: authors, year, title, venue."""
        authors = self.authors[0] + (" et al." if len(self.authors) > 2 else "")
        if len(self.authors) == 2:
            authors = f"{self.authors[0]} and {self.authors[1]}"
        volume = f" {self.volume}" if self.volume else ""
        return f"{authors} ({self.year}). {self.title}. {self.venue}{volume}."


class Source(StrictModel):
    """A public source that numbers in a dataset cite by ``key``.

    ``url`` is the primary publication (see :mod:`stratstab.citations`: no aggregators,
    blogs or mirrors);
    ``published`` when it was published, as precisely as known (``YYYY-MM-DD``, or
    ``YYYY-MM`` for a journal issue, ``YYYY`` for a continuously updated site);
    ``accessed`` when it was read.  Only a ``user_supplied`` source (numbers a scenario
    or command line sets in place of the dataset's) has none of the three.
    """

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="Short lower-case key.")
    citation: Citation
    url: str | None = Field(default=None, description="The primary publication (https).")
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    published: str | None = Field(
        default=None,
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="Publication date as precise as known: YYYY-MM-DD, YYYY-MM or YYYY.",
    )
    accessed: date | None = Field(default=None, description="When the URL was read.")
    user_supplied: bool = Field(default=False, description="Set by a user, not published.")
    as_of: date | None = Field(default=None, description="Date the figures describe.")
    notes: str | None = None

    @field_validator("url")
    @classmethod
    def _primary(cls, url: str | None) -> str | None:
        return None if url is None else check_primary_url(url)

    @field_validator("published", mode="before")
    @classmethod
    def _date_as_text(cls, value: object) -> object:
        # YAML reads an unquoted 2024-01-15 as a date.
        return value.isoformat() if isinstance(value, date) else value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Source:
        if self.user_supplied:
            return self
        missing = [name for name in ("url", "published", "accessed") if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a published source needs {', '.join(missing)}")
        assert self.accessed is not None and self.published is not None
        if self.accessed.isoformat()[: len(self.published)] < self.published:
            raise ValueError(f"accessed {self.accessed} is before published {self.published}")
        if int(self.published[:4]) != self.citation.year:
            raise ValueError(
                f"published {self.published} does not match citation.year {self.citation.year}"
            )
        return self


def known_source_keys() -> frozenset[str] | None:
    """Source keys of the dataset being validated (None outside dataset validation)."""
    return _KNOWN_SOURCE_KEYS.get()


def set_known_source_keys(keys: frozenset[str] | None) -> object:
    """Install the keys an Estimate may cite; returns a token for :func:`reset_known_keys`."""
    return _KNOWN_SOURCE_KEYS.set(keys)


def reset_known_keys(token: object) -> None:
    """Undo :func:`set_known_source_keys`."""
    _KNOWN_SOURCE_KEYS.reset(token)  # type: ignore[arg-type]


class Estimate(StrictModel):
    """A number with its uncertainty range and its source.

    ``central`` is the value models use by default; ``low`` and ``high`` (optional)
    bracket it and must satisfy ``low <= central <= high``.  ``assumption`` marks
    unpublished values; ``basis`` then says which public estimate the value follows.
    """

    central: float
    low: float | None = None
    high: float | None = None
    source: str = Field(min_length=1, description="Key of an entry in the dataset's sources.")
    assumption: bool = False
    basis: str | None = None
    note: str | None = None

    @field_validator("central", "low", "high")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @field_validator("source")
    @classmethod
    def _source_resolves(cls, value: str) -> str:
        keys = known_source_keys()
        if keys is not None and value not in keys:
            valid = ", ".join(sorted(keys)) or "(the dataset lists no sources)"
            raise ValueError(f"unknown source key {value!r}; expected one of: {valid}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Estimate:
        if self.low is not None and self.low > self.central:
            raise ValueError(f"low ({self.low:g}) must not exceed central ({self.central:g})")
        if self.high is not None and self.high < self.central:
            raise ValueError(f"high ({self.high:g}) must not be below central ({self.central:g})")
        if self.assumption and not self.basis:
            raise ValueError("an assumption must name its basis (the public estimate it follows)")
        return self

    def value(self, which: Which = "central") -> float:
        """The low, central or high value; a missing bound falls back to ``central``."""
        if which == "central":
            return self.central
        if which == "low":
            return self.central if self.low is None else self.low
        if which == "high":
            return self.central if self.high is None else self.high
        raise ValueError(f"which must be one of {WHICH_VALUES}, not {which!r}")

    def bounds(self) -> tuple[float, float, float]:
        """``(low, central, high)`` with missing bounds replaced by ``central``."""
        return (self.value("low"), self.central, self.value("high"))


def _check_bounds(
    estimate: Estimate, *, minimum: float, maximum: float | None, strict_min: bool
) -> Estimate:
    for which in WHICH_VALUES:
        raw = getattr(estimate, which)
        if raw is None:
            continue
        if raw < minimum or (strict_min and raw == minimum):
            relation = "greater than" if strict_min else "at least"
            raise ValueError(f"{which} = {raw:g}; expected a number {relation} {minimum:g}")
        if maximum is not None and raw > maximum:
            raise ValueError(f"{which} = {raw:g}; expected a number at most {maximum:g}")
    return estimate


class CountEstimate(Estimate):
    """A non-negative count (launchers, warheads, aim points)."""

    @model_validator(mode="after")
    def _non_negative(self) -> CountEstimate:
        return _check_bounds(self, minimum=0.0, maximum=None, strict_min=False)  # type: ignore[return-value]


class ProbabilityEstimate(Estimate):
    """A probability or fraction in [0, 1] (reliability, survivability)."""

    @model_validator(mode="after")
    def _unit_interval(self) -> ProbabilityEstimate:
        return _check_bounds(self, minimum=0.0, maximum=1.0, strict_min=False)  # type: ignore[return-value]


class PositiveEstimate(Estimate):
    """A strictly positive physical magnitude (yield kt, CEP m, hardness psi)."""

    @model_validator(mode="after")
    def _positive(self) -> PositiveEstimate:
        return _check_bounds(self, minimum=0.0, maximum=None, strict_min=True)  # type: ignore[return-value]
