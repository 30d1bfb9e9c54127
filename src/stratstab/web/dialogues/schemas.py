"""Shapes of the dialogue API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stratstab.web.params import Importance, Priority


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DialoguePublic(BaseModel):
    """A dialogue the user may enter."""

    slug: str
    title: str
    track: str
    parties: list[str]
    description: str
    created_at: datetime
    rounds: int
    statements: int
    participants: int
    title_zh: str = ""


class MachineSuggestion(BaseModel):
    """A machine translation waiting for a person to accept it (never a statement text)."""

    language: Literal["en", "zh"]
    text: str
    source: str
    machine: Literal[True] = True


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
    created_at: datetime
    original_language: Literal["en", "zh"] = "en"
    translated_by: str = ""
    suggestion: MachineSuggestion | None = Field(
        default=None, description="Only for translators and facilitators."
    )


class StatementCreate(_Strict):
    """A new statement, in English and/or Chinese; ``original_language`` names the one
    its author wrote (default: the language of the only text given)."""

    text_en: str = Field(default="", max_length=2000)
    text_zh: str = Field(default="", max_length=2000)
    original_language: Literal["en", "zh"] | None = None
    topics: list[str] = Field(default_factory=list)
    sealed: bool = False


class TranslationUpdate(_Strict):
    """The text of a statement in the language it was not written in (empty: remove)."""

    language: Literal["en", "zh"]
    text: str = Field(max_length=2000)


class ModerationUpdate(_Strict):
    """Facilitator's decision on a statement."""

    moderation: Literal["pending", "accepted", "rejected"] | None = None
    sealed: bool | None = None


class VoteCreate(_Strict):
    """A vote: 1 agree, -1 disagree, 0 pass; importance 1 (low) to 3 (high)."""

    statement: str
    value: Literal[-1, 0, 1]
    importance: Importance | None = None


class VotePublic(BaseModel):
    """A recorded vote."""

    participant: str
    statement: str
    value: int
    importance: int | None
    cast_at: datetime
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
    linked_topics: list[str] = Field(default_factory=list)
    note: str = Field(default="", max_length=2000)


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

    key: str = Field(min_length=1, max_length=100)
    title_en: str = Field(default="", max_length=500)
    title_zh: str = Field(default="", max_length=500)
    topic: str | None = None
    status: Literal["agreed", "disputed", "open"] = "open"


class LedgerStatusUpdate(_Strict):
    """A ledger item's new status in the current round."""

    status: Literal["agreed", "disputed", "open"]
    note: str = Field(default="", max_length=2000)


class RoundClose(_Strict):
    """Outcome text of the round being closed."""

    outcome: str = Field(default="", max_length=5000)
