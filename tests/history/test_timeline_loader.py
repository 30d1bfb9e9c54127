"""Timeline, filtering and malformed-file errors."""

from __future__ import annotations

import pytest

from stratstab.errors import InputError, NotFoundError
from stratstab.history import by_decade, filter_entries, get_entry, load_history, timeline
from stratstab.history.loader import read_history_file

GOOD_ENTRY = """
version: test
entries:
- id: test-entry
  name_en: Test agreement
  name_zh: 测试协定
  parties: [US, CN]
  type: agreement
  dates: {signed: "2000-01-02", in_force: "DATES_IN_FORCE"}
  status: in force
  provisions: {en: Something., zh: 某些条款。}
  verification: {en: None., zh: 无。}
  lesson: {en: One. Two., zh: 一。二。}
  sources:
  - {title: T, publisher: P, url: "https://example.org", published: "2020", accessed: "2026-11-28"}
  verified: true
"""


def test_timeline_is_sorted_and_dates_are_full_days():
    events = timeline()
    keys = [(ev.date, ev.entry_id) for ev in events]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    assert all(len(ev.date) == 10 for ev in events)
    month_only = [ev for ev in events if ev.date_precision == "month"]
    assert month_only and all(
        ev.date.endswith("-01") and len(ev.date_as_given) == 7 for ev in month_only
    )


def test_timeline_year_window_and_decades():
    events = timeline(from_year=1970, to_year=1979)
    assert events and all("1970" <= ev.date[:4] <= "1979" for ev in events)
    assert list(by_decade(events)) == [1970]
    with pytest.raises(InputError):
        timeline(from_year=2000, to_year=1990)


def test_party_filter_counts_ussr_as_russia():
    russia = filter_entries(load_history(), party="RU")
    ids = {e.id for e in russia}
    assert {"abm-treaty", "new-start"} <= ids
    china = filter_entries(load_history(), party="CN", entry_type="channel")
    assert {e.id for e in china} >= {"us-china-mmca-1998", "us-china-defense-telephone-link-2008"}
    with pytest.raises(InputError, match="unknown party"):
        filter_entries(load_history(), party="XX")


def test_statement_dates_are_labelled_issued():
    ev = [e for e in timeline() if e.entry_id == "p5-statement-2022"][0]
    assert ev.label_en.endswith("issued") and ev.label_zh.endswith("发表")


def test_unknown_entry_proposes_close_matches():
    with pytest.raises(NotFoundError, match="new-start"):
        get_entry("new-strat")


def test_malformed_file_names_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD_ENTRY.replace("DATES_IN_FORCE", "1999-12-31"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_history_file(bad)
    assert "bad.yaml" in str(info.value) and "entries[0].dates" in str(info.value)
    assert "before signed" in str(info.value)


def test_malformed_date_and_unknown_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD_ENTRY.replace("DATES_IN_FORCE", "2000-13-01"), encoding="utf-8")
    with pytest.raises(InputError, match=r"entries\[0\]\.dates\.in_force"):
        read_history_file(bad)
    bad.write_text(
        GOOD_ENTRY.replace("DATES_IN_FORCE", "2000-02") + "  colour: red\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"entries\[0\]\.colour.*unknown key"):
        read_history_file(bad)


def test_valid_user_file_loads_and_month_precision_compares(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_ENTRY.replace("DATES_IN_FORCE", "2000-01"), encoding="utf-8")
    assert [e.id for e in load_history(good)] == ["test-entry"]


def test_unknown_glossary_term_in_user_file(tmp_path):
    path = tmp_path / "links.yaml"
    text = GOOD_ENTRY.replace("DATES_IN_FORCE", "2000-02") + "  glossary_terms: [no-such-term]\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"glossary_terms\[0\]"):
        load_history(path)
