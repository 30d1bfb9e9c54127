"""The consensus of a dialogue as its readers see it: findings, statements, delegations.

One function, :func:`consensus_view`, gathers what both the consensus page and the
outcome report show, through the same visibility rules as every other page: the
analysis covers public (accepted, unsealed) statements only, and the statement texts
come from :func:`stratstab.web.dialogues.service.statements` for this viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stratstab.dialogue.findings import Finding, classify, summary
from stratstab.dialogue.records import DelegationInfo, StatementInfo
from stratstab.dialogue.store import DialogueStore
from stratstab.web.dialogues import service
from stratstab.web.dialogues.access import Viewer
from stratstab.web.dialogues.views import delegation_markers, viewer_group


@dataclass(frozen=True)
class ConsensusView:
    """Everything the consensus page and the report's consensus section need."""

    result: dict[str, Any] | None
    findings: list[Finding]
    summary: dict[str, int]
    statements: dict[str, StatementInfo]
    delegations: list[str]
    delegation_info: dict[str, DelegationInfo]
    markers: dict[str, tuple[str, str]]
    you_on_map: bool
    you_group: int | None
    #: Version of the public input the analysis reflects, and whether a newer one is due.
    version: int = 0
    pending: bool = False
    computed_at: datetime | None = None

    def names(self, locale: str) -> dict[str, str]:
        """Delegation names in ``locale``, the code where no name was given."""
        out = {}
        for code in self.delegations:
            info = self.delegation_info.get(code)
            name = (info.name_zh if locale == "zh" else info.name_en) if info else ""
            out[code] = name or (info.name_en if info else "") or code
        return out

    def context(self, locale: str) -> dict[str, Any]:
        """Template variables."""
        return {
            "result": self.result,
            "findings": self.findings,
            "summary": self.summary,
            "statements": self.statements,
            "delegations": self.delegations,
            "names": self.names(locale),
            "markers": self.markers,
            "you_on_map": self.you_on_map,
            "you_group": self.you_group,
            "consensus_version": self.version,
            "consensus_pending": self.pending,
            "consensus_computed_at": self.computed_at,
        }


def consensus_view(
    store: DialogueStore, viewer: Viewer, slug: str, *, seed: int = 0
) -> ConsensusView:
    """The consensus analysis and its plain-language findings for ``viewer``.

    The stored analysis (see :mod:`stratstab.web.dialogues.consensus_worker`); nothing
    is computed here unless a ``seed`` other than the stored one's 0 is asked for.
    """
    service.enter(store, viewer, slug)
    snapshot = service.consensus_snapshot(store, slug)
    result = service.consensus(store, viewer, slug, seed=seed) if seed else snapshot.result
    codes = service.delegation_codes(store, slug)
    visible = {s.info.external_id: s.info for s in service.statements(store, viewer, slug)}
    findings = classify(result, delegations=codes) if result else []
    findings = [f for f in findings if f.statement in visible]
    on_map, group = viewer_group(result, viewer.participant_id) if result else (False, None)
    return ConsensusView(
        result=result,
        findings=findings,
        summary=summary(findings),
        statements=visible,
        delegations=codes,
        delegation_info={d.code: d for d in store.delegations(slug)},
        markers=delegation_markers(codes),
        you_on_map=on_map,
        you_group=group,
        version=snapshot.computed_version,
        pending=not snapshot.current,
        computed_at=snapshot.computed_at,
    )
