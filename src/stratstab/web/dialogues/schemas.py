"""Shapes of the dialogue API, and of the page forms that post the same inputs.

Each input has one schema here; the JSON routes (``api.py``) take it as the body and the
page handlers (``pages.py``) validate their form with it (:mod:`stratstab.web.forms`),
so a limit holds whichever way the input arrives.
"""

from __future__ import annotations

from datetime import date as date_type
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from stratstab.dialogue.language import detect_language
from stratstab.web.params import Importance, Priority, VoteValue
from stratstab.web.shapes import InputModel, UtcDateTime

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


class _Strict(InputModel):
    model_config = ConfigDict(extra="forbid")


class DialoguePublic(BaseModel):
    """A dialogue the user may enter; ``statements`` counts those the user may see."""

    slug: str
    title: str
    title_zh: str = ""
    track: str
    parties: list[str]
    description: str
    created_at: UtcDateTime
    archived_at: UtcDateTime | None = None
    revealed_at: UtcDateTime | None = None
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


PartyCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2,16}$")]


class DialogueCreate(_Strict):
    """A new dialogue: 2 to 4 parties, titles in English and Chinese."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    title: str = Field(min_length=1, max_length=300)
    title_zh: str = Field(default="", max_length=300)
    track: Literal["I", "1.5", "II"]
    parties: list[PartyCode] = Field(min_length=2, max_length=4)
    description: str = Field(default="", max_length=5000)


class DialogueUpdate(_Strict):
    """Changes to a dialogue; ``archived`` true archives it, false restores it."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    title_zh: str | None = Field(default=None, max_length=300)
    track: Literal["I", "1.5", "II"] | None = None
    description: str | None = Field(default=None, max_length=5000)
    archived: bool | None = None


MemberRole = Literal["facilitator", "head", "delegate", "translator", "observer"]


class MemberPublic(BaseModel):
    """A member of a dialogue."""

    username: str
    display_name: str
    role: MemberRole
    party: str | None
    joined_at: UtcDateTime
    active: bool


class MemberUpdate(_Strict):
    """A member's new role (party for heads and delegates only)."""

    role: MemberRole
    party: PartyCode | None = None


class InvitationCreate(_Strict):
    """An invitation: a role and, for heads and delegates, a party."""

    role: MemberRole
    party: PartyCode | None = None
    expires_in_days: int = Field(default=7, ge=1, le=60)
    note: str = Field(default="", max_length=200)


class InvitationCreated(BaseModel):
    """The one-time link; the token is shown only here, never again."""

    id: int
    token: str
    url: str
    role: str
    party: str | None
    expires_at: UtcDateTime


class InvitationPublic(BaseModel):
    """An invitation as the facilitator's list shows it (no token)."""

    id: int
    role: str
    party: str | None
    note: str
    created_by: str
    created_at: UtcDateTime
    expires_at: UtcDateTime
    state: Literal["open", "used", "expired", "revoked"]
    used_by: str | None


class InvitationPreviewPublic(BaseModel):
    """What an invitation link offers."""

    dialogue: str
    title: str
    title_zh: str
    role: str
    party: str | None
    expires_at: UtcDateTime
    state: Literal["open", "used", "expired", "revoked"]


class InvitationAccept(_Strict):
    """Accepting anonymously creates the account; logged in, send an empty object."""

    username: str | None = Field(default=None, min_length=2, max_length=64)
    password: str | None = Field(default=None, max_length=1024)
    display_name: str = Field(default="", max_length=200)
    locale: Literal["en", "zh"] = "en"


class InvitationAccepted(BaseModel):
    """The account that joined, and where."""

    username: str
    dialogue: str
    role: str
    party: str | None


class Confirm(_Strict):
    """An irreversible action goes ahead only with ``confirm: true``."""

    confirm: bool = False


class CompletionUpdate(_Strict):
    """Declare your delegation's positions complete (or withdraw, before the reveal)."""

    complete: bool = True
    confirm: bool = False


class CompletionPublic(BaseModel):
    """Which delegations declared their positions complete."""

    complete: dict[str, bool]
    revealed: bool


class RoundOpen(_Strict):
    """The next round: date, place and agenda (typed, or the staged agenda)."""

    date: date_type | None = None
    place: str | None = Field(default=None, max_length=200)
    agenda: list[Annotated[str, Field(max_length=300)]] | None = Field(default=None, max_length=50)
    use_staged_agenda: bool = False


class RoundUpdate(_Strict):
    """Changes to a planned or open round."""

    date: date_type | None = None
    place: str | None = Field(default=None, max_length=200)
    agenda: list[Annotated[str, Field(max_length=300)]] | None = Field(default=None, max_length=50)


class RoundPublic(BaseModel):
    """A round of the dialogue: the record the report shows."""

    number: int
    date: date_type | None
    place: str
    agenda: list[str]
    outcome: str
    status: str


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
    #: About the participants or the process, not the topic: left out of the analysis.
    is_meta: bool = False
    votable: bool
    created_at: UtcDateTime
    original_language: Literal["en", "zh"] = "en"
    translated_by: str = ""
    suggestion: MachineSuggestion | None = Field(
        default=None, description="Only for translators and facilitators."
    )


class StatementCreate(_Strict):
    """A new statement, in English and/or Chinese; ``original_language`` names the one
    its author wrote (default: the language of the only text given).

    ``text`` is a shorthand for an author who writes in one language: it becomes
    ``text_en`` or ``text_zh`` by ``original_language`` (recognised from the script
    when that is left out).
    """

    text: str = Field(default="", max_length=MAX_STATEMENT_CHARS)
    text_en: str = Field(default="", max_length=MAX_STATEMENT_CHARS)
    text_zh: str = Field(default="", max_length=MAX_STATEMENT_CHARS)
    original_language: Literal["en", "zh"] | None = None
    topics: list[TopicId] = Field(default_factory=list, max_length=MAX_TOPICS)
    sealed: bool = False

    @model_validator(mode="after")
    def _place_text(self) -> StatementCreate:
        if self.text.strip():
            language = self.original_language or detect_language(self.text)
            if language == "zh":
                self.text_zh = self.text
            else:
                self.text_en = self.text
            self.original_language, self.text = language, ""
        return self


class TranslationUpdate(_Strict):
    """The text of a statement in the language it was not written in (empty: remove)."""

    language: Literal["en", "zh"]
    text: str = Field(max_length=MAX_STATEMENT_CHARS)


class ModerationUpdate(_Strict):
    """Facilitator's decision on a statement."""

    moderation: Literal["pending", "accepted", "rejected"] | None = None
    sealed: bool | None = None
    confirm: bool = False
    #: Mark (or clear) a meta statement: kept with its votes, left out of the analysis.
    meta: bool | None = None


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
    version: int = 1


class ScopePositionUpdate(_Strict):
    """Your delegation's stance on a topic (sealed until the facilitator reveals)."""

    stance: Literal["include", "exclude", "only-if-linked"]
    priority: Priority = 3
    linked_topics: list[TopicId] = Field(default_factory=list, max_length=MAX_TOPICS)
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)


class ScopePublic(BaseModel):
    """The scope matrix as the viewer may see it.

    ``hidden`` lists the delegations whose positions stay sealed to you until the
    reveal (nothing about them is shown: not which topics, not how many);
    ``complete`` which delegations declared their positions complete.
    """

    delegations: list[str]
    positions: list[ScopePositionPublic]
    hidden: list[str]
    complete: dict[str, bool]
    revealed: bool
    may_declare: bool
    may_reveal: bool
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
    """Outcome text of the round being closed; closing needs ``confirm: true``."""

    outcome: str = Field(default="", max_length=MAX_OUTCOME_CHARS)
    confirm: bool = False


class ConsensusVersionPublic(BaseModel):
    """How current the stored consensus analysis is (poll this, then fetch the analysis)."""

    version: int = Field(description="Update the stored analysis reflects (0: none yet)")
    pending: bool = Field(description="Public votes or statements changed since; an update is due")
    computed_at: UtcDateTime | None = Field(
        description="When the stored analysis was computed (UTC)"
    )
