"""The persistent dialogue store: SQLite by default, PostgreSQL by URL.

:class:`DialogueStore` is the one way the CLI and the web layer read and write
dialogues.  Each public write runs in exactly one transaction, so a failure (bad
input, a killed process, a refused write) leaves the database as it was.  The schema
is created and migrated by Alembic on first use.

Errors: a database that cannot be opened or refuses a write raises
:class:`~stratstab.errors.StoreError`; bad input (unknown statement, duplicate id,
unknown topic, broken CSV) raises :class:`~stratstab.errors.InputError`; an unknown
dialogue raises :class:`~stratstab.errors.NotFoundError`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError
from sqlalchemy.orm import Session

from stratstab.accounts.service import NewAccount, Principal, resolve_principal
from stratstab.db import database_url, make_engine, make_session_factory, transaction
from stratstab.dialogue import idempotency, polis_io, queries, snapshots
from stratstab.dialogue import invitation_queries as invitation_ops
from stratstab.dialogue import ledger as ledger_ops
from stratstab.dialogue import membership_queries as membership_ops
from stratstab.dialogue import scope_store as scope_ops
from stratstab.dialogue.agenda import analyze_scope
from stratstab.dialogue.catalogue import load_catalogue
from stratstab.dialogue.clusters import PolisState
from stratstab.dialogue.consensus import VoteMatrix
from stratstab.dialogue.convert import (
    delegation_info,
    dialogue_info,
    participant_info,
    round_info,
    statement_info,
)
from stratstab.dialogue.idempotency import IdempotencyKey
from stratstab.dialogue.language import check_language, detect_language, original_of
from stratstab.dialogue.memo import render_html, render_markdown
from stratstab.dialogue.models import (
    MODERATION_STATES,
    ROUND_STATUSES,
    TRACK_LEVELS,
    Delegation,
    Dialogue,
    Participant,
    Round,
    Statement,
    Vote,
    utc_now,
)
from stratstab.dialogue.records import (
    AcceptedInvitation,
    AccountRef,
    DelegationInfo,
    DialogueInfo,
    ImportSummary,
    InvitationInfo,
    InvitationPreview,
    LedgerRow,
    MemberInfo,
    ParticipantInfo,
    RoundInfo,
    StatementInfo,
    VoteRecord,
)
from stratstab.dialogue.scope import ScopeAnalysis, ScopePositionData
from stratstab.dialogue.validate import choice, nonempty, party_codes, slug_text, vote_fields
from stratstab.errors import ConflictError, InputError, NotFoundError, StoreError
from stratstab.migrations import upgrade_database

# The Core insert of one vote, built once (the hot path of voting).
_INSERT_VOTE = insert(Vote.__table__)

# Words the web workbench uses in dialogue paths (``/dialogues/new``).
RESERVED_SLUGS = frozenset({"new"})


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return " ".join(str(original).split()).split(" [SQL:")[0][:300]


def statement_record(data: dict) -> StatementInfo:
    """A :class:`StatementInfo` from its ``to_dict`` form (as kept with idempotency keys)."""
    created = datetime.fromisoformat(data["created_at"])
    translated = data.get("translated_at")
    return StatementInfo(
        **{
            **data,
            "topics": tuple(data["topics"]),
            "created_at": created,
            "translated_at": datetime.fromisoformat(translated) if translated else None,
        }
    )


def vote_record(data: dict) -> VoteRecord:
    """A :class:`VoteRecord` from its ``to_dict`` form."""
    return VoteRecord(**{**data, "cast_at": datetime.fromisoformat(data["cast_at"])})


def assign_statement_id(session: Session, dialogue: Dialogue) -> str:
    """The id of the next statement of ``dialogue``, inside the caller's write transaction.

    The one place statement ids are made.  Concurrent submissions must not get the
    same id: on PostgreSQL the dialogue row is locked (``SELECT ... FOR UPDATE``) until
    the transaction ends; on SQLite the write transaction holds the database's write
    lock from its start (:func:`stratstab.db.transaction`).  So the largest id read
    here stays the largest until the new statement is committed.
    """
    session.execute(select(Dialogue.id).where(Dialogue.id == dialogue.id).with_for_update())
    taken = session.scalars(
        select(Statement.external_id).where(Statement.dialogue_id == dialogue.id)
    ).all()
    return str(1 + max((int(i) for i in taken if i.isdigit()), default=-1))


@dataclass
class _Unit:
    """A transaction that several calls of one store share (see :meth:`DialogueStore.unit`)."""

    store: DialogueStore
    session: Session
    write: bool
    # Facts to remember in memory once the transaction has committed, not before.
    after_commit: list[Callable[[], None]] = field(default_factory=list)


# The unit of work open in this context (thread, or task on the event loop), if any.
_UNIT: ContextVar[_Unit | None] = ContextVar("stratstab_store_unit", default=None)


class DialogueStore:
    """Dialogues, rounds, delegations, statements, votes, scope positions and ledger.

    Parameters
    ----------
    url:
        SQLAlchemy database URL; ``None`` resolves through
        :func:`stratstab.db.database_url` (``STRATSTAB_DATABASE_URL``, then the
        embedded SQLite file).
    migrate:
        Run Alembic migrations to the newest revision on opening (default ``True``).
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = database_url(url)
        try:
            self.engine = make_engine(self.url)
        except (ArgumentError, NoSuchModuleError, ImportError, OSError, ValueError) as exc:
            raise StoreError(f"cannot open database: {exc}", database=self.shown_url) from exc
        self._factory = make_session_factory(self.engine)
        # (dialogue slug, participant id) pairs known to exist: participants are never
        # deleted, so this saves the web's vote path a query.  Per store, so two apps
        # (or two databases) in one process never share it.
        self._known_participants: set[tuple[str, str]] = set()
        if migrate:
            self.upgrade()
            self.recover_interrupted_imports()

    # ------------------------------------------------------------------ plumbing

    def upgrade(self) -> None:
        """Create or migrate the schema to the newest Alembic revision."""
        try:
            upgrade_database(self.engine)
        except (DBAPIError, OSError) as exc:
            raise StoreError(
                f"cannot open database: {_reason(exc)}", database=self.shown_url
            ) from exc

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> DialogueStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def shown_url(self) -> str:
        """The database URL with any password hidden (for messages at this machine)."""
        return _safe_url(self.url)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction; database failures become :class:`StoreError`.

        ``write`` marks a transaction that writes (see :func:`stratstab.db.transaction`:
        on SQLite it holds the write lock from its start).  A unique-constraint
        violation that slipped past the explicit checks becomes an
        :class:`InputError` about a duplicate record.

        Inside :meth:`unit` the unit's transaction is used instead of a new one; a
        write then runs in a savepoint, so a refused write is undone alone.
        """
        unit = _UNIT.get()
        if unit is not None and unit.store is self:
            if write and not unit.write:
                raise RuntimeError("a write inside a read-only unit of work")
            with self._translated(write):
                if write:
                    with unit.session.begin_nested():
                        yield unit.session
                else:
                    yield unit.session
            return
        with self._translated(write), transaction(self._factory, write=write) as session:
            yield session

    @contextmanager
    def unit(self, *, write: bool = False) -> Iterator[None]:
        """Make the store calls inside this block share one transaction.

        For request paths that read several facts and then write (a vote: the voter's
        membership, the dialogue's delegations, the write itself): one transaction
        instead of one per call, and every rule is checked on the same snapshot as the
        write.  ``write`` when anything inside writes; on SQLite the block then holds
        the write lock from its start, so keep it short.  Everything inside commits
        together or not at all.  Units do not nest across stores; a unit inside a unit
        of the same store is the outer one.
        """
        current = _UNIT.get()
        if current is not None and current.store is self:
            if write and not current.write:
                raise RuntimeError("a write unit inside a read-only unit of work")
            yield
            return
        with self.session(write=write) as session:
            unit = _Unit(self, session, write)
            token = _UNIT.set(unit)
            try:
                yield
            finally:
                _UNIT.reset(token)
        for remember in unit.after_commit:
            remember()

    def _after_commit(self, remember: Callable[[], None]) -> None:
        """Run ``remember`` once the current transaction has committed (now, outside a unit)."""
        unit = _UNIT.get()
        if unit is not None and unit.store is self:
            unit.after_commit.append(remember)
        else:
            remember()

    @contextmanager
    def _translated(self, write: bool) -> Iterator[None]:
        """Database failures as the store's errors (see :meth:`session`)."""
        try:
            yield
        except IntegrityError as exc:
            raise InputError(f"duplicate or inconsistent record: {_reason(exc)}") from exc
        except DBAPIError as exc:
            verb = "write refused, nothing was changed" if write else "read failed"
            raise StoreError(f"{verb}: {_reason(exc)}", database=self.shown_url) from exc

    # ------------------------------------------------------------------ dialogues

    def create_dialogue(
        self,
        *,
        slug: str,
        title: str,
        track: str,
        parties: Sequence[str] = (),
        description: str = "",
        title_zh: str = "",
        facilitator_id: int | None = None,
    ) -> DialogueInfo:
        """Create a dialogue series with round 1 open and one delegation per party.

        A dialogue has 2 to 4 parties, each a code of 2-16 capital letters (CN, US, RU).
        With ``facilitator_id`` that account becomes the dialogue's facilitator and the
        creation is audited (``dialogue.create``), in the same transaction.
        """
        slug = slug_text(slug, field="slug")
        if slug in RESERVED_SLUGS:
            raise InputError(f"{slug!r} is a reserved word; choose another slug", field="slug")
        choice(track, TRACK_LEVELS, field="track")
        codes = party_codes(parties)
        title = nonempty(title, field="title")
        with self.session(write=True) as session:
            if session.scalar(select(Dialogue.id).where(Dialogue.slug == slug)) is not None:
                raise ConflictError(
                    f"a dialogue called {slug!r} already exists", field="slug"
                ).with_key("setup.form_error.slug_taken")
            dialogue = Dialogue(slug=slug, title=title, track=track, parties=codes)
            dialogue.description, dialogue.title_zh = description, title_zh.strip()
            session.add(dialogue)
            session.flush()
            session.add(Round(dialogue_id=dialogue.id, number=1, status="open"))
            for code in codes:
                session.add(Delegation(dialogue_id=dialogue.id, code=code))
            if facilitator_id is not None:
                membership_ops.add_creator(session, dialogue, facilitator_id)
                membership_ops.audit(
                    session,
                    facilitator_id,
                    "dialogue.create",
                    slug,
                    track=track,
                    parties=list(codes),
                )
            session.flush()
            return dialogue_info(session, dialogue)

    def update_dialogue(
        self,
        slug: str,
        *,
        title: str | None = None,
        title_zh: str | None = None,
        track: str | None = None,
        description: str | None = None,
        archived: bool | None = None,
        audited_by: int | None = None,
    ) -> DialogueInfo:
        """Edit a dialogue's titles, track or description, or archive / restore it.

        The parties are fixed once the dialogue exists: positions and votes refer to them.
        With ``audited_by`` the change is audited as done by that account, in the same
        transaction (``dialogue.edit``, ``dialogue.archive`` or ``dialogue.restore``,
        with the fields given).
        """
        if track is not None:
            choice(track, TRACK_LEVELS, field="track")
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, slug)
            if title is not None:
                found.title = nonempty(title, field="title")
            if title_zh is not None:
                found.title_zh = title_zh.strip()
            if track is not None:
                found.track = track
            if description is not None:
                found.description = description
            if archived is not None:
                found.archived_at = (found.archived_at or utc_now()) if archived else None
            if audited_by is not None:
                changed = {
                    "title": title,
                    "title_zh": title_zh,
                    "track": track,
                    "description": description,
                    "archived": archived,
                }
                action = "dialogue.edit"
                if archived is not None:
                    action = "dialogue.archive" if archived else "dialogue.restore"
                given = {k: v for k, v in changed.items() if v is not None}
                membership_ops.audit(session, audited_by, action, slug, **given)
            session.flush()
            return dialogue_info(session, found)

    def list_dialogues(self) -> list[DialogueInfo]:
        """Every dialogue, by slug."""
        with self.session() as session:
            found = session.scalars(select(Dialogue).order_by(Dialogue.slug)).all()
            return [dialogue_info(session, d) for d in found]

    def get_dialogue(self, slug: str) -> DialogueInfo:
        """One dialogue with its counts."""
        with self.session() as session:
            return dialogue_info(session, queries.dialogue_by_slug(session, slug))

    def rounds(self, dialogue: str) -> list[RoundInfo]:
        """The rounds of a dialogue, by number."""
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return [round_info(found.slug, r) for r in found.rounds]

    def add_round(
        self,
        dialogue: str,
        *,
        number: int | None = None,
        on_date: date | None = None,
        place: str = "",
        agenda: Sequence[str] = (),
        participants: Sequence[str] = (),
        status: str = "planned",
    ) -> RoundInfo:
        """Add a round (default number: one after the last)."""
        choice(status, ROUND_STATUSES, field="status")
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            last = max((r.number for r in found.rounds), default=0)
            number = last + 1 if number is None else number
            if number < 1:
                raise InputError(f"round number must be 1 or more, got {number}", field="number")
            if any(r.number == number for r in found.rounds):
                raise InputError(f"round {number} already exists in {dialogue!r}", field="number")
            new = Round(dialogue_id=found.id, number=number, date=on_date, place=place)
            new.agenda, new.participants, new.status = list(agenda), list(participants), status
            session.add(new)
            session.flush()
            return round_info(found.slug, new)

    def add_delegation(
        self, dialogue: str, *, code: str, name_en: str = "", name_zh: str = ""
    ) -> DelegationInfo:
        """Add a delegation, or fill in the names of one created from the parties."""
        code = nonempty(code, field="code").upper()
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            existing = session.scalar(
                select(Delegation).where(
                    Delegation.dialogue_id == found.id, Delegation.code == code
                )
            )
            if existing is not None and (existing.name_en or existing.name_zh):
                raise InputError(
                    f"delegation {code!r} already exists in {dialogue!r}", field="code"
                )
            delegation = existing or Delegation(dialogue_id=found.id, code=code)
            delegation.name_en, delegation.name_zh = name_en, name_zh
            session.add(delegation)
            session.flush()
            return delegation_info(found.slug, delegation)

    def delegations(self, dialogue: str) -> list[DelegationInfo]:
        """The delegations of a dialogue, by code."""
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return [delegation_info(found.slug, d) for d in found.delegations]

    def add_participant(
        self,
        dialogue: str,
        *,
        external_id: str,
        display_name: str = "",
        delegation: str | None = None,
        role: str = "",
    ) -> ParticipantInfo:
        """Add a participant, optionally a member of a delegation."""
        external_id = nonempty(external_id, field="participant")
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            member_of = (
                queries.delegation_by_code(session, found, delegation.upper())
                if delegation
                else None
            )
            duplicate = select(Participant.id).where(
                Participant.dialogue_id == found.id, Participant.external_id == external_id
            )
            if session.scalar(duplicate) is not None:
                raise InputError(f"participant {external_id!r} already exists", field="participant")
            person = Participant(
                dialogue_id=found.id, external_id=external_id, display_name=display_name, role=role
            )
            person.delegation = member_of
            session.add(person)
            session.flush()
            return participant_info(found.slug, person)

    def has_participant(self, dialogue: str, external_id: str) -> bool:
        """Whether ``dialogue`` has a participant ``external_id``."""
        with self.session() as session:
            return queries.has_participant(session, dialogue, external_id)

    def ensure_participant(self, dialogue: str, *, external_id: str, **person: Any) -> str:
        """``external_id``, added as a participant of ``dialogue`` on first use (``person``:
        the other keywords of :meth:`add_participant`).

        Two first requests of one person may race: the loser finds the winner's row.
        """
        if (dialogue, external_id) in self._known_participants:
            return external_id
        if not self.has_participant(dialogue, external_id):
            try:
                self.add_participant(dialogue, external_id=external_id, **person)
            except InputError:
                if not self.has_participant(dialogue, external_id):
                    raise
        self._after_commit(lambda: self._known_participants.add((dialogue, external_id)))
        return external_id

    def participants(self, dialogue: str) -> list[ParticipantInfo]:
        """The participants of a dialogue, by external id."""
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            people = session.scalars(
                select(Participant).where(Participant.dialogue_id == found.id)
            ).all()
            ordered = {p.external_id: p for p in people}
            return [
                participant_info(found.slug, ordered[i])
                for i in queries.natural_order(list(ordered))
            ]

    # ------------------------------------------------------------------ statements and votes

    def add_statement(
        self,
        dialogue: str,
        *,
        external_id: str | None = None,
        text_en: str = "",
        text_zh: str = "",
        author: str | None = None,
        topics: Sequence[str] = (),
        moderation: str = "pending",
        is_meta: bool = False,
        sealed: bool = False,
        created_at: datetime | None = None,
        idempotency: IdempotencyKey | None = None,
        original_language: str | None = None,
    ) -> StatementInfo:
        """Add a statement; at least one text is required.

        The id defaults to the next one of the dialogue, assigned inside the write
        transaction (:func:`assign_statement_id`), so concurrent submissions are all
        stored.  With ``idempotency`` a repeated key returns the statement first stored
        under it and adds nothing.  ``original_language`` defaults to the language of
        the only text given (a Chinese text passed as ``text_en`` is stored as Chinese),
        or English.
        """
        if not (text_en.strip() or text_zh.strip()):
            raise InputError("a statement needs text_en or text_zh", field="text")
        if text_en.strip() and not text_zh.strip() and detect_language(text_en) == "zh":
            text_en, text_zh = "", text_en
        if original_language is None:
            original_language = original_of(text_en, text_zh)
        check_language(original_language, field="original_language")
        if not (text_zh if original_language == "zh" else text_en).strip():
            raise InputError(
                f"the original ({original_language}) text is empty", field="original_language"
            )
        choice(moderation, MODERATION_STATES, field="moderation")
        topic_ids = scope_ops.check_topics(topics, field="topics")

        def write(session: Session) -> dict:
            found = queries.dialogue_by_slug(session, dialogue)
            new_id = external_id if external_id is not None else assign_statement_id(session, found)
            duplicate = select(Statement.id).where(
                Statement.dialogue_id == found.id, Statement.external_id == new_id
            )
            if session.scalar(duplicate) is not None:
                raise InputError(f"statement {new_id!r} already exists", field="statement")
            statement = Statement(dialogue_id=found.id, external_id=new_id)
            statement.text_en, statement.text_zh, statement.topics = text_en, text_zh, topic_ids
            statement.moderation, statement.is_meta, statement.sealed = moderation, is_meta, sealed
            statement.created_at = created_at or utc_now()
            statement.original_language = original_language
            if text_en.strip() and text_zh.strip():  # the author's own translation
                statement.translated_by = author or ""
                statement.translated_at = statement.created_at
            statement.author = queries.participant_by_id(session, found, author) if author else None
            session.add(statement)
            session.flush()
            snapshots.mark_if_public_changed(session, statement, was_public=False)
            return statement_info(found.slug, statement).to_dict()

        result, _ = self._write_once(idempotency, "statement.submit", write)
        return statement_record(result)

    def statements(self, dialogue: str) -> list[StatementInfo]:
        """The statements of a dialogue, by id."""
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            rows = session.scalars(select(Statement).where(Statement.dialogue_id == found.id)).all()
            by_id = {s.external_id: s for s in rows}
            return [
                statement_info(found.slug, by_id[i]) for i in queries.natural_order(list(by_id))
            ]

    def delegation_codes(self, dialogue: str) -> list[str]:
        """The delegation codes of ``dialogue`` in one query (:class:`NotFoundError` if unknown)."""
        with self.session() as session:
            return queries.delegation_codes(session, dialogue)

    def public_voter_count(self, dialogue: str) -> int:
        """Participants with a vote on an accepted, unsealed statement of ``dialogue``."""
        with self.session() as session:
            return queries.public_voter_count(session, dialogue)

    def statement_with_delegation(
        self, dialogue: str, statement: str
    ) -> tuple[StatementInfo, str | None]:
        """A statement and its author's delegation code, in one query
        (:func:`queries.no_statement` if there is none)."""
        with self.session() as session:
            found = queries.statement_in(session, dialogue, statement)
            author = found.author
            code = author.delegation.code if author and author.delegation else None
            return statement_info(dialogue, found), code

    def set_sealed(self, dialogue: str, statement: str, *, sealed: bool) -> StatementInfo:
        """Seal or unseal a statement; the consensus is marked changed when the public set
        moves."""
        with self.session(write=True) as session:
            found = queries.statement_in(session, dialogue, statement)
            was_public = snapshots.is_public(found)
            found.sealed = sealed
            snapshots.mark_if_public_changed(session, found, was_public=was_public)
            return statement_info(dialogue, found)

    def consensus_snapshot(self, dialogue: str) -> snapshots.Snapshot:
        """The stored consensus analysis of ``dialogue`` with its versions."""
        with self.session() as session:
            found = session.scalar(select(Dialogue.id).where(Dialogue.slug == dialogue))
            if found is None:
                raise NotFoundError(f"no dialogue {dialogue!r}").with_key(
                    "dlgerr.no_dialogue", slug=dialogue
                )
            return snapshots.snapshot_of(session, found)

    def consensus_versions(self, dialogue: str) -> snapshots.Snapshot:
        """The versions of the stored consensus without the analysis (the cheap check
        open pages poll)."""
        with self.session() as session:
            found = snapshots.versions_of(session, dialogue)
        if found is None:
            raise NotFoundError(f"no dialogue {dialogue!r}").with_key(
                "dlgerr.no_dialogue", slug=dialogue
            )
        return found

    # Membership (``membership_queries``): roles and parties, heads, completeness.

    def membership(self, dialogue: str, user_id: int) -> tuple[str, str | None] | None:
        """(role, party) of account ``user_id`` in ``dialogue``; None if not a member."""
        with self.session() as session:
            return membership_ops.membership(session, dialogue, user_id)

    def parties_with_head(self, dialogue: str) -> set[str]:
        """The parties of ``dialogue`` that have a head of delegation."""
        with self.session() as session:
            return membership_ops.parties_with_head(session, dialogue)

    def completion(self, dialogue: str) -> dict[str, bool]:
        """Per party: has it declared its scope positions complete?"""
        with self.session() as session:
            return membership_ops.completion(session, dialogue)

    def set_complete(self, dialogue: str, *, party: str, by: str, done: bool) -> bool:
        """Record (or withdraw) a party's declaration; True when something changed."""
        with self.session(write=True) as session:
            return membership_ops.set_complete(session, dialogue, party=party, by=by, done=done)

    def login(self, token: str) -> Principal | None:
        """The live login for a session cookie's token (None: unknown, expired or disabled).

        The rules of :func:`stratstab.accounts.service.resolve_principal`: one Core query
        on a pooled connection, no ORM session (the vote route reads it in its worker
        thread for every vote).
        """
        with self._translated(False), self.engine.connect() as connection:
            return resolve_principal(connection, token=token)

    def active_account(self, username: str) -> AccountRef | None:
        """The active account called ``username`` (None: unknown or disabled)."""
        with self.session() as session:
            return membership_ops.active_account(session, username)

    def members(self, dialogue: str) -> list[MemberInfo]:
        """The members of ``dialogue`` by role, party and name."""
        with self.session() as session:
            return membership_ops.members(session, dialogue)

    def add_member(
        self,
        dialogue: str,
        *,
        username: str,
        role: str,
        party: str | None = None,
        actor_id: int | None = None,
    ) -> MemberInfo:
        """Make account ``username`` a member in ``role`` (and ``party``), audited as
        done by ``actor_id`` (None: the system).  One head per party."""
        with self.session(write=True) as session:
            return membership_ops.add_member(
                session, dialogue, username=username, role=role, party=party, actor_id=actor_id
            )

    def change_member(
        self, dialogue: str, username: str, *, role: str, party: str | None, actor_id: int
    ) -> MemberInfo:
        """Give member ``username`` another role or party (audited).  One head per party."""
        with self.session(write=True) as session:
            return membership_ops.change_member(
                session, dialogue, username, role=role, party=party, actor_id=actor_id
            )

    def remove_member(self, dialogue: str, username: str, *, actor_id: int) -> None:
        """Remove member ``username`` from ``dialogue`` (audited)."""
        with self.session(write=True) as session:
            membership_ops.remove_member(session, dialogue, username, actor_id=actor_id)

    # Invitations (``invitation_queries``): one-time links to join in a role and party.

    def create_invitation(
        self,
        dialogue: str,
        *,
        role: str,
        party: str | None,
        lifetime: timedelta,
        note: str = "",
        actor_id: int,
    ) -> tuple[str, InvitationInfo]:
        """A new invitation lasting ``lifetime``; returns its secret token (shown once,
        only its hash is stored) and its record.  Audited as done by ``actor_id``."""
        with self.session(write=True) as session:
            return invitation_ops.create(
                session,
                dialogue,
                role=role,
                party=party,
                note=note,
                lifetime=lifetime,
                now=utc_now(),
                actor_id=actor_id,
            )

    def invitations(self, dialogue: str) -> list[InvitationInfo]:
        """Every invitation of ``dialogue``, newest first, with its state now."""
        with self.session() as session:
            return invitation_ops.listing(session, dialogue, now=utc_now())

    def revoke_invitation(self, dialogue: str, invitation_id: int, *, actor_id: int) -> None:
        """Revoke an invitation not used yet (revoking twice changes nothing)."""
        with self.session(write=True) as session:
            invitation_ops.revoke(
                session, dialogue, invitation_id, now=utc_now(), actor_id=actor_id
            )

    def invitation_preview(self, token: str) -> InvitationPreview:
        """What the invitation with secret ``token`` offers and its state now."""
        with self.session() as session:
            return invitation_ops.preview(session, token, now=utc_now())

    def accept_invitation(
        self, token: str, *, user_id: int | None = None, new_account: NewAccount | None = None
    ) -> AcceptedInvitation:
        """Accept an invitation for an existing account or a new one, in one transaction.

        ``new_account`` comes from :func:`stratstab.accounts.service.prepare_account`,
        whose slow password hash is made before this write transaction holds the lock.
        """
        with self.session(write=True) as session:
            return invitation_ops.accept(
                session, token, now=utc_now(), user_id=user_id, new_account=new_account
            )

    # The background recomputation of stored consensus analyses (``snapshots``).

    def consensus_due(self, *, now: datetime, debounce_s: float) -> list[snapshots.DueDialogue]:
        """Dialogues whose stored consensus is out of date and may be recomputed at ``now``."""
        with self.session() as session:
            return snapshots.due(session, now=now, debounce_s=debounce_s)

    def seconds_until_consensus_due(self, *, now: datetime, debounce_s: float) -> float | None:
        """Seconds until the next dialogue is due (None when none is out of date)."""
        with self.session() as session:
            return snapshots.seconds_until_due(session, now=now, debounce_s=debounce_s)

    def consensus_version(self, dialogue: str) -> int | None:
        """The consensus version of ``dialogue`` (None for an unknown dialogue)."""
        with self.session() as session:
            return snapshots.version_of(session, dialogue)

    def claim_consensus(self, dialogue_id: int, *, now: datetime, lease_s: float) -> bool:
        """Lease a dialogue's recomputation for ``lease_s`` seconds; False if another holds it."""
        with self.session(write=True) as session:
            return snapshots.claim(session, dialogue_id, now=now, lease_s=lease_s)

    def release_consensus(self, dialogue_id: int) -> None:
        """Give up the lease of a recomputation that failed (tried again later)."""
        with self.session(write=True) as session:
            snapshots.release(session, dialogue_id)

    def store_consensus(self, dialogue_id: int, **computed: Any) -> None:
        """Store a recomputed analysis (``snapshots.store_result``'s keywords)."""
        with self.session(write=True) as session:
            snapshots.store_result(session, dialogue_id, **computed)

    def moderate(self, dialogue: str, statement: str, *, state: str) -> StatementInfo:
        """Set a statement's moderation state (pending / accepted / rejected)."""
        choice(state, MODERATION_STATES, field="moderation")
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            target = queries.statement_by_id(session, found, statement)
            was_public = snapshots.is_public(target)
            target.moderation = state
            session.flush()
            snapshots.mark_if_public_changed(session, target, was_public=was_public)
            return statement_info(found.slug, target)

    def set_translation(
        self, dialogue: str, statement: str, *, language: str, text: str, translated_by: str
    ) -> StatementInfo:
        """Add or replace the translated text of a statement (never its original).

        An empty ``text`` removes the translation.  A pending machine suggestion in the
        same language is consumed (accepted or superseded by the person's text).
        """
        check_language(language)
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            target = queries.statement_by_id(session, found, statement)
            if language == target.original_language:
                raise InputError(
                    f"{language!r} is the original language of statement {statement!r}; "
                    "only the other language is a translation",
                    field="language",
                )
            cleaned = text.strip()
            if language == "zh":
                target.text_zh = cleaned
            else:
                target.text_en = cleaned
            target.translated_by = translated_by if cleaned else ""
            target.translated_at = utc_now() if cleaned else None
            if target.suggestion_language == language:
                target.suggestion_text, target.suggestion_language = "", None
                target.suggestion_source = ""
            session.flush()
            return statement_info(found.slug, target)

    def set_suggestion(
        self, dialogue: str, statement: str, *, language: str, text: str, source: str
    ) -> StatementInfo:
        """Keep a machine translation of a statement until a person accepts or drops it."""
        check_language(language)
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            target = queries.statement_by_id(session, found, statement)
            target.suggestion_text = text.strip()
            target.suggestion_language = language if text.strip() else None
            target.suggestion_source = source if text.strip() else ""
            session.flush()
            return statement_info(found.slug, target)

    def polis_state(self, dialogue: str) -> PolisState | None:
        """The last Pol.is-style grouping update of ``dialogue``, None before the first."""
        from stratstab.dialogue.models import PolisGroupingState

        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            row = session.scalar(
                select(PolisGroupingState).where(PolisGroupingState.dialogue_id == found.id)
            )
            return None if row is None else PolisState.from_dict(row.state)

    def save_polis_state(self, dialogue: str, state: PolisState) -> None:
        """Keep ``state`` as the start of the next Pol.is-style update of ``dialogue``."""
        from stratstab.dialogue.models import PolisGroupingState

        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            row = session.scalar(
                select(PolisGroupingState).where(PolisGroupingState.dialogue_id == found.id)
            )
            if row is None:
                row = PolisGroupingState(dialogue_id=found.id)
                session.add(row)
            row.state = state.to_dict()
            row.updated_at = datetime.now(UTC)

    def mark_meta(self, dialogue: str, statement: str, *, is_meta: bool = True) -> StatementInfo:
        """Mark a statement as meta (about the participants or the process, e.g. "I live
        in a city") or clear the mark.  Like Pol.is, the consensus math leaves meta
        statements out, as it does moderated-out ones; their votes are kept."""
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            target = queries.statement_by_id(session, found, statement)
            was_public = snapshots.is_public(target)
            target.is_meta = bool(is_meta)
            session.flush()
            snapshots.mark_if_public_changed(session, target, was_public=was_public)
            return statement_info(found.slug, target)

    def cast_vote_once(
        self,
        dialogue: str,
        *,
        participant: str,
        statement: str,
        value: int,
        importance: int | None = None,
        cast_at: datetime | None = None,
        round_number: int | None = None,
        idempotency: IdempotencyKey | None = None,
        authorize: Callable[[queries.VoteTarget], None] | None = None,
    ) -> tuple[VoteRecord, bool]:
        """Append a vote (1 agree, -1 disagree, 0 pass; importance 1..3 or None) and tell
        whether it was replayed (see ``idempotency``).

        Earlier votes of the participant on the statement stay in the history; the
        latest one counts.  With ``idempotency`` a repeated key returns the vote first
        cast under it and adds nothing.  ``authorize`` sees what the vote refers to
        (statement moderation, sealing, author's delegation) inside the write
        transaction and raises to refuse it: access rules and the write then need one
        query together.  A vote on a public statement marks the dialogue's consensus
        out of date in the same transaction (:mod:`stratstab.dialogue.snapshots`).
        """
        vote_fields(value=value, importance=importance)

        def write(session: Session) -> dict:
            # The hot path of voting: one query resolves every id, one Core insert.
            target = queries.vote_target(
                session,
                dialogue,
                participant=participant,
                statement=statement,
                round_number=round_number,
            )
            if target is None:  # something is unknown: the lookups say what
                found = queries.dialogue_by_slug(session, dialogue)
                queries.participant_by_id(session, found, participant)
                queries.statement_by_id(session, found, statement)
                if round_number is not None:
                    queries.round_by_number(session, found, round_number)
                raise AssertionError("vote_target and the lookups disagree")  # pragma: no cover
            if authorize is not None:
                authorize(target)
            if target.moderation == "rejected":
                raise InputError(f"statement {statement!r} was moderated out", field="statement")
            when = cast_at or utc_now()
            session.connection().execute(
                _INSERT_VOTE,
                {
                    "participant_id": target.participant_id,
                    "statement_id": target.statement_id,
                    "value": value,
                    "importance": importance,
                    "cast_at": when,
                    "round_id": target.round_id,
                },
            )
            if target.public:
                snapshots.mark_changed(session, target.dialogue_id)
            record = VoteRecord(
                participant, statement, value, importance, when, target.round_number
            )
            return record.to_dict()

        result, replayed = self._write_once(idempotency, "vote", write)
        return vote_record(result), replayed

    def cast_vote(self, dialogue: str, **vote: Any) -> VoteRecord:
        """Append a vote; see :meth:`cast_vote_once` for the fields."""
        return self.cast_vote_once(dialogue, **vote)[0]

    def recorded(self, claim: IdempotencyKey) -> dict | None:
        """The result stored under an idempotency key, or None for a new key.

        Raises :class:`~stratstab.errors.ConflictError` for a key used with other content.
        """
        with self.session() as session:
            return idempotency.recorded(session, claim)

    def _write_once(
        self, claim: IdempotencyKey | None, action: str, write: Callable[[Session], dict]
    ) -> tuple[dict, bool]:
        """Run ``write`` in one write transaction, at most once per idempotency key.

        Returns the result and whether it was replayed from an earlier request.  Two
        requests racing with the same key: the second one's insert of the key fails on
        the unique constraint, its transaction is rolled back, and it replays the first.
        """
        for attempt in range(2):
            try:
                with self.session(write=True) as session:
                    if claim is not None:
                        earlier = idempotency.recorded(session, claim)
                        if earlier is not None:
                            return earlier, True
                    result = write(session)
                    if claim is not None:
                        idempotency.remember(session, claim, action=action, result=result)
                    return result, False
            except InputError as exc:
                if claim is None or attempt or not isinstance(exc.__cause__, IntegrityError):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def vote_history(
        self, dialogue: str, *, participant: str | None = None, statement: str | None = None
    ) -> list[VoteRecord]:
        """Every vote ever cast (oldest first), optionally for one participant/statement."""
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return queries.vote_history(
                session, found, participant=participant, statement=statement
            )

    def current_votes(self, dialogue: str) -> list[VoteRecord]:
        """The vote that counts for each (participant, statement) pair."""
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            rows = session.execute(queries.latest_votes_query(found.id)).all()
            return sorted(
                (VoteRecord(p, s, v, i, t, None) for p, s, v, i, t in rows),
                key=lambda r: (r.participant, r.statement),
            )

    def vote_matrix(self, dialogue: str) -> VoteMatrix:
        """The latest-vote matrix that :func:`stratstab.dialogue.consensus.analyze` takes."""
        with self.session() as session:
            return queries.build_vote_matrix(session, queries.dialogue_by_slug(session, dialogue))

    # ------------------------------------------------------------------ scope and ledger

    def set_scope_position(self, dialogue: str, **position: object) -> ScopePositionData:
        """Record (or replace) a delegation's stance on a topic; see
        :func:`stratstab.dialogue.scope_store.set_position` for the fields."""
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return scope_ops.set_position(session, found, **position)  # type: ignore[arg-type]

    def scope_positions(
        self, dialogue: str, *, round_number: int | None = None, viewer: str | None = None
    ) -> list[ScopePositionData]:
        """Scope positions; sealed, unrevealed ones are hidden from ``viewer``'s rivals."""
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return scope_ops.positions(session, found, round_number=round_number, viewer=viewer)

    def reveal_scope(self, dialogue: str, *, round_number: int | None = None) -> int:
        """Unseal every sealed position (of one round, or dialogue-wide); return how many."""
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return scope_ops.reveal(session, found, round_number=round_number)

    def scope_analysis(
        self, dialogue: str, *, round_number: int | None = None, viewer: str | None = None
    ) -> tuple[ScopeAnalysis, list[ScopePositionData]]:
        """The scope analysis of the positions ``viewer`` may see, and those positions."""
        visible = self.scope_positions(dialogue, round_number=round_number, viewer=viewer)
        codes = [d.code for d in self.delegations(dialogue)]
        return analyze_scope(load_catalogue(), visible, delegations=codes), visible

    def scope_memo(
        self,
        dialogue: str,
        *,
        memo_format: str = "md",
        round_number: int | None = None,
        viewer: str | None = None,
    ) -> str:
        """The scope memo as Markdown (``md``) or standalone HTML (``html``)."""
        choice(memo_format, ("md", "html"), field="format")
        analysis, visible = self.scope_analysis(dialogue, round_number=round_number, viewer=viewer)
        info = self.get_dialogue(dialogue)
        render = render_markdown if memo_format == "md" else render_html
        return render(load_catalogue(), analysis, visible, title=info.title)

    def add_ledger_item(self, dialogue: str, **item: object) -> LedgerRow:
        """Open a ledger item; see :func:`stratstab.dialogue.ledger.add_item`."""
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return ledger_ops.add_item(session, found, **item)  # type: ignore[arg-type]

    def set_ledger_status(
        self, dialogue: str, *, key: str, status: str, note: str = ""
    ) -> LedgerRow:
        """Record a new status of a ledger item in the current round."""
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return ledger_ops.set_status(session, found, key=key, status=status, note=note)

    def close_round(self, dialogue: str, *, outcome: str = "") -> RoundInfo:
        """Close the round under way and return it (the next opens with :meth:`open_round`)."""
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return ledger_ops.close_round(session, found, outcome=outcome)

    def open_round(
        self,
        dialogue: str,
        *,
        on_date: date | None = None,
        place: str | None = None,
        agenda: Sequence[str] | None = None,
    ) -> RoundInfo:
        """Open the next round (the planned one, else a new one), carrying open and
        disputed ledger items; see :func:`stratstab.dialogue.ledger.open_round`."""
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return ledger_ops.open_round(
                session, found, on_date=on_date, place=place, agenda=agenda
            )

    def update_round(
        self,
        dialogue: str,
        number: int,
        *,
        on_date: date | None = None,
        clear_date: bool = False,
        place: str | None = None,
        agenda: Sequence[str] | None = None,
    ) -> RoundInfo:
        """Set a round's date, place or agenda (a closed round keeps its record)."""
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            row = queries.round_by_number(session, found, number)
            if row.status == "closed":
                raise InputError(f"round {number} is closed; its record stays", field="round")
            if on_date is not None or clear_date:
                row.date = on_date
            if place is not None:
                row.place = place.strip()
            if agenda is not None:
                row.agenda = [a.strip() for a in agenda if a.strip()]
            session.flush()
            return round_info(found.slug, row)

    def set_revealed(self, dialogue: str, *, by: str) -> int:
        """Reveal every sealed scope position of the dialogue and mark it revealed."""
        with self.session(write=True) as session:
            found = queries.dialogue_by_slug(session, dialogue)
            count = scope_ops.reveal(session, found, round_number=None)
            found.revealed_at, found.revealed_by = utc_now(), by
            return count

    def position_history(self, dialogue: str, *, delegation: str, topic: str) -> list[dict]:
        """Earlier public versions of a delegation's dialogue-wide position on ``topic``."""
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return scope_ops.history(session, found, delegation=delegation, topic=topic)

    def ledger(self, dialogue: str, round_number: int | None = None) -> list[LedgerRow]:
        """The ledger as it stands in a round (default: the latest round)."""
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            return ledger_ops.ledger(session, found, round_number=round_number)

    # ------------------------------------------------------------------ Pol.is

    def import_polis(
        self, dialogue: str, directory: str | os.PathLike[str], *, create: bool = True
    ) -> ImportSummary:
        """Import a Pol.is export into ``dialogue`` (created, track II, when missing and
        ``create``).

        Votes go in committed batches (see :mod:`stratstab.dialogue.polis_io`), so
        other writers wait at most one batch.  Any failure, Ctrl-C included, undoes
        the import: the dialogue is as it was before.
        """
        export = polis_io.read(directory)
        with self.session(write=True) as session:
            plan = polis_io.begin_import(session, dialogue, export, create=create)
        try:
            done = 0
            for chunk in polis_io.vote_chunks(export, plan):
                started = time.perf_counter()
                with self.session(write=True) as session:
                    polis_io.insert_vote_chunk(session, chunk)
                    done += len(chunk)
                    polis_io.record_progress(session, plan, done)
                polis_io.between_batches(time.perf_counter() - started)
            with self.session(write=True) as session:
                summary = polis_io.finish_import(session, plan, export)
                snapshots.mark_changed(session, queries.dialogue_by_slug(session, plan.dialogue).id)
                return summary
        except BaseException:
            self.undo_import(plan.import_id)
            raise

    def undo_import(self, import_id: int) -> None:
        """Remove everything a Pol.is import added, in batches that each commit."""
        while True:
            with self.session(write=True) as session:
                if polis_io.delete_vote_batch(session, import_id) == 0:
                    break
        with self.session(write=True) as session:
            polis_io.remove_import(session, import_id)

    def recover_interrupted_imports(self) -> int:
        """Undo the imports whose process died (killed, machine restarted); return how many."""
        with self.session() as session:
            stale = polis_io.interrupted_imports(session)
        for import_id in stale:
            self.undo_import(import_id)
        return len(stale)

    def export_polis(
        self, dialogue: str, directory: str | os.PathLike[str], *, public_only: bool = False
    ) -> list[Path]:
        """Write the dialogue's statements and full vote history as a Pol.is export.

        ``public_only`` leaves out pending, rejected and sealed statements (and their
        votes); without it the export is the facilitator's, with everything.
        """
        with self.session() as session:
            found = queries.dialogue_by_slug(session, dialogue)
            comments, votes = polis_io.collect(session, found, public_only=public_only)
        return polis_io.write(directory, comments, votes)
