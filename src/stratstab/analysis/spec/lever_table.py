"""The lever table: name, kind, unit, bounds and bilingual text of every side-level lever.

One data file (``analysis/spec/data/levers.yaml``) holds what a lever is; this module
reads it once and answers the questions forms, maps, error messages and reports ask:
is this value allowed, how does it read for a person, what should the user be told
when it does not fit.  Dataset overrides (``SIDE.SYSTEM.field``) are not in the table:
their fields belong to the force dataset schema.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from stratstab.forces.loader import parse_yaml

TABLE_FILE = "levers.yaml"
KINDS = ("choice", "probability", "multiple", "positive", "count", "nonnegative", "flag")
LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class LeverSpec:
    """One row of the lever table."""

    name: str
    kind: str
    unit: dict[str, str]
    label: dict[str, str]
    description: dict[str, str]
    example: Any
    minimum: float | None = None
    exclusive_minimum: bool = False
    maximum: float | None = None
    form_maximum: float | None = None
    step: float | None = None
    integer: bool = False
    structural: bool = False
    choices: tuple[str, ...] = ()
    basings: tuple[str, ...] = ()

    @property
    def numeric(self) -> bool:
        """True for levers that take a number (not a choice or a yes/no flag)."""
        return self.kind not in ("choice", "flag")

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` is allowed for this lever."""
        if self.kind == "choice":
            return value in self.choices
        if self.kind == "flag":
            return isinstance(value, bool)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        number = float(value)
        if not math.isfinite(number):
            return False
        if self.integer and not number.is_integer():
            return False
        if self.minimum is not None and (
            number < self.minimum or (self.exclusive_minimum and number == self.minimum)
        ):
            return False
        return self.maximum is None or number <= self.maximum

    def problem(self, lang: str = "en") -> str:
        """What the user is told when a value does not fit, in ``lang``."""
        template = _table()["messages"][self.kind][_lang(lang)]
        choices = ", ".join(choice_label(c, lang) for c in self.choices)
        minimum = "" if self.minimum is None else _number(self.minimum)
        return template.format(
            label=self.label[_lang(lang)], example=self.example, minimum=minimum, choices=choices
        )

    def reads(self, value: Any, lang: str = "en") -> str:
        """``value`` as a person reads it: ``60 %``, ``× 1.5``, ``44 interceptors``."""
        lang = _lang(lang)
        if self.kind == "choice":
            return choice_label(str(value), lang)
        if self.kind == "flag":
            return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
        number = float(value)
        if self.kind == "probability":
            return f"{number:.0%}".replace("%", " %")
        if self.kind == "multiple":
            return f"× {_number(number)}"
        return f"{_number(number)} {self.unit[lang]}".strip()


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    entry = resources.files("stratstab.analysis.spec.data").joinpath(TABLE_FILE)
    return parse_yaml(entry.read_text(encoding="utf-8"), source=TABLE_FILE)


@lru_cache(maxsize=1)
def lever_table() -> dict[str, LeverSpec]:
    """Every side-level lever by name (``posture``, ``interceptors`` ...), in table order."""
    out = {}
    for name, row in _table()["levers"].items():
        fields = dict(row)
        fields["choices"] = tuple(fields.get("choices", ()))
        fields["basings"] = tuple(fields.get("basings", ()))
        out[name] = LeverSpec(name=name, **fields)
    return out


def integer_levers() -> frozenset[str]:
    """Levers that take whole numbers (sampled and swept values are rounded)."""
    return frozenset(name for name, spec in lever_table().items() if spec.integer)


def non_numeric_levers() -> frozenset[str]:
    """Levers that take a choice or a yes/no flag: no distribution, range or clipping."""
    return frozenset(name for name, spec in lever_table().items() if not spec.numeric)


def structural_levers() -> frozenset[str]:
    """Levers that change the shape of the computation (the batch kernel groups by them)."""
    return frozenset(name for name, spec in lever_table().items() if spec.structural)


def survivability_levers() -> dict[str, tuple[str, ...]]:
    """Survivability levers and the basings of the systems each one sets."""
    return {name: spec.basings for name, spec in lever_table().items() if spec.basings}


def unknown_lever(name: str) -> str:
    """What the user is told about a lever name the table does not hold."""
    return (
        f"unknown lever {name!r}; expected one of {', '.join(lever_table())}, "
        "or SYSTEM.field (a dataset override such as DF-41.launchers)"
    )


def value_problem(spec: LeverSpec, value: Any) -> str | None:
    """None if ``value`` fits ``spec``; else the one English message every entry point gives."""
    if spec.accepts(value):
        return None
    return f"{spec.problem('en')}; got {value!r}"


def choice_label(value: str, lang: str = "en") -> str:
    """How a choice value (``generated``) reads in ``lang`` (``generated alert``)."""
    labels = _table()["choice_labels"].get(value)
    return labels[_lang(lang)] if labels else value


def lever_spec(key: str) -> LeverSpec | None:
    """The table row of a lever key ``SIDE.name``; None for dataset overrides and unknowns."""
    _, _, name = key.partition(".")
    return lever_table().get(name)


def describe_lever(key: str, value: Any, lang: str = "en") -> str:
    """A lever setting in words: ``CN — Mobile-missile survivability: 60 %``."""
    side, _, name = key.partition(".")
    spec = lever_table().get(name)
    if spec is None:  # a dataset override: SYSTEM.field
        return f"{side} — {name}: {value}"
    return f"{side} — {spec.label[_lang(lang)]}: {spec.reads(value, lang)}"


def decimals(step: float | None) -> int:
    """Decimal places that show a value to the precision of a form step (``0.05`` → 2)."""
    if not step or float(step).is_integer():
        return 0
    return max(0, -math.floor(math.log10(float(step))))


def bounds_text(spec: LeverSpec) -> str:
    """The allowed values of a lever in a few characters: ``0 – 1``, ``> 0``, ``≥ 1``."""
    if spec.kind == "choice":
        return " or ".join(f"`{choice}`" for choice in spec.choices)
    if spec.kind == "flag":
        return "`true` or `false`"
    low = None if spec.minimum is None else _number(spec.minimum)
    high = None if spec.maximum is None else _number(spec.maximum)
    if low is not None and high is not None:
        return f"{low} – {high}"
    if low is not None:
        return f"> {low}" if spec.exclusive_minimum else f"≥ {low}"
    return "any" if high is None else f"≤ {high}"


REFERENCE_BEGIN = "<!-- lever reference: generated from the lever table; do not edit -->"
REFERENCE_END = "<!-- end of lever reference -->"


def lever_reference() -> str:
    """The lever reference of ``docs/scenarios.md`` as Markdown, generated from the table."""
    lines = [
        REFERENCE_BEGIN,
        "",
        "| lever | kind | unit | allowed | whole numbers | meaning | 含义 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, spec in lever_table().items():
        cells = [
            f"`SIDE.{name}`",
            spec.kind,
            spec.unit["en"] or "—",
            bounds_text(spec),
            "yes" if spec.integer else "no",
            f"**{spec.label['en']}.** {spec.description['en']}",
            f"**{spec.label['zh']}。** {spec.description['zh']}",
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines += [
        "| `SIDE.SYSTEM.field` | override | the field's | the dataset schema's | — "
        "| A dataset override, e.g. `CN.DF-41.launchers`. "
        "| 数据集覆盖值，例如 `CN.DF-41.launchers`。 |",
        "",
        REFERENCE_END,
    ]
    return "\n".join(lines)


def with_lever_reference(document: str) -> str:
    """``document`` with the text between the reference markers replaced by the table."""
    start = document.index(REFERENCE_BEGIN)
    end = document.index(REFERENCE_END) + len(REFERENCE_END)
    return document[:start] + lever_reference() + document[end:]
