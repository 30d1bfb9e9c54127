"""Consensus analysis of a dialogue's votes: Pol.is opinion groups plus Track II views.

The input is a :class:`VoteMatrix` (participants × statements, the latest vote of each
participant on each statement).  :func:`analyze` runs a faithful reimplementation of the
Pol.is math (see :mod:`stratstab.dialogue.clusters` and :mod:`stratstab.dialogue.repness`)
and adds what a Track II dialogue needs next to it: the delegation as a known grouping,
bridging statements that a majority of every delegation accepts, cruxes that split the
delegations, and exact intervals and tests so that results stay honest at 10–40 people.

Pure computation: nothing here reads or writes files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stratstab.errors import InputError

#: Vote codes of the input convention (Pol.is's export convention).
AGREE, DISAGREE, PASS = 1.0, -1.0, 0.0


@dataclass(frozen=True)
class VoteMatrix:
    """The latest vote of every participant on every statement.

    Attributes
    ----------
    participant_ids:
        One id per row (P).
    statement_ids:
        One id per column (S).
    values:
        Float array (P × S): 1 agree, -1 disagree, 0 pass, NaN not voted.
    moderated_out:
        Bool array (S,): statements a moderator removed; Pol.is keeps their column in
        the matrix but sets every entry to 0 before the projection.
    delegations:
        Delegation of each participant (P), ``None`` when unknown.
    statement_texts:
        Text of each statement (S).
    """

    participant_ids: list[str]
    statement_ids: list[str]
    values: np.ndarray
    moderated_out: np.ndarray
    delegations: list[str | None] = field(default_factory=list)
    statement_texts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        values = np.array(self.values, dtype=float)  # own copy: frozen below
        n_participants, n_statements = len(self.participant_ids), len(self.statement_ids)
        if values.shape != (n_participants, n_statements):
            raise InputError(
                f"shape {values.shape} does not match {n_participants} participants × "
                f"{n_statements} statements",
                source="vote matrix",
                field="values",
            )
        voted = values[~np.isnan(values)]
        if not np.isin(voted, (AGREE, DISAGREE, PASS)).all():
            raise InputError(
                "votes must be 1 (agree), -1 (disagree), 0 (pass) or NaN (not voted)",
                source="vote matrix",
                field="values",
            )
        moderated = np.array(self.moderated_out, dtype=bool).reshape(-1)
        if moderated.shape != (n_statements,):
            raise InputError(
                f"expected {n_statements} flags, got {moderated.shape[0]}",
                source="vote matrix",
                field="moderated_out",
            )
        delegations = list(self.delegations) or [None] * n_participants
        texts = list(self.statement_texts) or [""] * n_statements
        _check_length(delegations, n_participants, "delegations")
        _check_length(texts, n_statements, "statement_texts")
        _check_unique(self.participant_ids, "participant_ids")
        _check_unique(self.statement_ids, "statement_ids")
        values.flags.writeable = False
        moderated.flags.writeable = False
        # frozen dataclass: normalised copies are stored through object.__setattr__
        object.__setattr__(self, "participant_ids", [str(p) for p in self.participant_ids])
        object.__setattr__(self, "statement_ids", [str(s) for s in self.statement_ids])
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "moderated_out", moderated)
        object.__setattr__(self, "delegations", delegations)
        object.__setattr__(self, "statement_texts", [str(t) for t in texts])

    @property
    def n_participants(self) -> int:
        """Number of participants (rows)."""
        return len(self.participant_ids)

    @property
    def n_statements(self) -> int:
        """Number of statements (columns)."""
        return len(self.statement_ids)


def _check_length(items: list, expected: int, name: str) -> None:
    if len(items) != expected:
        raise InputError(
            f"expected {expected} entries, got {len(items)}", source="vote matrix", field=name
        )


def _check_unique(ids: list, name: str) -> None:
    seen: set[str] = set()
    for position, item in enumerate(ids):
        key = str(item)
        if key in seen:
            raise InputError(
                f"duplicate id {key!r}", source="vote matrix", field=f"{name}[{position}]"
            )
        seen.add(key)
