"""History timeline, entry pages, glossary and glossary links: API and pages."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.history import load_history
from stratstab.web.history.links import link_terms
from tests.waiting import wait_until

from .helpers import build_app

DAY_OR_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = build_app(f"sqlite:///{tmp_path_factory.mktemp('hist') / 'web.sqlite'}")
    return TestClient(app)


def test_entry_list_filters_by_party_type_status_and_years(client):
    everything = client.get("/api/v1/history").json()
    assert len(everything) == len(load_history()) >= 30
    china = client.get("/api/v1/history", params={"party": "CN"}).json()
    assert china and all("CN" in e["parties"] for e in china)
    assert {"us-china-mmca-1998", "china-no-first-use-1964"} <= {e["id"] for e in china}
    # RU also finds the Soviet-era agreements its successor took over.
    russia = {e["id"] for e in client.get("/api/v1/history", params={"party": "RU"}).json()}
    assert {"inf-treaty", "new-start"} <= russia
    channels = client.get("/api/v1/history", params={"type": "channel"}).json()
    assert channels and {e["type"] for e in channels} == {"channel"}
    expired = client.get("/api/v1/history", params={"status": "expired"}).json()
    assert expired and all(e["status"] == "expired" and e["ended"] for e in expired)
    nineties = client.get("/api/v1/history", params={"from_year": 1990, "to_year": 1999}).json()
    assert "start-i" in {e["id"] for e in nineties} and "npt" in {e["id"] for e in nineties}
    assert "woodside-summit-2023" not in {e["id"] for e in nineties}


def test_entry_list_text_search_in_both_languages(client):
    by_english = {e["id"] for e in client.get("/api/v1/history", params={"q": "hotline"}).json()}
    by_chinese = {e["id"] for e in client.get("/api/v1/history", params={"q": "直接通信"}).json()}
    assert "hotline-mou-1963" in by_english and "hotline-mou-1963" in by_chinese


def test_bad_filters_name_the_field(client):
    answer = client.get("/api/v1/history", params={"from_year": 2000, "to_year": 1990})
    assert answer.status_code == 400 and answer.json()["field"] == "from_year"
    answer = client.get("/api/v1/history/timeline", params={"type": "pact"})
    assert answer.status_code == 422 and answer.json()["field"] == "type"
    page = client.get("/history", params={"party": "XX"})
    assert page.status_code == 400 and "party" in page.text


def test_timeline_dates_keep_their_precision_and_order(client):
    events = client.get("/api/v1/history/timeline").json()
    assert len(events) > len(load_history())
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    for e in events:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["date"])
        assert DAY_OR_MONTH.match(e["date_as_given"])
        assert (e["date_precision"] == "month") == (len(e["date_as_given"]) == 7)
        assert e["date"].startswith(e["date_as_given"])
    window = client.get("/api/v1/history/timeline", params={"from_year": 1987, "to_year": 1987})
    assert window.json() and all(e["date"].startswith("1987") for e in window.json())


def test_entry_detail_is_bilingual_and_cited(client):
    entry = client.get("/api/v1/history/new-start").json()
    assert entry["name_zh"] and entry["provisions"]["en"] and entry["provisions"]["zh"]
    assert entry["lesson"]["zh"] and entry["sources"][0]["url"].startswith("http")
    missing = client.get("/api/v1/history/new-strat")
    assert missing.status_code == 404 and "new-start" in missing.json()["detail"]


def test_glossary_search_and_term(client):
    found = [t["id"] for t in client.get("/api/v1/glossary", params={"q": "SSPK"}).json()]
    assert found[0] == "sspk"
    chinese = [t["id"] for t in client.get("/api/v1/glossary", params={"q": "危机稳定"}).json()]
    assert "crisis-stability" in chinese
    hotline = client.get("/api/v1/glossary/hotline").json()
    assert hotline["term_zh"] == "热线" and "hotline-mou-1963" in hotline["history_entries"]
    assert client.get("/api/v1/glossary/hotlne").status_code == 404


def test_timeline_page_filters_and_htmx_fragment(client):
    page = client.get("/history", params={"type": "treaty", "party": "CN", "status": ""})
    assert page.status_code == 200 and "<html" in page.text
    rows = re.findall(
        r'data-testid="timeline-event" data-entry="([^"]+)" data-type="(\w+)"', page.text
    )
    assert rows and {t for _, t in rows} == {"treaty"}
    assert 'id="fig-lifespans"' in page.text
    fragment = client.get("/history", params={"type": "channel"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and 'data-type="channel"' in fragment.text
    assert 'data-type="treaty"' not in fragment.text


def test_month_precision_dates_show_as_year_month(client):
    month_only = [
        e for e in client.get("/api/v1/history/timeline").json() if e["date_precision"] == "month"
    ]
    if not month_only:
        pytest.skip("the bundled history has no month-precision date")
    event = month_only[0]
    page = client.get(
        "/history", params={"from_year": event["date"][:4], "to_year": event["date"][:4]}
    )
    assert f'<time datetime="{event["date_as_given"]}">{event["date_as_given"]}</time>' in page.text


def test_entry_page_in_chinese_shows_both_languages_and_sources(client):
    entry = client.get("/api/v1/history/hotline-mou-1963").json()
    page = client.get("/history/hotline-mou-1963", headers={"Accept-Language": "zh-CN"}).text
    assert html.escape(entry["name_zh"]) in page and html.escape(entry["name_en"]) in page
    assert "对中美对话的启示" in page and "主要条款" in page
    assert entry["lesson"]["en"].split(" ")[0] in page  # the other language is shown too
    assert f'href="{entry["sources"][0]["url"]}"' in page
    assert 'class="term" href="/glossary/' in page


def test_entry_page_shows_each_source_publication_and_access_date(client):
    entry = client.get("/api/v1/history/p5-statement-2022").json()
    un = next(s for s in entry["sources"] if "un.org" in s["url"])
    assert un["published"] == "2022-01-03" and un["accessed"]
    english = client.get("/history/p5-statement-2022").text
    chinese = client.get("/history/p5-statement-2022", headers={"Accept-Language": "zh-CN"}).text
    assert f"(published 2022-01-03; accessed {un['accessed']})" in english
    assert f"（发布于 2022-01-03；访问于 {un['accessed']}）" in chinese
    assert "accessed" not in chinese and "published" not in chinese
    undated = client.get("/history/new-start", headers={"Accept-Language": "zh-CN"}).text
    assert "无发布日期" in undated


def test_glossary_pages(client):
    page = client.get("/glossary", params={"q": "launch under attack"}).text
    assert 'data-term="launch-under-attack"' in page
    fragment = client.get("/glossary", params={"q": "zzzz"}, headers={"HX-Request": "1"}).text
    assert "glossary-empty" in fragment and "<html" not in fragment
    term = client.get("/glossary/crisis-stability").text
    # A term's own page does not link the term to itself.
    assert 'href="/glossary/crisis-stability"' not in term.split("<main")[1]


def test_link_terms_hand_worked():
    out = str(link_terms("<b>MIRV</b> & more MIRV", locale="en"))
    assert out.startswith('&lt;b&gt;<a class="term" href="/glossary/mirv" title="')
    assert out.endswith('data-term="mirv">MIRV</a>&lt;/b&gt; &amp; more MIRV')  # first mention only
    assert str(link_terms("no terms here")) == "no terms here"
    chinese = str(link_terms("双方担心危机稳定性下降", locale="zh"))
    assert 'href="/glossary/crisis-stability"' in chinese and ">危机稳定性</a>" in chinese
    assert "crisis-stability" not in str(link_terms("crisis stability", skip=["crisis-stability"]))


def _visible_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["MIRV", "SSPK", "热线", "crisis stability", "<script>", "&", '"', "a", " "]
        )
        | st.text(max_size=8),
        max_size=12,
    ).map("".join)
)
def test_link_terms_keeps_text_and_escapes_everything(text):
    out = str(link_terms(text, locale="en"))
    assert _visible_text(out) == text
    # Every tag in the output is one of ours.
    for tag in re.findall(r"<[^>]*>", out):
        assert tag == "</a>" or tag.startswith('<a class="term" href="/glossary/')


def test_learning_routes_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/history",
        "/api/v1/history/timeline",
        "/api/v1/history/{entry_id}",
        "/api/v1/glossary",
        "/api/v1/glossary/{term_id}",
        "/api/v1/exercises",
        "/api/v1/exercise-runs",
        "/api/v1/exercise-runs/{run_id}/decisions",
        "/api/v1/exercise-runs/{run_id}/report",
    ):
        assert path in paths, path
    assert "/history" not in paths  # pages stay out of the API schema


def test_assessment_result_labels_link_to_the_glossary(tmp_path):

    from .helpers import login

    app = build_app(f"sqlite:///{tmp_path / 'assess.sqlite'}")
    with app.state.session_factory() as db:
        from stratstab.accounts import service as accounts

        accounts.create_user(
            db, username="ann", password="quay-lantern-orchard-47", role="observer"
        )
        db.commit()
    client = login(app, "ann", "quay-lantern-orchard-47")
    job = client.post("/api/v1/assessments", json={}).json()
    wait_until(
        lambda: client.get(f"/api/v1/jobs/{job['id']}").json()["state"] == "done",
        "the assessment",
    )
    page = client.get(f"/assess/jobs/{job['id']}").text
    for term_id in ("crisis-stability", "first-strike", "assured-retaliation"):
        assert f'class="term" href="/glossary/{term_id}"' in page
