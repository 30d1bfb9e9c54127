"""The round ledger: items agreed / disputed / open, carried from round to round.

Each item keeps an append-only history of :class:`~stratstab.dialogue.models.LedgerEntry`
rows, one or more per round.  Opening the next round carries every open or disputed
item into it (a ``carried`` entry with the same status); an agreed item needs no new
entry -- it stays agreed in later rounds until someone records another status for it
(reopens it).  The ledger "as of round N" takes, for each item opened by round N, its
latest entry recorded in a round numbered N or lower.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from stratstab.dialogue import queries
from stratstab.dialogue.convert import round_info
from stratstab.dialogue.models import LEDGER_STATUSES, Dialogue, LedgerEntry, LedgerItem, Round
from stratstab.dialogue.records import LedgerRow, RoundInfo
from stratstab.dialogue.scope_store import check_topics
from stratstab.dialogue.validate import choice, nonempty
from stratstab.errors import InputError

CARRIED_STATUSES = ("open", "disputed")


def _round_under_way(session: Session, dialogue: Dialogue) -> Round:
    current = queries.current_round(session, dialogue)
    if current is None:
        raise InputError(
            f"dialogue {dialogue.slug!r} has no open round; add or open one first", field="round"
        )
    return current


def _item(session: Session, dialogue: Dialogue, key: str) -> LedgerItem:
    found = session.scalar(
        select(LedgerItem).where(LedgerItem.dialogue_id == dialogue.id, LedgerItem.key == key)
    )
    if found is None:
        raise InputError(f"unknown ledger item {key!r}", field="key")
    return found


def add_item(
    session: Session,
    dialogue: Dialogue,
    *,
    key: str,
    title_en: str = "",
    title_zh: str = "",
    topic: str | None = None,
    status: str = "open",
    note: str = "",
) -> LedgerRow:
    """Open a ledger item in the round under way (``key`` unique in the dialogue)."""
    key = nonempty(key, field="key")
    choice(status, LEDGER_STATUSES, field="status")
    if not (title_en.strip() or title_zh.strip()):
        raise InputError("a ledger item needs title_en or title_zh", field="title")
    topic = check_topics([topic], field="topic")[0] if topic else None
    current = _round_under_way(session, dialogue)
    exists = select(LedgerItem.id).where(
        LedgerItem.dialogue_id == dialogue.id, LedgerItem.key == key
    )
    if session.scalar(exists) is not None:
        raise InputError(f"ledger item {key!r} already exists", field="key")
    item = LedgerItem(dialogue_id=dialogue.id, key=key, title_en=title_en, title_zh=title_zh)
    item.status, item.topic, item.opened_in_round = status, topic, current
    item.entries.append(LedgerEntry(round=current, status=status, note=note, carried=False))
    session.add(item)
    session.flush()
    return _row(item, current.number)


def set_status(
    session: Session, dialogue: Dialogue, *, key: str, status: str, note: str = ""
) -> LedgerRow:
    """Record a new status of item ``key`` in the round under way (reopening allowed)."""
    choice(status, LEDGER_STATUSES, field="status")
    item = _item(session, dialogue, key)
    current = _round_under_way(session, dialogue)
    item.entries.append(LedgerEntry(round=current, status=status, note=note, carried=False))
    item.status = status
    session.flush()
    return _row(item, current.number)


def close_round(session: Session, dialogue: Dialogue, *, outcome: str = "") -> RoundInfo:
    """Close the round under way and return it.  The next round is opened explicitly
    with :func:`open_round`, which carries the open and disputed items into it."""
    current = _round_under_way(session, dialogue)
    current.status = "closed"
    if outcome:
        current.outcome = outcome
    session.flush()
    return round_info(dialogue.slug, current)


def open_round(
    session: Session,
    dialogue: Dialogue,
    *,
    on_date: date | None = None,
    place: str | None = None,
    agenda: Sequence[str] | None = None,
) -> RoundInfo:
    """Open the next round: the first planned one, else a new one after the last.

    Refused while a round is under way.  ``on_date``, ``place`` and ``agenda`` replace
    what was planned when given.  Open and disputed ledger items carry into the new
    round (a ``carried`` entry with the same status).
    """
    if queries.current_round(session, dialogue) is not None:
        raise InputError(
            f"round {queries.current_round(session, dialogue).number} is still open; "
            "close it first",
            field="round",
        )
    rounds = session.scalars(
        select(Round).where(Round.dialogue_id == dialogue.id).order_by(Round.number)
    ).all()
    following = next((r for r in rounds if r.status == "planned"), None)
    if following is None:
        following = Round(
            dialogue_id=dialogue.id, number=max((r.number for r in rounds), default=0) + 1
        )
        following.agenda, following.participants, following.place = [], [], ""
        session.add(following)
    if on_date is not None:
        following.date = on_date
    if place is not None:
        following.place = place
    if agenda is not None:
        following.agenda = list(agenda)
    following.status = "open"
    session.flush()
    items = session.scalars(select(LedgerItem).where(LedgerItem.dialogue_id == dialogue.id)).all()
    for item in items:
        if item.status in CARRIED_STATUSES and item.opened_in_round.number < following.number:
            item.entries.append(
                LedgerEntry(round=following, status=item.status, note="", carried=True)
            )
    session.flush()
    return round_info(dialogue.slug, following)


def ledger(
    session: Session, dialogue: Dialogue, *, round_number: int | None = None
) -> list[LedgerRow]:
    """The ledger as of ``round_number`` (default: the round under way, else the last)."""
    if round_number is None:
        current = queries.current_round(session, dialogue)
        numbers = [r.number for r in dialogue.rounds]
        if current is None and not numbers:
            return []
        round_number = current.number if current is not None else max(numbers)
    else:
        queries.round_by_number(session, dialogue, round_number)
    items = session.scalars(select(LedgerItem).where(LedgerItem.dialogue_id == dialogue.id)).all()
    rows = [
        _row(item, round_number) for item in items if item.opened_in_round.number <= round_number
    ]
    return sorted(rows, key=lambda row: (row.opened_in_round, row.key))


def _row(item: LedgerItem, round_number: int) -> LedgerRow:
    """Item ``item`` as it stands in round ``round_number``."""
    entries = [e for e in item.entries if e.round.number <= round_number]
    entries.sort(key=lambda e: (e.round.number, e.id or 0))
    latest = entries[-1]
    return LedgerRow(
        key=item.key,
        title_en=item.title_en,
        title_zh=item.title_zh,
        topic=item.topic,
        status=latest.status,
        opened_in_round=item.opened_in_round.number,
        round=round_number,
        carried=latest.carried and latest.round.number == round_number,
        history=tuple((e.round.number, e.status, e.note, e.carried) for e in entries),
    )
