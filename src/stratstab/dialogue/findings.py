"""Consensus in plain words: what each statement's votes say about the delegations.

Pure: it reads the dictionary of :meth:`ConsensusResult.to_dict
<stratstab.dialogue.consensus.ConsensusResult.to_dict>` and classifies each public
statement once, so that the consensus page and the outcome report say the same thing.

Kinds, in the order a delegate reads them:

``delegations_agree``
    a majority of every delegation agrees (a bridging statement between delegations);
``delegations_split``
    one delegation's majority agrees while another's disagrees (a crux between
    delegations);
``groups_split``
    the delegations do not split, but the opinion groups found from the votes do
    (the division runs across delegations);
``delegations_reject``
    a majority of every delegation disagrees;
``unclear``
    none of these (too few votes, or no majority either way).

``certain`` is the statistical reading behind each claim: for agreement and
rejection every delegation's exact 95 % interval lies on the same side of one half;
for a split, the Benjamini–Hochberg q-value of the spread of agree rates is below
0.05.  Findings that are not certain are reported as "leaning", never dropped.

References: the bridging and crux rules are those of
:func:`stratstab.dialogue.stats.grouping_report`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("delegations_agree", "delegations_split", "groups_split", "delegations_reject", "unclear")


@dataclass(frozen=True)
class Finding:
    """What the votes on one statement say, in terms a delegate can repeat."""

    statement: str
    kind: str
    certain: bool
    n_delegations: int
    agree_rates: dict[str, float | None]  # per delegation, agree / (agree + disagree)
    agreeing: tuple[str, ...]  # delegations whose majority agrees
    disagreeing: tuple[str, ...]  # delegations whose majority disagrees
    overall_agree_rate: float | None
    voters: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        out = asdict(self)
        out["agreeing"], out["disagreeing"] = list(self.agreeing), list(self.disagreeing)
        return out


def _by_statement(entries: list[dict[str, Any]], grouping: str) -> dict[str, dict[str, Any]]:
    return {e["statement"]: e for e in entries if e.get("grouping") == grouping}


def classify(result: dict[str, Any], *, delegations: list[str]) -> list[Finding]:
    """One finding per statement of ``result``, sorted by kind, then strength.

    ``delegations`` are the dialogue's party codes (2–4); a delegation that cast no
    vote on a statement counts as neither agreeing nor disagreeing.
    """
    bridging = _by_statement(result.get("bridging", []), "delegation")
    cruxes = _by_statement(result.get("cruxes", []), "delegation")
    group_cruxes = _by_statement(result.get("cruxes", []), "opinion_group")
    findings = []
    for row in result.get("statements", []):
        if row.get("moderated_out"):
            continue
        sid = row["statement"]
        blocks = row.get("by_delegation") or {}
        rates = {code: (blocks.get(code) or {}).get("agree_rate") for code in delegations}
        highs = {
            code: ((blocks.get(code) or {}).get("agree_rate_interval") or [None, None])[1]
            for code in delegations
        }
        agreeing = tuple(c for c in delegations if rates[c] is not None and rates[c] > 0.5)
        disagreeing = tuple(c for c in delegations if rates[c] is not None and rates[c] < 0.5)
        everyone_voted = all(rates[c] is not None for c in delegations)
        if sid in bridging:
            kind, certain = "delegations_agree", bool(bridging[sid]["significant"])
        elif sid in cruxes:
            kind, certain = "delegations_split", bool(cruxes[sid]["significant"])
        elif sid in group_cruxes:
            kind, certain = "groups_split", bool(group_cruxes[sid]["significant"])
        elif everyone_voted and len(disagreeing) == len(delegations):
            kind = "delegations_reject"
            certain = all(highs[c] is not None and highs[c] < 0.5 for c in delegations)
        else:
            kind, certain = "unclear", False
        findings.append(
            Finding(
                statement=sid,
                kind=kind,
                certain=certain,
                n_delegations=len(delegations),
                agree_rates=rates,
                agreeing=agreeing,
                disagreeing=disagreeing,
                overall_agree_rate=row.get("agree_rate"),
                voters=int(row.get("n", 0)),
            )
        )
    findings.sort(key=lambda f: (KINDS.index(f.kind), not f.certain, _strength(f)))
    return findings


def _strength(finding: Finding) -> float:
    """Sort key within a kind: the clearest first."""
    rates = [r for r in finding.agree_rates.values() if r is not None]
    if not rates:
        return 0.0
    if finding.kind == "delegations_agree":
        return -min(rates)
    if finding.kind == "delegations_reject":
        return max(rates)
    return -(max(rates) - min(rates))


def summary(findings: list[Finding]) -> dict[str, int]:
    """How many statements of each kind, in :data:`KINDS` order."""
    return {kind: sum(1 for f in findings if f.kind == kind) for kind in KINDS}
