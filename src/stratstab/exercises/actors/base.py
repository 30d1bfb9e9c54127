"""What a player sees each turn and what it answers: the contract every player keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from stratstab.errors import StratstabError


class PlayerError(StratstabError):
    """A player could not produce a valid decision (bad reply, timeout, unknown action)."""


class DecisionPending(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a player whose decision for this turn is not in yet (people decide later)."""

    def __init__(self, side: str, observation: Observation) -> None:
        super().__init__(f"{side} has not decided turn {observation.turn}")
        self.side = side
        self.observation = observation


class TurnPending(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the engine when some sides' decisions for the turn are not in yet.

    ``observations`` holds what each waiting side sees at its decision point; the turn
    is not played, so a run can be rebuilt from its seed once the decisions arrive.
    """

    def __init__(self, observations: dict[str, Observation]) -> None:
        sides = ", ".join(observations)
        super().__init__(f"waiting for {sides}")
        self.observations = observations


@dataclass(frozen=True)
class MenuItem:
    """One action open to the player, with the index the models predict if only it is taken."""

    id: str
    label: str
    rung: str
    score: int
    predicted_index: float
    predicted_risk: float = 0.0  # probability of unchosen nuclear use this turn, if taken
    label_zh: str = ""
    target: str | None = None  # the side the action is aimed at (three or more sides)


@dataclass(frozen=True)
class InboxItem:
    """A delivered message the player can read (and acknowledge)."""

    seq: int
    kind: str
    text: str
    sent_turn: int
    in_reply_to: int | None
    acknowledged: bool
    lang: str = "en"  # language of ``text`` as written
    translation: str = ""  # the text in the other language, where one exists


@dataclass(frozen=True)
class Observation:
    """Everything a player knows at its decision point in a turn."""

    turn: int
    turns: int
    side: str
    opponent: str
    objectives: tuple[str, ...]
    crisis_stability_index: float
    index_history: tuple[float, ...]  # index after each past turn, starting with turn 0
    own_moves: tuple[str, ...]  # action ids, one per past turn
    opponent_moves: tuple[str, ...]
    opponent_scores: tuple[int, ...]  # ladder scores of the opponent's past moves
    injects: tuple[str, ...]  # texts of injects told to this side this turn
    inbox: tuple[InboxItem, ...]  # messages delivered this turn
    channel_up: bool
    menu: tuple[MenuItem, ...]
    escalation_level: float = 1.0  # on the ladder, 0 (de-escalation) to 5 (nuclear use)
    nuclear_use_risk: float = 0.0  # probability of unchosen nuclear use within a turn
    channel_credibility: float = 1.0
    nuclear_used_by: tuple[str, ...] = ()  # sides that have used nuclear weapons
    injects_zh: tuple[str, ...] = ()  # the same injects in Chinese, where written
    others: tuple[str, ...] = ()  # every other side, in file order (``opponent`` among them)

    def item(self, action_id: str) -> MenuItem:
        """The menu item with this id (:class:`PlayerError` if not on the menu)."""
        for item in self.menu:
            if item.id == action_id:
                return item
        raise PlayerError(
            f"action {action_id!r} is not on {self.side}'s menu; "
            f"expected one of {[m.id for m in self.menu]}"
        )


@dataclass(frozen=True)
class OutgoingMessage:
    """A message a player sends on the risk-reduction channel."""

    kind: str
    text: str
    in_reply_to: int | None = None
    lang: str = "en"  # language of ``text`` as written ("en" or "zh")
    translation: str = ""  # the text in the other language, where the sender gives one
    to: str | None = None  # recipient side; None: whom it answers, else the main opponent


@dataclass(frozen=True)
class Decision:
    """A player's move: one action, the stated reason, messages and acknowledgements."""

    action: str
    reason: str
    messages: tuple[OutgoingMessage, ...] = ()
    reason_zh: str = ""  # the reason in Chinese, where the player gives one
    acknowledge: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


class Player(Protocol):
    """Anything that turns an observation into a decision."""

    name: str

    def decide(self, observation: Observation) -> Decision:
        """Choose this turn's move."""
        ...
