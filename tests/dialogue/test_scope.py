"""Scope analysis on hand-made positions: shared/contested, levels, distance, staged agenda."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.dialogue.agenda import analyze_scope
from stratstab.dialogue.catalogue import load_catalogue, parse_catalogue
from stratstab.dialogue.memo import render_html, render_markdown
from stratstab.dialogue.scope import ScopePositionData as P
from stratstab.errors import InputError

CATALOGUE = load_catalogue()

POSITIONS = [
    # CN wants a broad agenda; US a narrow one with a condition on space.
    P("CN", "nuclear-forces", "include", 3),
    P("CN", "missile-defense", "include", 5),
    P("CN", "crisis-communication", "include", 4),
    P("CN", "outer-space", "include", 4),
    P("CN", "economics-technology", "include", 2),
    P("US", "nuclear-forces", "include", 5),
    P("US", "missile-defense", "only-if-linked", 2, ("conventional-prompt-strike",)),
    P("US", "crisis-communication", "include", 5),
    P("US", "conventional-prompt-strike", "include", 3),
    P("US", "outer-space", "only-if-linked", 2, ("transparency-cbm",)),
    P("US", "economics-technology", "exclude", 5),
]


def test_catalogue_has_levels_and_topics():
    assert [level.id for level in CATALOGUE.levels] == ["narrow", "broader", "broadest"]
    assert len(CATALOGUE.topic_ids) == 12
    assert all(topic.name_zh and topic.definition_zh for topic in CATALOGUE.topics)


def test_shared_contested_levels_and_conditions():
    result = analyze_scope(CATALOGUE, POSITIONS)
    assert result.shared == ("nuclear-forces", "crisis-communication")
    assert result.contested == (
        "missile-defense", "conventional-prompt-strike", "outer-space", "economics-technology",
    )  # fmt: skip
    assert result.implied_levels == {"CN": "broadest", "US": "narrow"}
    assert ("US", "outer-space", ("transparency-cbm",)) in result.conditions


def test_distance_worked_by_hand():
    # Stated topics and (|gap|, weight): nuclear-forces (0, 4), missile-defense (0.5, 3.5),
    # crisis-communication (0, 4.5), outer-space (0.5, 3), economics-technology (1, 3.5),
    # conventional-prompt-strike (1, 2: CN unstated has priority 1).
    expected = (0.5 * 3.5 + 0.5 * 3 + 1 * 3.5 + 1 * 2) / (4 + 3.5 + 4.5 + 3 + 3.5 + 2)
    result = analyze_scope(CATALOGUE, POSITIONS)
    assert result.distances[("CN", "US")] == pytest.approx(expected)


def test_staged_agenda_order():
    result = analyze_scope(CATALOGUE, POSITIONS)
    stages = [(s.kind, [i.topic for i in s.items]) for s in result.stages]
    # Stage 1: shared, by summed priority (crisis 9 before forces 8).
    # Stage 2 (gap 0.5): missile defense needs prompt strike (gap 1), so it moves to the
    # gap-1 stage and comes after prompt strike; space needs transparency (off the table)
    # and is deferred.
    assert stages == [
        ("shared", ["crisis-communication", "nuclear-forces"]),
        ("contested", ["economics-technology", "conventional-prompt-strike", "missile-defense"]),
    ]
    assert [t for t, _ in result.deferred] == ["outer-space"]
    assert "transparency-cbm" in result.deferred[0][1]


def test_silent_delegation_and_unknown_topic():
    result = analyze_scope(CATALOGUE, POSITIONS[:2], delegations=["CN", "US"])
    assert result.shared == () and result.implied_levels["US"] == "narrow"
    with pytest.raises(InputError, match="unknown topic 'weather'"):
        analyze_scope(CATALOGUE, [P("CN", "weather", "include")])


def test_catalogue_validation():
    with pytest.raises(InputError, match="min_level"):
        parse_catalogue(
            "version: 1\nlevels: []\ntopics:\n- {id: a, name_en: A, name_zh: 甲, min_level: x,"
            " definition_en: d, definition_zh: 定}\n"
        )


def test_memo_renders_both_formats():
    result = analyze_scope(CATALOGUE, POSITIONS)
    markdown = render_markdown(CATALOGUE, result, POSITIONS, title="A | B")
    assert "Proposed staged agenda / 建议的分阶段议程" in markdown
    assert "Deferred / 暂缓:" in markdown and "A | B" in markdown
    page = render_html(CATALOGUE, result, POSITIONS, title="<script>x</script>")
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page
    assert "http" not in page  # no external asset


stances = st.sampled_from(["include", "exclude", "only-if-linked"])
position_lists = st.lists(
    st.builds(
        lambda d, t, s, p, link: (
            P(d, t, s, p, (link,) if s == "only-if-linked" and link != t else ())
            if not (s == "only-if-linked" and link == t)
            else P(d, t, "include", p)
        ),
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(CATALOGUE.topic_ids),
        stances,
        st.integers(1, 5),
        st.sampled_from(CATALOGUE.topic_ids),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(position_lists)
def test_properties_of_scope_analysis(positions):
    result = analyze_scope(CATALOGUE, positions)
    for value in result.distances.values():
        assert 0.0 <= value <= 1.0
    staged = [item.topic for stage in result.stages for item in stage.items]
    deferred = [t for t, _ in result.deferred]
    # Every wanted topic is staged or deferred exactly once; a linked topic is never
    # staged later than the topic that depends on it.
    assert sorted(staged + deferred) == sorted(result.shared + result.contested)
    stage_of = {item.topic: stage.number for stage in result.stages for item in stage.items}
    for topic, number in stage_of.items():
        for stage in result.stages:
            for item in stage.items:
                if item.topic == topic:
                    assert all(stage_of[link] <= number for link in item.requires)
    # Renaming delegations changes no topic-level result.
    renamed = analyze_scope(
        CATALOGUE, [P("x" + p.delegation, p.topic, p.stance, p.priority, p.linked_topics)
                    for p in positions],
    )  # fmt: skip
    assert (renamed.shared, renamed.contested, renamed.stages) == (
        result.shared, result.contested, result.stages,
    )  # fmt: skip
    assert sorted(renamed.distances.values()) == pytest.approx(sorted(result.distances.values()))
