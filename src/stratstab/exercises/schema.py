"""Exercise scenario files: setting, actors, objectives, injects and the action menu.

An exercise scenario is YAML validated by the pydantic models below.  It names an
assessment scenario (``stratstab.analysis``) as its starting point; every action and
inject changes that scenario only through levers (:mod:`stratstab.analysis.spec.levers`), so
adjudication uses the very models that ``stratstab assess`` uses.

Action effects name the side relative to the actor (``self`` or ``other``); inject
effects name a side code.  An effect either sets a lever or adds to a numeric one.

An exercise has two or more sides.  With two, ``other`` is the side facing the actor.
With three or more, an action may name its ``target`` side: ``other`` then means the
target, and a nuclear-use action must name one; without a target, ``other`` means every
side but the actor (an alert change is seen by all).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stratstab.citations import check_primary_url
from stratstab.exercises.ladder import RungId

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Effect(_Strict):
    """One lever change: ``set`` a value or ``add`` to a numeric lever (clipped to its range)."""

    side: str
    lever: str
    set: Any = None
    add: float | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Effect:
        if (self.set is None) == (self.add is None):
            raise ValueError("give exactly one of set or add")
        return self


NuclearTargets = Literal["demonstration", "military", "value"]


class NuclearStrike(_Strict):
    """What a nuclear-use action detonates: how many warheads, against what kind of target.

    ``demonstration`` detonates away from the other side's territory (no damage);
    ``military`` strikes forces and bases, whose damage to the other side's value is a
    tenth of a warhead each (collateral damage, a teaching assumption); ``value`` strikes
    what the other side values most, a full warhead each.
    """

    warheads: Annotated[int, Field(ge=1, le=5000)]
    targets: NuclearTargets


class Action(_Strict):
    """One entry of the action menu, on one rung of the escalation ladder."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    label: str
    label_zh: str = ""
    rung: RungId
    description: str = ""
    effects: list[Effect] = Field(default_factory=list)
    available_to: list[str] | None = None  # side codes; None: both sides
    ends_exercise: bool = False
    nuclear: NuclearStrike | None = None  # required on the nuclear-use rung, forbidden elsewhere
    # The side an action is aimed at (three or more sides); None: the other side(s).
    target: str | None = None

    @model_validator(mode="after")
    def _relative_sides(self) -> Action:
        for effect in self.effects:
            if effect.side not in ("self", "other"):
                raise ValueError(f"action effects name side 'self' or 'other', got {effect.side!r}")
        if (self.rung == "nuclear-use") != (self.nuclear is not None):
            raise ValueError(
                "a nuclear-use action needs a nuclear block {warheads, targets}, "
                "and only nuclear-use actions may have one"
            )
        return self


class Condition(_Strict):
    """When a conditional inject fires; every given clause must hold."""

    index_below: Probability | None = None
    index_above: Probability | None = None
    rung_at_least: Annotated[int, Field(ge=0, le=5)] | None = None  # any side's last move
    action_taken: str | None = None  # by any side, on this turn or earlier
    after_turn: Annotated[int, Field(ge=0)] | None = None


class Inject(_Strict):
    """Information or an event given to players, at a fixed turn or when a condition holds."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    text: str
    text_zh: str = ""
    turn: Annotated[int, Field(ge=1)] | None = None
    when: Condition | None = None
    probability: Probability = 1.0
    to: str = "all"  # "all" or a side code: who is told
    effects: list[Effect] = Field(default_factory=list)
    channel_outage_turns: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _timed_or_conditional(self) -> Inject:
        if (self.turn is None) == (self.when is None):
            raise ValueError("give exactly one of turn (timed inject) or when (conditional)")
        return self


class ScenarioSource(_Strict):
    """A publication a scenario draws on: title, publisher, date and where to read it.

    ``url`` is the primary publication (:mod:`stratstab.citations`: the issuing
    government's or organisation's own page, the treaty text, the journal or institute
    page), left out where no such address is known rather than guessed; ``accessed``
    (YYYY-MM-DD) is the day the address was recorded and goes with it.
    """

    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    published: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")  # as precisely as known
    used_for: str | None = None  # what the scenario takes from it
    used_for_zh: str | None = None
    url: str | None = None
    accessed: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")

    @field_validator("url")
    @classmethod
    def _primary(cls, url: str | None) -> str | None:
        return None if url is None else check_primary_url(url)

    @model_validator(mode="after")
    def _dated_address(self) -> ScenarioSource:
        if (self.url is None) != (self.accessed is None):
            raise ValueError("a source's url and accessed date go together")
        return self


class Actor(_Strict):
    """A side in the exercise: display name and objectives."""

    name: str
    name_zh: str = ""
    objectives: list[str] = Field(min_length=1)
    objectives_zh: list[str] = Field(default_factory=list)


class Assessment(_Strict):
    """The assessment scenario the exercise starts from, plus starting levers."""

    scenario: str = "us-china-2024-baseline"
    levers: dict[str, Any] = Field(default_factory=dict)


class ExerciseScenario(_Strict):
    """A validated exercise scenario; see the built-in files for worked examples."""

    id: str
    name: str
    name_zh: str = ""
    description: str = ""
    description_zh: str = ""
    setting: str
    setting_zh: str = ""
    assessment: Assessment = Assessment()
    minutes_per_turn: Annotated[int, Field(ge=1)] = 60
    turns: Annotated[int, Field(ge=1, le=50)] = 8
    ack_deadline_turns: Annotated[int, Field(ge=1)] = 1
    # Trust in the risk-reduction channel when the exercise starts (0 = worthless).
    channel_credibility: Probability = 0.7
    # Share of any side's value destroyed at which the exercise ends as a general war.
    war_damage_threshold: Annotated[float, Field(gt=0.0, le=1.0)] = 0.3
    actors: dict[str, Actor]
    actions: list[Action] = Field(min_length=2)
    injects: list[Inject] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)  # related history entry ids
    # Publications the scenario draws on: structured, or a plain citation string.
    sources: list[ScenarioSource | str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> ExerciseScenario:
        if len(self.actors) < 2:
            raise ValueError(f"actors must name two or more sides, got {list(self.actors)}")
        _unique([a.id for a in self.actions], "actions")
        _unique([i.id for i in self.injects], "injects")
        action_ids = {a.id for a in self.actions}
        for action in self.actions:
            unknown = set(action.available_to or ()) - set(self.actors)
            if unknown:
                raise ValueError(
                    f"action {action.id!r}: available_to names unknown side(s) {sorted(unknown)}"
                )
            if action.target is not None:
                if action.target not in self.actors:
                    raise ValueError(
                        f"action {action.id!r}: target must be one of {list(self.actors)}, "
                        f"got {action.target!r}"
                    )
                if action.target in (action.available_to or ()):
                    raise ValueError(f"action {action.id!r}: a side cannot target itself")
            elif action.nuclear is not None and len(self.actors) > 2:
                raise ValueError(
                    f"action {action.id!r}: with three or more sides a nuclear-use action "
                    "must name its target side"
                )
        for inject in self.injects:
            if inject.to != "all" and inject.to not in self.actors:
                raise ValueError(
                    f"inject {inject.id!r}: to must be 'all' or one of {list(self.actors)}"
                )
            for effect in inject.effects:
                if effect.side not in self.actors:
                    raise ValueError(
                        f"inject {inject.id!r}: effect side must be one of "
                        f"{list(self.actors)}, got {effect.side!r}"
                    )
            if (
                inject.when
                and inject.when.action_taken
                and inject.when.action_taken not in action_ids
            ):
                raise ValueError(
                    f"inject {inject.id!r}: when.action_taken names unknown "
                    f"action {inject.when.action_taken!r}"
                )
        return self

    @property
    def sides(self) -> tuple[str, ...]:
        """The side codes in file order."""
        return tuple(self.actors)

    def opponents(self, side: str) -> tuple[str, ...]:
        """Every side but ``side``, in file order."""
        return tuple(s for s in self.sides if s != side)

    def other(self, side: str) -> str:
        """The side facing ``side`` (two-sided exercises only)."""
        if len(self.sides) != 2:
            raise ValueError("other() needs exactly two sides; use opponents() or targets()")
        first, second = self.sides
        return second if side == first else first

    def targets(self, side: str, action_id: str) -> tuple[str, ...]:
        """The sides ``other`` means when ``side`` takes ``action_id``."""
        target = self.action(action_id).target
        return (target,) if target is not None else self.opponents(side)

    def menu(self, side: str) -> list[Action]:
        """The actions open to ``side``, in file order (never one aimed at itself)."""
        return [
            a
            for a in self.actions
            if (a.available_to is None or side in a.available_to) and a.target != side
        ]

    def action(self, action_id: str) -> Action:
        """The action with id ``action_id`` (:class:`KeyError` if unknown)."""
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(action_id)

    def label(self, action_id: str, lang: str = "en") -> str:
        """An action's label in ``lang`` (English where no Chinese label is given)."""
        action = self.action(action_id)
        return action.label_zh if lang == "zh" and action.label_zh else action.label


def _unique(ids: list[str], block: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{block}: duplicate id {item!r}")
        seen.add(item)
