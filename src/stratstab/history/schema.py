"""Validated shapes of the history dataset (agreements, channels, statements, dialogues).

Dates are strings, either a full day ``YYYY-MM-DD`` or, where only the month is
known from the sources, ``YYYY-MM``.  They are never padded with an invented day:
:func:`date_parts` keeps the precision, and ordering rules compare two dates only
as finely as the coarser of the two allows.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stratstab.citations import check_primary_url

EntryType = Literal["treaty", "agreement", "channel", "statement", "dialogue"]

#: ``in force`` … ``lapsed`` are the legal states; ``operating`` is a channel that
#: works today; ``lapsed`` fell out of use without a formal end (no end date needed);
#: ``standing`` is a political commitment that has not been withdrawn;
#: ``concluded`` is a one-off meeting or round that is over.
Status = Literal[
    "in force",
    "expired",
    "withdrawn",
    "never in force",
    "suspended",
    "operating",
    "lapsed",
    "standing",
    "concluded",
]

#: Parties by code.  ``RU`` is treated as the successor of ``USSR`` when filtering.
PARTY_NAMES: dict[str, tuple[str, str]] = {
    "US": ("United States", "美国"),
    "USSR": ("Soviet Union", "苏联"),
    "RU": ("Russian Federation", "俄罗斯"),
    "CN": ("China", "中国"),
    "UK": ("United Kingdom", "英国"),
    "FR": ("France", "法国"),
    "BY": ("Belarus", "白俄罗斯"),
    "KZ": ("Kazakhstan", "哈萨克斯坦"),
    "UA": ("Ukraine", "乌克兰"),
    "multilateral": ("other states (multilateral)", "其他国家（多边）"),
}
Party = Literal["US", "USSR", "RU", "CN", "UK", "FR", "BY", "KZ", "UA", "multilateral"]

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# CJK ideographs, CJK punctuation (。，、《》“”…) and full-width forms.
_WIDE = r"[\u2018-\u201d\u2026\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_WIDE_GAP_RE = re.compile(rf"(?<={_WIDE})\s+|\s+(?={_WIDE})")


def join_chinese_lines(value: str) -> str:
    """Drop whitespace next to Chinese characters or punctuation.

    YAML folded scalars join wrapped lines with a space, which is right for English
    but wrong inside Chinese text, where words are not separated by spaces.
    """
    return _WIDE_GAP_RE.sub("", value)


def date_parts(value: str) -> tuple[int, int, int | None]:
    """Split ``YYYY-MM-DD`` or ``YYYY-MM`` into (year, month, day-or-None); validate it."""
    match = _DATE_RE.match(value)
    if not match:
        raise ValueError(f"expected a date as YYYY-MM-DD or YYYY-MM, got {value!r}")
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else None
    # datetime.date rejects 2023-02-30 and month 13 for us.
    dt.date(year, month, day or 1)
    return year, month, day


#: The ``published`` value of a source whose page carries no date.
UNDATED = "undated"

_YEAR_RE = re.compile(r"^\d{4}$")


def publication_date_parts(value: str) -> tuple[int, int | None, int | None]:
    """Split a publication date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; validate it."""
    if _YEAR_RE.match(value):
        return int(value), None, None
    try:
        return date_parts(value)
    except ValueError:
        raise ValueError(
            f"expected a publication date as YYYY, YYYY-MM or YYYY-MM-DD, or {UNDATED!r}, "
            f"got {value!r}"
        ) from None


def date_not_before(later: str, earlier: str) -> bool:
    """True unless ``later`` is provably before ``earlier`` at their common precision."""
    y1, m1, d1 = date_parts(later)
    y0, m0, d0 = date_parts(earlier)
    if d1 is None or d0 is None:
        return (y1, m1) >= (y0, m0)
    return (y1, m1, d1) >= (y0, m0, d0)


def _check_date(value: str | None) -> str | None:
    if value is not None:
        date_parts(value)
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Bilingual(_Strict):
    """One text in English (``en``) and Simplified Chinese (``zh``); both required."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    @field_validator("zh")
    @classmethod
    def _zh_is_chinese(cls, value: str) -> str:
        if not _CJK_RE.search(value):
            raise ValueError("the Chinese text contains no Chinese characters")
        return join_chinese_lines(value)

    def text(self, lang: str) -> str:
        """The text in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.zh if lang == "zh" else self.en


class Source(_Strict):
    """A citation: the document's title, who published it, and where to read it.

    The address is the primary publication (see :mod:`stratstab.citations`): the
    treaty text or the issuing government's page, not an aggregator, blog or mirror.
    """

    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://\S+$")
    published: str = Field(
        description="When the cited document or page was issued: YYYY, YYYY-MM or "
        "YYYY-MM-DD as precisely as known, or 'undated' when the page carries no date "
        "and none could be established."
    )
    accessed: str = Field(
        description="YYYY-MM-DD on which the address was recorded or last checked."
    )
    supports: str | None = Field(
        default=None, description="Which facts of the entry this source confirms."
    )

    @field_validator("url")
    @classmethod
    def _primary(cls, url: str) -> str:
        return check_primary_url(url)

    @field_validator("published")
    @classmethod
    def _published(cls, value: str) -> str:
        if value != UNDATED:
            publication_date_parts(value)
        return value

    @field_validator("accessed")
    @classmethod
    def _accessed(cls, value: str) -> str:
        if date_parts(value)[2] is None:
            raise ValueError(f"accessed must be a full day YYYY-MM-DD, got {value!r}")
        return value

    def dates_text(self, lang: str) -> str:
        """Publication and access dates as one line in ``lang`` (``"en"`` or ``"zh"``)."""
        if lang == "zh":
            published = "无发布日期" if self.published == UNDATED else f"发布于 {self.published}"
            return f"{published}；访问于 {self.accessed}"
        published = "undated" if self.published == UNDATED else f"published {self.published}"
        return f"{published}; accessed {self.accessed}"

    @model_validator(mode="after")
    def _accessed_after_publication(self) -> Source:
        if self.published != UNDATED:
            year, month, day = publication_date_parts(self.published)
            accessed = date_parts(self.accessed)
            if (year, month or 0, day or 0) > (accessed[0], accessed[1], accessed[2] or 0):
                raise ValueError(f"accessed {self.accessed} is before published {self.published}")
        return self


class Dates(_Strict):
    """Signature, entry into force and end; ``YYYY-MM-DD`` or ``YYYY-MM`` each."""

    signed: str | None = None
    in_force: str | None = None
    ended: str | None = None

    _valid = field_validator("signed", "in_force", "ended")(_check_date)

    @model_validator(mode="after")
    def _ordered(self) -> Dates:
        if self.signed and self.in_force and not date_not_before(self.in_force, self.signed):
            raise ValueError(f"in_force {self.in_force} is before signed {self.signed}")
        start = self.in_force or self.signed
        if self.ended and start and not date_not_before(self.ended, start):
            raise ValueError(f"ended {self.ended} is before {start}")
        return self


class Event(_Strict):
    """A further dated milestone: an extension, a suspension, a first meeting ..."""

    date: str
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    _valid = field_validator("date")(_check_date)

    @field_validator("zh")
    @classmethod
    def _zh(cls, value: str) -> str:
        return Bilingual._zh_is_chinese(value)


class Entry(_Strict):
    """One agreement, channel, statement or dialogue in the history."""

    id: str
    name_en: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    short_name: str | None = None
    parties: list[Party] = Field(min_length=1)
    type: EntryType
    dates: Dates
    events: list[Event] = Field(default_factory=list)
    status: Status
    status_note: Bilingual | None = None
    provisions: Bilingual
    verification: Bilingual
    lesson: Bilingual
    glossary_terms: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    verified: bool
    verification_note: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG_RE.match(value):
            raise ValueError("expected a lower-case slug such as 'new-start'")
        return value

    @field_validator("name_zh")
    @classmethod
    def _name_zh(cls, value: str) -> str:
        return Bilingual._zh_is_chinese(value)

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        if not (self.dates.signed or self.dates.in_force or self.events):
            raise ValueError("an entry needs at least one date (signed, in_force or an event)")
        if not self.verified and not self.verification_note:
            raise ValueError("verified is false: say in verification_note what is unconfirmed")
        if self.status in ("expired", "withdrawn") and not self.dates.ended:
            raise ValueError(f"status {self.status!r} needs dates.ended")
        return self

    def first_date(self) -> str:
        """The earliest date that anchors the entry on a timeline."""
        candidates = [d for d in (self.dates.signed, self.dates.in_force) if d]
        candidates += [e.date for e in self.events]
        return min(candidates, key=date_parts_sort_key)


def date_parts_sort_key(value: str) -> tuple[int, int, int]:
    """Sort key for a possibly partial date (a month-only date sorts at day 0)."""
    year, month, day = date_parts(value)
    return year, month, day or 0


class HistoryFile(_Strict):
    """Top level of ``agreements.yaml``."""

    version: str
    entries: list[Entry] = Field(min_length=1)


class GlossaryTerm(_Strict):
    """One concept with English and Chinese names and own-words definitions."""

    id: str
    term_en: str = Field(min_length=1)
    term_zh: str = Field(min_length=1)
    abbreviation: str | None = None
    aliases_en: list[str] = Field(default_factory=list)
    aliases_zh: list[str] = Field(default_factory=list)
    definition: Bilingual
    related: list[str] = Field(default_factory=list)
    computed_by: str | None = Field(
        default=None, description="The stratstab command or model that computes it."
    )

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return Entry._slug(value)

    @field_validator("term_zh")
    @classmethod
    def _term_zh(cls, value: str) -> str:
        return Bilingual._zh_is_chinese(value)


class GlossaryFile(_Strict):
    """Top level of ``glossary.yaml``."""

    version: str
    terms: list[GlossaryTerm] = Field(min_length=1)
