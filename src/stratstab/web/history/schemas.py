"""Shapes of the history and glossary API."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

from stratstab.history.schema import EntryType, Party, Status
from stratstab.web.shapes import InputModel

ENTRY_TYPES: tuple[str, ...] = get_args(EntryType)
STATUSES: tuple[str, ...] = get_args(Status)
PARTIES: tuple[str, ...] = get_args(Party)


class TimelineFilter(InputModel):
    """What the timeline and the entry list are narrowed to (every field optional)."""

    type: EntryType | None = None
    party: Party | None = None
    status: Status | None = None
    from_year: int | None = Field(default=None, ge=1900, le=2100)
    to_year: int | None = Field(default=None, ge=1900, le=2100)
    q: str | None = Field(default=None, max_length=100, description="Text in either name")


class BilingualText(BaseModel):
    """One text in English and Simplified Chinese."""

    en: str
    zh: str


class SourcePublic(BaseModel):
    """A citation of an entry."""

    title: str
    publisher: str
    url: str
    published: str = Field(description="YYYY, YYYY-MM, YYYY-MM-DD, or 'undated'.")
    accessed: str = Field(description="YYYY-MM-DD the address was recorded or last checked.")
    supports: str | None = None


class EntrySummary(BaseModel):
    """One history entry as a list shows it; dates as YYYY-MM-DD or YYYY-MM."""

    id: str
    name_en: str
    name_zh: str
    short_name: str | None
    type: str
    parties: list[str]
    status: str
    signed: str | None
    in_force: str | None
    ended: str | None
    first_date: str


class EventPublic(BaseModel):
    """A further dated milestone of an entry."""

    date: str
    en: str
    zh: str


class EntryDetail(EntrySummary):
    """Everything the dataset says about one entry."""

    status_note: BilingualText | None
    provisions: BilingualText
    verification: BilingualText
    lesson: BilingualText
    events: list[EventPublic]
    glossary_terms: list[str]
    sources: list[SourcePublic]
    verified: bool
    verification_note: str | None


class TimelineEventPublic(BaseModel):
    """One dated fact; ``date`` is YYYY-MM-DD, ``date_as_given`` keeps month precision."""

    date: str
    date_precision: Literal["day", "month"]
    date_as_given: str
    kind: str
    entry_id: str
    entry_type: str
    status: str
    parties: list[str]
    label_en: str
    label_zh: str


class TermPublic(BaseModel):
    """One glossary term in both languages."""

    id: str
    term_en: str
    term_zh: str
    abbreviation: str | None
    aliases_en: list[str]
    aliases_zh: list[str]
    definition: BilingualText
    related: list[str]
    computed_by: str | None
    history_entries: list[str] = Field(
        default_factory=list, description="Ids of history entries tagged with this term"
    )
