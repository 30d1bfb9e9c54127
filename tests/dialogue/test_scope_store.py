"""Scope positions in the store: replace, seal / reveal, validation, memo."""

from __future__ import annotations

import pytest

from stratstab.errors import InputError


def test_positions_replace_and_seal(cnus):
    cnus.set_scope_position("cnus", delegation="CN", topic="missile-defense", stance="exclude")
    cnus.set_scope_position("cnus", delegation="cn", topic="missile-defense", stance="include",
                            priority=5, note="central")  # fmt: skip
    cnus.set_scope_position("cnus", delegation="US", topic="outer-space", stance="only-if-linked",
                            linked_topics=["missile-defense"], sealed=True)  # fmt: skip
    everything = cnus.scope_positions("cnus")
    assert [(p.delegation, p.topic, p.stance) for p in everything] == [
        ("CN", "missile-defense", "include"),
        ("US", "outer-space", "only-if-linked"),
    ]
    assert [p.topic for p in cnus.scope_positions("cnus", viewer="CN")] == ["missile-defense"]
    assert len(cnus.scope_positions("cnus", viewer="US")) == 2
    assert cnus.reveal_scope("cnus") == 1
    assert len(cnus.scope_positions("cnus", viewer="CN")) == 2


def test_round_positions_are_separate(cnus):
    cnus.set_scope_position("cnus", delegation="CN", topic="cyber", stance="include")
    cnus.set_scope_position("cnus", delegation="CN", topic="cyber", stance="exclude",
                            round_number=1)  # fmt: skip
    assert [p.stance for p in cnus.scope_positions("cnus")] == ["include"]
    [in_round] = cnus.scope_positions("cnus", round_number=1)
    assert (in_round.stance, in_round.round) == ("exclude", 1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"delegation": "CN", "topic": "weather", "stance": "include"}, "unknown topic"),
        ({"delegation": "RU", "topic": "cyber", "stance": "include"}, "unknown delegation"),
        ({"delegation": "CN", "topic": "cyber", "stance": "maybe"}, "expected one of"),
        ({"delegation": "CN", "topic": "cyber", "stance": "include", "priority": 6}, "priority"),
        ({"delegation": "CN", "topic": "cyber", "stance": "only-if-linked"}, "linked topic"),
        ({"delegation": "CN", "topic": "cyber", "stance": "only-if-linked",
          "linked_topics": ["cyber"]}, "itself"),
        ({"delegation": "CN", "topic": "cyber", "stance": "include",
          "linked_topics": ["ai-nc3"]}, "only go with"),
    ],
)  # fmt: skip
def test_bad_positions(cnus, kwargs, message):
    with pytest.raises(InputError, match=message):
        cnus.set_scope_position("cnus", **kwargs)
    assert cnus.scope_positions("cnus") == []


def test_scope_memo_from_store(cnus):
    cnus.set_scope_position("cnus", delegation="CN", topic="nuclear-forces", stance="include",
                            note="<b>no first use</b>")  # fmt: skip
    cnus.set_scope_position("cnus", delegation="US", topic="nuclear-forces", stance="include")
    markdown = cnus.scope_memo("cnus")
    assert "# Scope memo / 范围备忘录: CN–US Track II" in markdown
    assert "| 1 | shared | Nuclear forces and doctrine / 核力量与核政策 |" in markdown
    page = cnus.scope_memo("cnus", memo_format="html")
    assert "&lt;b&gt;no first use&lt;/b&gt;" in page and "<b>no first use" not in page
    with pytest.raises(InputError, match="md, html"):
        cnus.scope_memo("cnus", memo_format="pdf")
