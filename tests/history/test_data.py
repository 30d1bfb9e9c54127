"""The bundled history: size, REFERENCES §6 dates, invariants, both languages, links."""

from __future__ import annotations

import pytest

from stratstab.history import get_entry, load_glossary, load_history
from stratstab.history.schema import date_not_before, date_parts

# REFERENCES.md §6, each date checked against the sources cited in agreements.yaml.
# (entry id, where the date sits, date)
REFERENCE_DATES = [
    ("hotline-mou-1963", "signed", "1963-06-20"),
    ("limited-test-ban-treaty", "signed", "1963-08-05"),
    ("npt", "signed", "1968-07-01"),
    ("npt", "in_force", "1970-03-05"),
    ("accidents-measures-1971", "signed", "1971-09-30"),
    ("incidents-at-sea-1972", "signed", "1972-05-25"),
    ("abm-treaty", "signed", "1972-05-26"),
    ("abm-treaty", "ended", "2002-06-13"),
    ("salt-i-interim-agreement", "signed", "1972-05-26"),
    ("prevention-of-nuclear-war-1973", "signed", "1973-06-22"),
    ("salt-ii", "signed", "1979-06-18"),
    ("geneva-summit-statement-1985", "signed", "1985-11-21"),
    ("nrrc-agreement-1987", "signed", "1987-09-15"),
    ("nrrc-agreement-1987", "event", "1988-04-01"),
    ("inf-treaty", "signed", "1987-12-08"),
    ("inf-treaty", "ended", "2019-08-02"),
    ("ballistic-missile-launch-notification-1988", "signed", "1988-05-31"),
    ("dangerous-military-activities-1989", "signed", "1989-06-12"),
    ("strategic-exercises-notification-1989", "signed", "1989-09-23"),
    ("start-i", "signed", "1991-07-31"),
    ("start-ii", "signed", "1993-01-03"),
    ("sort-moscow-treaty", "signed", "2002-05-24"),
    ("new-start", "signed", "2010-04-08"),
    ("new-start", "in_force", "2011-02-05"),
    ("new-start", "ended", "2026-02-05"),
    ("new-start", "event", "2023-02-21"),
    ("us-china-mmca-1998", "signed", "1998-01-19"),
    ("us-china-defense-telephone-link-2008", "signed", "2008-02-29"),
    ("us-china-cbm-mous-2014", "signed", "2014-11"),
    ("woodside-summit-2023", "event", "2023-11-15"),
    ("us-china-arms-control-consultations-2023", "event", "2023-11-06"),
    ("china-russia-launch-notification-2009", "signed", "2009-10-13"),
    ("p5-statement-2022", "signed", "2022-01-03"),
]

# Dates from the brief that REFERENCES does not list, checked the same way.
BRIEF_DATES = [
    ("us-china-detargeting-1998", "signed", "1998-06-27"),
    ("us-china-lima-statement-2024", "signed", "2024-11-16"),
    ("china-no-first-use-1964", "signed", "1964-10-16"),
    ("us-russia-strategic-stability-statement-2021", "signed", "2021-06-16"),
    ("standing-consultative-commission", "signed", "1972-12-21"),
    ("threshold-test-ban-treaty", "signed", "1974-07-03"),
    ("peaceful-nuclear-explosions-treaty", "signed", "1976-05-28"),
    ("ctbt", "signed", "1996-09-24"),
    ("open-skies-treaty", "signed", "1992-03-24"),
    ("lisbon-protocol", "signed", "1992-05-23"),
    ("joint-data-exchange-center", "signed", "2000-06-04"),
    ("reykjavik-summit-1986", "event", "1986-10-11"),
    ("hotline-improvement-1971", "signed", "1971-09-30"),
    ("hotline-upgrade-1984", "signed", "1984-07-17"),
]


@pytest.fixture(scope="module")
def entries():
    return load_history()


def test_at_least_thirty_entries_with_unique_ids(entries):
    assert len(entries) >= 30
    assert len({e.id for e in entries}) == len(entries)


@pytest.mark.parametrize(("entry_id", "where", "expected"), REFERENCE_DATES + BRIEF_DATES)
def test_reference_dates_match(entry_id, where, expected):
    entry = get_entry(entry_id)
    if where == "event":
        assert expected in [ev.date for ev in entry.events]
    else:
        assert getattr(entry.dates, where) == expected


def test_china_russia_extension_is_dated_2020_not_2021():
    # The extension protocol was signed on 2020-12-15 (Global Times, TASS); 2021 is ratification.
    events = {ev.date for ev in get_entry("china-russia-launch-notification-2009").events}
    assert "2020-12-15" in events and "2021-12-15" not in events


def test_date_order_invariants(entries):
    for e in entries:
        d = e.dates
        if d.signed and d.in_force:
            assert date_not_before(d.in_force, d.signed), e.id
        if d.ended:
            assert date_not_before(d.ended, d.in_force or d.signed), e.id
        for when in [x for x in (d.signed, d.in_force, d.ended) if x] + [v.date for v in e.events]:
            year, _, _ = date_parts(when)
            assert 1960 <= year <= 2026, (e.id, when)


def test_entries_are_sorted_oldest_first(entries):
    from stratstab.history.schema import date_parts_sort_key

    keys = [date_parts_sort_key(e.first_date()) for e in entries]
    assert keys == sorted(keys)


def test_status_agrees_with_end_date(entries):
    for e in entries:
        if e.status in ("expired", "withdrawn"):
            assert e.dates.ended, e.id
        if e.status in ("in force", "operating"):
            assert e.dates.ended is None, e.id


def test_both_languages_everywhere(entries):
    for e in entries:
        assert e.name_en and any("\u4e00" <= ch <= "\u9fff" for ch in e.name_zh)
        for text in (e.provisions, e.verification, e.lesson):
            assert text.en.strip() and text.zh.strip()
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text.zh)
            assert "  " not in text.zh


def test_lessons_are_two_to_four_sentences(entries):
    for e in entries:
        sentences = [s for s in e.lesson.en.replace("?", ".").split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 4, (e.id, len(sentences))


def test_every_entry_is_cited_and_unverified_ones_say_why(entries):
    for e in entries:
        assert e.sources and all(s.url.startswith("http") for s in e.sources)
        if not e.verified:
            assert e.verification_note and len(e.verification_note) > 20


def test_glossary_links_resolve(entries):
    ids = {t.id for t in load_glossary()}
    for e in entries:
        assert set(e.glossary_terms) <= ids, e.id


def test_china_us_entries_present(entries):
    china_us = [e for e in entries if {"US", "CN"} <= set(e.parties)]
    assert len(china_us) >= 8


def test_every_source_is_a_primary_https_publication(entries):
    from stratstab.citations import is_aggregator

    for entry in entries:
        assert entry.sources, entry.id
        for source in entry.sources:
            assert source.url.startswith("https://"), (entry.id, source.url)
            assert not is_aggregator(source.url), (entry.id, source.url)
            assert source.title and source.publisher, entry.id


@pytest.mark.parametrize(
    "url",
    ["https://en.wikipedia.org/wiki/INF_Treaty", "https://x.blogspot.com/p", "http://state.gov/t"],
)
def test_a_history_source_on_an_aggregator_or_plain_http_is_rejected(url):
    from pydantic import ValidationError

    from stratstab.history.schema import Source

    with pytest.raises(ValidationError):
        Source(title="t", publisher="p", url=url, published="2020", accessed="2026-11-28")


def test_every_source_has_a_publication_and_an_access_date(entries):
    from stratstab.history.schema import UNDATED, publication_date_parts

    dated = 0
    for entry in entries:
        for source in entry.sources:
            assert source.published and source.accessed, (entry.id, source.url)
            assert date_parts(source.accessed)[2] is not None, (entry.id, source.accessed)
            if source.published != UNDATED:
                publication_date_parts(source.published)
                dated += 1
    # News reports, statements and archival volumes are dated; only undated reference
    # pages (fact sheets, treaty narratives) may say so.
    assert dated >= 30


def test_dated_news_sources_keep_their_dates():
    # Each date is the one the publisher printed (or the address carries).
    assert _source("dangerous-military-activities-1989", "latimes.com").published == "1989-06-13"
    assert _source("nrrc-agreement-1987", "bloomberg.com").published == "2013-10-07"
    assert _source("p5-statement-2022", "un.org").published == "2022-01-03"


def _source(entry_id: str, host: str):
    return next(s for s in get_entry(entry_id).sources if host in s.url)


@pytest.mark.parametrize(
    ("published", "accessed", "message"),
    [
        ("2020-13", "2026-11-28", "publication date"),
        ("soon", "2026-11-28", "publication date"),
        ("2020", "2026-11", "full day"),
        ("2027-01-05", "2026-11-28", "before published"),
        ("2027", "2026-11-28", "before published"),
    ],
)
def test_bad_source_dates_are_rejected(published, accessed, message):
    from pydantic import ValidationError

    from stratstab.history.schema import Source

    with pytest.raises(ValidationError, match=message):
        Source(
            title="t",
            publisher="p",
            url="https://www.state.gov/x",
            published=published,
            accessed=accessed,
        )
