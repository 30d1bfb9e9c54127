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
from typing import Any, Literal

import numpy as np

from stratstab.dialogue.clusters import (
    BASE_CLUSTERS,
    PolisState,
    opinion_grouping,
    polis_grouping,
)
from stratstab.dialogue.repness import (
    consensus_selection,
    group_informed_consensus,
    repness_stats,
    select_representative,
)
from stratstab.dialogue.stability import GroupStability, group_stability
from stratstab.dialogue.stats import GroupCounts, count_block, count_by_group, grouping_report
from stratstab.errors import InputError
from stratstab.provenance import provenance

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


@dataclass(frozen=True)
class ConsensusResult:
    """Everything :func:`analyze` found; :meth:`to_dict` gives the JSON-ready form.

    ``groups`` holds the opinion group of each participant (-1: not grouped, i.e. too
    few votes to be placed, as in Pol.is); ``coordinates`` (P × 2) the Pol.is projection
    (NaN for a participant without votes).
    """

    participant_ids: list[str]
    delegations: list[str | None]
    groups: np.ndarray
    coordinates: np.ndarray
    in_conversation: np.ndarray
    vote_counts: np.ndarray
    statements: list[dict[str, Any]]
    group_summaries: list[dict[str, Any]]
    bridging: list[dict[str, Any]]
    cruxes: list[dict[str, Any]]
    n_groups: int
    silhouette: float | None
    silhouette_by_k: dict[int, float]
    stability: GroupStability
    #: State for the next Pol.is-style update (``kmeans="polis"``), else None.
    polis_state: PolisState | None
    provenance: dict[str, Any]
    notes: list[str]

    def group_of(self, participant_id: str) -> int | None:
        """Opinion group of one participant, ``None`` when not grouped."""
        group = int(self.groups[self.participant_ids.index(str(participant_id))])
        return None if group < 0 else group

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (plain ints, floats, strings, lists; no NaN)."""
        participants = [
            {
                "participant": pid,
                "delegation": delegation,
                "group": None if group < 0 else int(group),
                "x": _finite(x),
                "y": _finite(y),
                "in_conversation": bool(member),
                "n_votes": int(count),
            }
            for pid, delegation, group, (x, y), member, count in zip(
                self.participant_ids,
                self.delegations,
                self.groups,
                self.coordinates,
                self.in_conversation,
                self.vote_counts,
                strict=True,
            )
        ]
        return {
            "participants": participants,
            "statements": self.statements,
            "groups": self.group_summaries,
            "bridging": self.bridging,
            "cruxes": self.cruxes,
            "n_groups": self.n_groups,
            "silhouette": self.silhouette,
            "silhouette_by_k": {str(k): v for k, v in self.silhouette_by_k.items()},
            "group_stability": self.stability.to_dict(),
            "notes": self.notes,
            "provenance": self.provenance,
        }


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def analyze(
    *,
    votes: VoteMatrix,
    seed: int = 0,
    max_groups: int = 5,
    confidence: float = 0.95,
    stability_resamples: int = 0,
    kmeans: Literal["default", "polis"] = "default",
    previous: PolisState | None = None,
) -> ConsensusResult:
    """Find opinion groups, representative, consensus, bridging and crux statements.

    Parameters
    ----------
    votes:
        Latest vote of each participant on each statement.
    seed:
        Seed of the k-means restarts and of Monte Carlo permutation tests.
    max_groups:
        Largest number of opinion groups tried (Pol.is: 5); at least 2.
    confidence:
        Level of the exact (Clopper–Pearson) intervals on agree rates, in (0, 1).
    stability_resamples:
        Bootstrap resamples of the participants for ``group_stability``'s adjusted
        Rand index (0: none; the command line and web pages use
        :data:`~stratstab.dialogue.stability.BOOTSTRAP_RESAMPLES`).  Each reruns the
        grouping, so this multiplies its cost.
    kmeans:
        ``default``: a batch grouping, k-means++ starts from ``seed``, reproducible
        whatever the order or history of the votes.  ``polis``: Pol.is's incremental
        update (:func:`~stratstab.dialogue.clusters.polis_grouping`), warm-started from
        ``previous``; the result's ``polis_state`` is the state for the next update.
    previous:
        Pol.is state of the last update (``kmeans="polis"`` only).

    References: compdemocracy/polis ``math/src/polismath/math/`` (conversation, pca,
    clusters, repness); see :mod:`~stratstab.dialogue.clusters`,
    :mod:`~stratstab.dialogue.repness` and :mod:`~stratstab.dialogue.stats`.
    """
    if max_groups < 2:
        raise InputError(f"must be at least 2, got {max_groups}", field="max_groups")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"must lie strictly between 0 and 1, got {confidence}", field="confidence")
    values = votes.values
    if kmeans not in ("default", "polis"):
        raise InputError(f"expected default or polis, got {kmeans!r}", field="kmeans")
    polis_state = None
    if kmeans == "polis":
        projection, member, labels, choice, polis_state = polis_grouping(
            values=values,
            moderated_out=votes.moderated_out,
            participant_ids=votes.participant_ids,
            max_groups=max_groups,
            previous=previous,
        )
    else:
        projection, member, labels, choice = opinion_grouping(
            values=values, moderated_out=votes.moderated_out, seed=seed, max_groups=max_groups
        )
    stability = group_stability(
        values=values,
        moderated_out=votes.moderated_out,
        labels=labels,
        choice=choice,
        seed=seed,
        max_groups=max_groups,
        resamples=stability_resamples,
        kmeans=kmeans,
    )
    voted = ~np.isnan(values).all(axis=0)
    eligible = voted & ~votes.moderated_out
    group_counts = count_by_group(values=values, labels=labels, n_groups=choice.n_groups)
    delegation_names = sorted({d for d in votes.delegations if d is not None})
    delegation_index = np.array(
        [-1 if d is None else delegation_names.index(d) for d in votes.delegations], dtype=int
    )
    by_delegation = grouping_report(
        values=values,
        labels=delegation_index,
        names=delegation_names,
        eligible=eligible,
        seed=seed,
        confidence=confidence,
        kind="delegation",
    )
    by_group = grouping_report(
        values=values,
        labels=labels,
        names=[str(g) for g in range(choice.n_groups)],
        eligible=eligible,
        seed=seed,
        confidence=confidence,
        kind="opinion_group",
    )
    statements = _statement_rows(
        votes,
        group_counts=group_counts,
        eligible=eligible,
        confidence=confidence,
        by_group=by_group.blocks,
        by_delegation=by_delegation.blocks,
    )
    summaries = _group_summaries(votes, group_counts=group_counts, labels=labels, eligible=eligible)
    parameters = {
        "kmeans": kmeans,
        "warm_start": previous is not None,
        "stability_resamples": stability_resamples,
        "max_groups": max_groups,
        "confidence": confidence,
        "base_clusters": BASE_CLUSTERS,
    }
    return ConsensusResult(
        participant_ids=list(votes.participant_ids),
        delegations=list(votes.delegations),
        groups=labels,
        coordinates=projection.coordinates,
        in_conversation=member,
        vote_counts=(~np.isnan(values)).sum(axis=1),
        statements=statements,
        group_summaries=summaries,
        bridging=_name_statements(by_delegation.bridging + by_group.bridging, votes),
        cruxes=_name_statements(by_delegation.cruxes + by_group.cruxes, votes),
        n_groups=choice.n_groups,
        silhouette=choice.silhouette,
        silhouette_by_k=choice.silhouette_by_k,
        stability=stability,
        polis_state=polis_state,
        provenance={
            "method": "polis-incremental" if kmeans == "polis" else "polis-batch",
            **provenance(parameters=parameters, seed=seed),
        },
        notes=list(NOTES),
    )


NOTES = (
    "agree_rate = agree / (agree + disagree): passes are counted and shown but do not "
    "change it; intervals are exact Clopper-Pearson.",
    "Opinion groups are found from these same votes, so p-values comparing opinion groups "
    "are descriptive (optimistic); p-values between delegations are valid tests.",
    "Participants with fewer than min(7, statements) votes are not grouped (Pol.is rule).",
)


def _name_statements(entries: list[dict[str, Any]], votes: VoteMatrix) -> list[dict[str, Any]]:
    named = []
    for entry in entries:
        column = entry.pop("statement_index")
        text = votes.statement_texts[column]
        named.append({"statement": votes.statement_ids[column], "text": text, **entry})
    return named


def _statement_rows(
    votes: VoteMatrix,
    *,
    group_counts: GroupCounts,
    eligible: np.ndarray,
    confidence: float,
    by_group: list[dict[str, Any]],
    by_delegation: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    everyone = count_by_group(
        values=votes.values, labels=np.zeros(votes.n_participants, dtype=int), n_groups=1
    )
    selected = consensus_selection(everyone, eligible=eligible)
    direction_of = {c: d for d, columns in selected.items() for c in columns}
    informed = group_informed_consensus(group_counts)
    informed_disagree = group_informed_consensus(group_counts, agree=False)
    rows = []
    for column, statement_id in enumerate(votes.statement_ids):
        agree, disagree, seen = (
            int(c[0, column]) for c in (everyone.agree, everyone.disagree, everyone.seen)
        )
        row = {"statement": statement_id, "text": votes.statement_texts[column]}
        row["moderated_out"] = bool(votes.moderated_out[column])
        row.update(count_block(agree=agree, disagree=disagree, seen=seen, confidence=confidence))
        row["consensus"] = (agree + 1) / (seen + 2)
        row["consensus_disagree"] = (disagree + 1) / (seen + 2)
        row["consensus_selected"] = direction_of.get(column)
        has_groups = group_counts.agree.shape[0] > 0
        row["group_informed_consensus"] = float(informed[column]) if has_groups else None
        row["group_informed_consensus_disagree"] = (
            float(informed_disagree[column]) if has_groups else None
        )
        row["by_group"] = by_group[column]
        row["by_delegation"] = by_delegation[column]
        rows.append(row)
    return rows


def _group_summaries(
    votes: VoteMatrix, *, group_counts: GroupCounts, labels: np.ndarray, eligible: np.ndarray
) -> list[dict[str, Any]]:
    summaries = []
    for group, stats in enumerate(repness_stats(group_counts)):
        representative = []
        for pick in select_representative(stats, eligible=eligible):
            column = int(pick.pop("column"))
            agree, disagree, seen = (
                int(c[group, column])
                for c in (group_counts.agree, group_counts.disagree, group_counts.seen)
            )
            representative.append(
                {
                    "statement": votes.statement_ids[column],
                    "text": votes.statement_texts[column],
                    **pick,
                    "agree": agree,
                    "disagree": disagree,
                    "pass": seen - agree - disagree,
                    "n": seen,
                }
            )
        summaries.append(
            {"group": group, "size": int((labels == group).sum()), "representative": representative}
        )
    return summaries
