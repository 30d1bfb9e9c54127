"""Glossary: size, bilingual definitions, links, lookup and find_terms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stratstab.errors import NotFoundError
from stratstab.history import find_terms, load_glossary, lookup, term

REQUIRED = {
    "strategic-stability": "战略稳定",
    "crisis-stability": "危机稳定性",
    "arms-race-stability": "军备竞赛稳定性",
    "first-strike-stability": "第一次打击稳定性",
    "counterforce": "反力量打击",
    "countervalue": "反价值打击",
    "launch-on-warning": "预警即发射",
    "launch-under-attack": "遭袭即发射",
    "sspk": "单发杀伤概率",
    "cep": "圆概率偏差",
    "bmd": "弹道导弹防御",
    "nc3": "核指挥控制与通信",
    "mirv": "分导式多弹头",
    "track-2": "第二轨道",
    "cbm": "建立信任措施",
    "no-first-use": "不首先使用核武器",
}


@pytest.fixture(scope="module")
def terms():
    return load_glossary()


def test_at_least_thirty_terms_with_required_chinese(terms):
    assert len(terms) >= 30
    by_id = {t.id: t for t in terms}
    for tid, zh in REQUIRED.items():
        assert by_id[tid].term_zh == zh
    for tid in (
        "damage-limitation",
        "assured-retaliation",
        "warner-levels",
        "track-1",
        "track-1-5",
        "nrrc",
        "hotline",
        "entanglement",
        "hgv",
        "security-dilemma",
    ):
        assert tid in by_id


def test_definitions_in_both_languages_and_related_resolve(terms):
    ids = {t.id for t in terms}
    for t in terms:
        assert len(t.definition.en) > 60 and len(t.definition.zh) > 20, t.id
        assert set(t.related) <= ids and t.id not in t.related
        if t.computed_by:
            assert t.computed_by.startswith("stratstab ")


def test_nnrrc_alias_and_lookup_by_any_name():
    assert lookup("NNRRC").id == "nrrc"
    assert lookup("危机稳定性").id == "crisis-stability"
    assert lookup("sspk").id == "sspk"
    assert term("cep").abbreviation == "CEP"


def test_unknown_term_suggests_close_ids():
    with pytest.raises(NotFoundError, match="crisis-stability"):
        term("crisis-stabilty")


def test_find_terms_english_sample():
    text = (
        "Deploying more interceptors (BMD) lowers crisis stability: a first-strike "
        "that meets a ragged retaliation may look attractive, and launch under attack "
        "becomes tempting. The NNRRC could carry launch notifications."
    )
    found = find_terms(text)
    assert found[:2] == ["bmd", "crisis-stability"]
    assert {"first-strike", "launch-under-attack", "nrrc", "launch-notification"} <= set(found)
    # "crisis stability" is not also reported as bare "strategic stability"
    assert "strategic-stability" not in found


def test_find_terms_chinese_and_longest_match():
    found = find_terms("部署分导式多弹头会降低第一次打击稳定性，也会损害危机稳定性。")
    assert found == ["mirv", "first-strike-stability", "crisis-stability"]


def test_find_terms_ignores_lowercase_abbreviation_lookalikes():
    assert find_terms("a low cep of mad hatters") == []


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_find_terms_returns_unique_known_ids(text):
    found = find_terms(text)
    assert len(found) == len(set(found))
    ids = {t.id for t in load_glossary()}
    assert set(found) <= ids
