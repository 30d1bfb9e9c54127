"""Plain, detached records that :class:`~stratstab.dialogue.store.DialogueStore` returns.

The store never hands out ORM objects: callers (CLI, web, analysis) get frozen
dataclasses that stay valid after the session closed and serialise with ``to_dict``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


@dataclass(frozen=True)
class Record:
    """Base class: ``to_dict`` renders dates as ISO 8601 strings and tuples as lists."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of the record's fields."""
        # Field by field, not dataclasses.asdict: that deep-copies every value, and a
        # vote's answer is built this way on every request.
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class DialogueInfo(Record):
    """A dialogue series; ``track`` is ``I``, ``1.5`` or ``II``."""

    slug: str
    title: str
    track: str
    parties: tuple[str, ...]
    description: str
    created_at: datetime
    rounds: int = 0
    statements: int = 0
    participants: int = 0
    title_zh: str = ""
    archived_at: datetime | None = None
    revealed_at: datetime | None = None


@dataclass(frozen=True)
class RoundInfo(Record):
    """One meeting of a dialogue."""

    dialogue: str
    number: int
    date: date | None
    place: str
    agenda: tuple[str, ...]
    participants: tuple[str, ...]
    outcome: str
    status: str


@dataclass(frozen=True)
class DelegationInfo(Record):
    """A delegation (``code`` such as ``CN`` or ``US``) with its bilingual names."""

    dialogue: str
    code: str
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class ParticipantInfo(Record):
    """A participant; ``external_id`` is e.g. the Pol.is voter id."""

    dialogue: str
    external_id: str
    display_name: str
    delegation: str | None
    role: str


@dataclass(frozen=True)
class StatementInfo(Record):
    """A statement; ``moderation`` is ``pending``, ``accepted`` or ``rejected``.

    ``original_language`` (``en`` / ``zh``) names the text the author wrote; the other
    text, where present, is a person's translation (``translated_by``).  A machine
    translation not yet accepted is ``suggestion_text`` in ``suggestion_language``,
    made by ``suggestion_source`` (the endpoint and model).
    """

    dialogue: str
    external_id: str
    text_en: str
    text_zh: str
    author: str | None
    topics: tuple[str, ...]
    moderation: str
    is_meta: bool
    sealed: bool
    created_at: datetime
    original_language: str = "en"
    translated_by: str = ""
    translated_at: datetime | None = None
    suggestion_text: str = ""
    suggestion_language: str | None = None
    suggestion_source: str = ""

    def text(self, language: str) -> str:
        """The text in ``language`` (``en`` / ``zh``), empty when there is none."""
        return self.text_zh if language == "zh" else self.text_en

    @property
    def original_text(self) -> str:
        """The text as its author wrote it."""
        return self.text(self.original_language)

    def reading_order(self, language: str) -> list[tuple[str, str, bool]]:
        """``(language, text, is_original)`` for a reader of ``language``: theirs first.

        The reader's language comes first where a text exists in it; the original is
        always shown; a translation into a third form never appears.
        """
        other = "en" if self.original_language == "zh" else "zh"
        original = (self.original_language, self.original_text, True)
        translation = (other, self.text(other), False)
        if not translation[1]:
            return [original]
        if language == other:
            return [translation, original]
        return [original, translation]


@dataclass(frozen=True)
class VoteRecord(Record):
    """One row of the vote history (value 1 agree, -1 disagree, 0 pass)."""

    participant: str
    statement: str
    value: int
    importance: int | None
    cast_at: datetime
    round: int | None


@dataclass(frozen=True)
class LedgerRow(Record):
    """A ledger item as it stands in one round.

    ``history`` lists ``(round number, status, note, carried)`` in the order recorded,
    up to and including the round asked for.
    """

    key: str
    title_en: str
    title_zh: str
    topic: str | None
    status: str
    opened_in_round: int
    round: int
    carried: bool
    history: tuple[tuple[int, str, str, bool], ...]


@dataclass(frozen=True)
class ImportSummary(Record):
    """What an import of a Pol.is export added to a dialogue."""

    dialogue: str
    directory: str
    participants: int
    statements: int
    votes: int


@dataclass(frozen=True)
class MemberInfo(Record):
    """A member of a dialogue as the members list shows it; ``party`` for heads and
    delegates only."""

    username: str
    display_name: str
    role: str
    party: str | None
    joined_at: datetime
    active: bool


@dataclass(frozen=True)
class InvitationInfo(Record):
    """An invitation without its secret; ``state`` is open, used, expired or revoked."""

    id: int
    role: str
    party: str | None
    note: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    state: str
    used_by: str | None


@dataclass(frozen=True)
class InvitationPreview(Record):
    """What an invitation link shows before it is accepted."""

    slug: str
    title: str
    title_zh: str
    role: str
    party: str | None
    expires_at: datetime
    state: str


@dataclass(frozen=True)
class AcceptedInvitation(Record):
    """The outcome of accepting an invitation: the account and its new membership."""

    username: str
    slug: str
    role: str
    party: str | None


@dataclass(frozen=True)
class AccountRef(Record):
    """An active account as dialogue access needs it: its id, name and account role."""

    id: int
    username: str
    role: str
