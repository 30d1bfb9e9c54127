"""Round ledger: items carry from round to round; agreed items stay agreed unless reopened."""

from __future__ import annotations

import pytest

from stratstab.errors import InputError


def _statuses(store, round_number=None):
    return {row.key: (row.status, row.carried) for row in store.ledger("cnus", round_number)}


def test_ledger_carries_open_and_disputed_items(cnus):
    cnus.add_ledger_item("cnus", key="hotline", title_en="Hotline", topic="crisis-communication")
    cnus.add_ledger_item("cnus", key="nfu", title_en="No first use", status="disputed")
    cnus.add_ledger_item("cnus", key="safety", title_en="Safety", status="agreed")
    closed = cnus.close_round("cnus", outcome="first meeting")
    assert closed.number == 1 and closed.status == "closed"
    assert [r.status for r in cnus.rounds("cnus")] == ["closed"]  # no blank round appears
    with pytest.raises(InputError, match="no open round"):
        cnus.close_round("cnus")
    opened = cnus.open_round("cnus", place="Geneva")
    assert (opened.number, opened.status, opened.place) == (2, "open", "Geneva")
    assert [r.status for r in cnus.rounds("cnus")] == ["closed", "open"]
    with pytest.raises(InputError, match="still open"):
        cnus.open_round("cnus")
    assert cnus.rounds("cnus")[0].outcome == "first meeting"
    assert _statuses(cnus) == {
        "hotline": ("open", True),
        "nfu": ("disputed", True),
        "safety": ("agreed", False),
    }
    # Round 2: the hotline is agreed, safety reopened as disputed; a new item appears.
    cnus.set_ledger_status("cnus", key="hotline", status="agreed", note="text settled")
    cnus.set_ledger_status("cnus", key="safety", status="disputed", note="reopened")
    cnus.add_ledger_item("cnus", key="space", title_en="Space", title_zh="外空")
    cnus.close_round("cnus")
    cnus.open_round("cnus")
    assert _statuses(cnus) == {
        "hotline": ("agreed", False),
        "nfu": ("disputed", True),
        "safety": ("disputed", True),
        "space": ("open", True),
    }
    # The past is unchanged: round 1 as it stood, without items opened later.
    assert _statuses(cnus, 1) == {
        "hotline": ("open", False),
        "nfu": ("disputed", False),
        "safety": ("agreed", False),
    }
    hotline = next(r for r in cnus.ledger("cnus", 3) if r.key == "hotline")
    assert hotline.history == (
        (1, "open", "", False),
        (2, "open", "", True),
        (2, "agreed", "text settled", False),
    )


def test_ledger_bad_input(cnus):
    cnus.add_ledger_item("cnus", key="k", title_en="K")
    with pytest.raises(InputError, match="already exists"):
        cnus.add_ledger_item("cnus", key="k", title_en="again")
    with pytest.raises(InputError, match="unknown ledger item"):
        cnus.set_ledger_status("cnus", key="nope", status="agreed")
    with pytest.raises(InputError, match="expected one of"):
        cnus.set_ledger_status("cnus", key="k", status="settled")
    with pytest.raises(InputError, match="unknown topic"):
        cnus.add_ledger_item("cnus", key="x", title_en="X", topic="weather")
    with pytest.raises(InputError, match="round"):
        cnus.ledger("cnus", 9)
    assert [r.key for r in cnus.ledger("cnus")] == ["k"]


def test_open_round_opens_the_planned_round(cnus):
    cnus.add_round("cnus", place="Beijing", agenda=["hotline"])
    cnus.close_round("cnus")
    assert [r.status for r in cnus.rounds("cnus")] == ["closed", "planned"]
    opened = cnus.open_round("cnus")
    assert (opened.number, opened.place, opened.agenda) == (2, "Beijing", ("hotline",))
    edited = cnus.update_round("cnus", 2, place="Beijing, Diaoyutai", agenda=["hotline", " "])
    assert (edited.place, edited.agenda) == ("Beijing, Diaoyutai", ("hotline",))
    with pytest.raises(InputError, match="closed"):
        cnus.update_round("cnus", 1, place="elsewhere")
