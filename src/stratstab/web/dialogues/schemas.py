"""Shapes of the dialogue API, and of the page forms that post the same inputs.

Each input has one schema here; the JSON routes (``api.py``) take it as the body and the
page handlers (``pages.py``) validate their form with it (:mod:`stratstab.web.forms`),
so a limit holds whichever way the input arrives.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from stratstab.web.params import Importance, Priority, VoteValue
from stratstab.web.shapes import UtcDateTime

MAX_STATEMENT_CHARS = 2000
MAX_NOTE_CHARS = 2000
MAX_OUTCOME_CHARS = 5000
MAX_TOPICS = 50

TopicId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
"""A topic of the scope catalogue (e.g. ``cyber``)."""

StatementId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
"""A statement's id within its dialogue."""

LedgerKey = Annotated[str, StringConstraints(min_length=1, max_length=100)]
"""A ledger item's key within its dialogue."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DialoguePublic(BaseModel):
    """A dialogue the user may enter."""

    slug: str
    title: str
    track: str
    parties: list[str]
    description: str
    created_at: UtcDateTime
    rounds: int
    statements: int
    participants: int


class StatementPublic(BaseModel):
    """A statement as the viewer may see it; ``votable`` tells whether they can vote on it."""

    id: str
    text_en: str
    text_zh: str
    author: str | None
    author_delegation: str | None
    topics: list[str]
    moderation: Literal["pending", "accepted", "rejected"]
    sealed: bool
    votable: bool
    created_at: UtcDateTime


class StatementCreate(_Strict):
    """A new statement, in English and/or Chinese."""

    text_en: str = Field(default="", max_length=MAX_STATEMENT_CHARS)
    text_zh: str = Field(default="", max_length=MAX_STATEMENT_CHARS)
    topics: list[TopicId] = Field(default_factory=list, max_length=MAX_TOPICS)
    sealed: bool = False


class ModerationUpdate(_Strict):
    """Facilitator's decision on a statement."""

    moderation: Literal["pending", "accepted", "rejected"] | None = None
    sealed: bool | None = None


class VoteCreate(_Strict):
    """A vote: 1 agree, -1 disagree, 0 pass; importance 1 (low) to 3 (high)."""

    statement: StatementId
    value: VoteValue
    importance: Importance | None = None


class VotePublic(BaseModel):
    """A recorded vote."""

    participant: str
    statement: str
    value: int
    importance: int | None
    cast_at: UtcDateTime
    round: int | None


class NextStatement(BaseModel):
    """The next statement to vote on (None when done) and the viewer's progress."""

    statement: StatementPublic | None
    voted: int
    votable: int


class ScopePositionPublic(BaseModel):
    """A scope position the viewer may read."""

    delegation: str
    topic: str
    stance: str
    priority: int
    linked_topics: list[str]
    note: str
    sealed: bool
    revealed: bool


class ScopePositionUpdate(_Strict):
    """Your delegation's stance on a topic (sealed until the facilitator reveals)."""

    stance: Literal["include", "exclude", "only-if-linked"]
    priority: Priority = 3
    linked_topics: list[TopicId] = Field(default_factory=list, max_length=MAX_TOPICS)
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)


class ScopePublic(BaseModel):
    """The scope matrix as the viewer may see it."""

    delegations: list[str]
    positions: list[ScopePositionPublic]
    sealed: list[dict[str, str]]
    submitted: dict[str, int]
    all_submitted: bool
    sealed_pending: int
    analysis: dict[str, Any] | None


class RevealResult(BaseModel):
    """How many sealed items the reveal opened."""

    revealed: int


class LedgerItemCreate(_Strict):
    """A new ledger item."""

    key: LedgerKey
    title_en: str = Field(default="", max_length=500)
    title_zh: str = Field(default="", max_length=500)
    topic: TopicId | None = None
    status: Literal["agreed", "disputed", "open"] = "open"


class LedgerStatusUpdate(_Strict):
    """A ledger item's new status in the current round."""

    status: Literal["agreed", "disputed", "open"]
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)


class RoundClose(_Strict):
    """Outcome text of the round being closed."""

    outcome: str = Field(default="", max_length=MAX_OUTCOME_CHARS)
