"""Filter history entries and lay their dates out as a timeline.

Each dated fact (signature, entry into force, end, further milestones) becomes one
:class:`TimelineEvent`.  Month-only dates keep their precision: ``date`` is the
first day of that month for sorting and plotting, and ``date_precision`` says
``"month"`` so that no reader mistakes it for a known day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from stratstab.errors import InputError
from stratstab.history.loader import load_history
from stratstab.history.schema import PARTY_NAMES, Entry, date_parts, date_parts_sort_key

#: A party code also matches entries of the states it succeeded.
SUCCESSORS: dict[str, set[str]] = {"RU": {"RU", "USSR"}}

_KIND_LABELS = {
    "signed": ("signed", "签署"),
    "in_force": ("entered into force", "生效"),
    "ended": ("ended", "终止"),
}


@dataclass(frozen=True)
class TimelineEvent:
    """One dated fact about one entry."""

    date: str
    date_precision: str
    date_as_given: str
    kind: str
    entry_id: str
    entry_type: str
    status: str
    parties: tuple[str, ...]
    label_en: str
    label_zh: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping (dates as ``YYYY-MM-DD`` plus their precision)."""
        out = asdict(self)
        out["parties"] = list(self.parties)
        return out


def filter_entries(
    entries: Sequence[Entry],
    *,
    entry_type: str | None = None,
    party: str | None = None,
    status: str | None = None,
) -> list[Entry]:
    """Entries matching every given criterion (type, party code, status)."""
    if party is not None and party not in PARTY_NAMES:
        raise InputError(
            f"unknown party {party!r}; expected one of {', '.join(PARTY_NAMES)}", field="--party"
        )
    wanted_parties = SUCCESSORS.get(party, {party}) if party else None
    out = []
    for entry in entries:
        if entry_type and entry.type != entry_type:
            continue
        if status and entry.status != status:
            continue
        if wanted_parties and not wanted_parties.intersection(entry.parties):
            continue
        out.append(entry)
    return out


def _kind_label(entry: Entry, kind: str) -> tuple[str, str]:
    # A statement is issued, not signed; the date field is shared to keep one schema.
    if kind == "signed" and entry.type == "statement":
        return "issued", "发表"
    return _KIND_LABELS[kind]


def _event(entry: Entry, when: str, kind: str, en: str, zh: str) -> TimelineEvent:
    year, month, day = date_parts(when)
    return TimelineEvent(
        date=f"{year:04d}-{month:02d}-{(day or 1):02d}",
        date_precision="day" if day else "month",
        date_as_given=when,
        kind=kind,
        entry_id=entry.id,
        entry_type=entry.type,
        status=entry.status,
        parties=tuple(entry.parties),
        label_en=f"{entry.short_name or entry.name_en}: {en}",
        label_zh=f"{entry.name_zh}：{zh}",
    )


def entry_events(entry: Entry) -> list[TimelineEvent]:
    """Every dated fact of one entry, in date order."""
    events = []
    for kind in ("signed", "in_force", "ended"):
        when = getattr(entry.dates, kind)
        if when:
            en, zh = _kind_label(entry, kind)
            events.append(_event(entry, when, kind, en, zh))
    events += [_event(entry, e.date, "event", e.en, e.zh) for e in entry.events]
    return sorted(events, key=lambda ev: date_parts_sort_key(ev.date_as_given))


def timeline(
    entries: Sequence[Entry] | None = None,
    *,
    from_year: int | None = None,
    to_year: int | None = None,
    entry_type: str | None = None,
    party: str | None = None,
) -> list[TimelineEvent]:
    """All dated facts between ``from_year`` and ``to_year`` (inclusive), oldest first.

    ``entries`` defaults to the bundled history.
    """
    if from_year is not None and to_year is not None and from_year > to_year:
        raise InputError(f"--from {from_year} is after --to {to_year}", field="--from")
    pool = load_history() if entries is None else entries
    pool = filter_entries(pool, entry_type=entry_type, party=party)
    events = [ev for entry in pool for ev in entry_events(entry)]
    events = [
        ev
        for ev in events
        if (from_year is None or int(ev.date[:4]) >= from_year)
        and (to_year is None or int(ev.date[:4]) <= to_year)
    ]
    return sorted(events, key=lambda ev: (date_parts_sort_key(ev.date_as_given), ev.entry_id))


def by_decade(events: Sequence[TimelineEvent]) -> dict[int, list[TimelineEvent]]:
    """Group events by decade (1960, 1970, ...), keeping their order."""
    groups: dict[int, list[TimelineEvent]] = {}
    for ev in events:
        groups.setdefault(int(ev.date[:4]) // 10 * 10, []).append(ev)
    return groups
