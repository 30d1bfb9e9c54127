"""Page forms obey the same limits as the JSON API: one schema per input, both paths.

Every text a page form stores is posted far past the API's limit; the page must refuse
it with a 4xx and a message in the reader's language, and store nothing.  The last
test checks that the page and the API share the very same schema objects, so that a
limit changed in one place holds in both.
"""

from __future__ import annotations

import pytest

from .helpers import SLUG, build_app, login

HUGE = "x" * 1_000_000


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from stratstab.web.demo import seed_demo

    application = build_app(f"sqlite:///{tmp_path_factory.mktemp('forms') / 'forms.sqlite'}")
    seed_demo(application.state.session_factory, store=application.state.store)
    return application


def _ledger_keys(client) -> set[str]:
    return {i["key"] for i in client.get(f"/api/v1/dialogues/{SLUG}/ledger").json()["items"]}


def _page_form(client, url, data):
    return client.post(url, data=data, follow_redirects=False)


@pytest.mark.parametrize(
    ("field", "value"),
    [("key", "k" * 101), ("title_en", HUGE), ("title_zh", HUGE), ("topic", HUGE)],
)
def test_ledger_item_form_refuses_what_the_api_refuses(seeded, field, value):
    facilitator = login(seeded, "facilitator")
    before = _ledger_keys(facilitator)
    data = {"key": "form-item", "title_en": "An item", field: value}
    page = _page_form(facilitator, f"/dialogues/{SLUG}/ledger", data)
    api = facilitator.post(f"/api/v1/dialogues/{SLUG}/ledger", json=data)
    assert 400 <= page.status_code < 500, page.status_code
    assert 400 <= api.status_code < 500
    assert _ledger_keys(facilitator) == before


def test_ledger_note_form_refuses_a_million_characters(seeded):
    facilitator = login(seeded, "facilitator")
    key = sorted(_ledger_keys(facilitator))[0]
    page = _page_form(
        facilitator, f"/dialogues/{SLUG}/ledger/{key}", {"status": "agreed", "note": HUGE}
    )
    assert page.status_code == 422
    assert "2000" in page.text
    items = facilitator.get(f"/api/v1/dialogues/{SLUG}/ledger").json()["items"]
    assert all(len(str(item)) < 100_000 for item in items)


def test_round_outcome_form_refuses_a_million_characters(seeded):
    facilitator = login(seeded, "facilitator")
    rounds_before = facilitator.get(f"/api/v1/dialogues/{SLUG}/ledger").json()["rounds"]
    page = _page_form(facilitator, f"/dialogues/{SLUG}/rounds/close", {"outcome": HUGE})
    assert page.status_code == 422
    rounds_after = facilitator.get(f"/api/v1/dialogues/{SLUG}/ledger").json()["rounds"]
    assert rounds_after == rounds_before


def test_statement_and_scope_forms_refuse_oversized_text(seeded):
    delegate = login(seeded, "cn1")
    before = len(delegate.get(f"/api/v1/dialogues/{SLUG}/statements").json())
    page = _page_form(delegate, f"/dialogues/{SLUG}/statements", {"text_en": HUGE})
    assert page.status_code == 422
    page = _page_form(
        delegate, f"/dialogues/{SLUG}/statements", {"text_en": "ok", "topics": ["t" * 1000]}
    )
    assert page.status_code == 422
    assert len(delegate.get(f"/api/v1/dialogues/{SLUG}/statements").json()) == before
    page = _page_form(
        delegate,
        f"/dialogues/{SLUG}/scope",
        {"topic": "cyber", "stance": "include", "priority": "2", "note": HUGE},
    )
    assert page.status_code == 422


def test_login_form_refuses_an_oversized_password_without_hashing_it(seeded):
    client = login(seeded, "observer")
    answer = _page_form(client, "/login", {"username": "observer", "password": HUGE})
    assert answer.status_code == 422


def test_form_error_is_in_the_readers_language(seeded):
    delegate = login(seeded, "cn1")  # a Chinese delegate: interface in Chinese
    page = _page_form(delegate, f"/dialogues/{SLUG}/rounds/close", {"outcome": "x"})
    assert page.status_code in (403, 404)  # delegates do not close rounds
    page = _page_form(delegate, f"/dialogues/{SLUG}/statements", {"text_en": HUGE})
    assert page.status_code == 422
    assert "最多" in page.text and "2000" in page.text
    assert "String should have" not in page.text


def test_pages_and_api_share_one_schema_per_input():
    from stratstab.web.dialogues import api, pages, schemas

    for name in (
        "LedgerItemCreate",
        "LedgerStatusUpdate",
        "RoundClose",
        "StatementCreate",
        "ModerationUpdate",
        "VoteCreate",
        "ScopePositionUpdate",
    ):
        model = getattr(schemas, name)
        assert getattr(api, name) is model
        assert model in pages.FORM_SCHEMAS, name


def test_control_characters_are_refused_on_every_path(database_url):
    """NUL and other control characters in a body, a page form, a path or a query get a
    422 in the reader's language; on PostgreSQL, which cannot store NUL, they used to
    end as a 500 (login) or a misleading 503 "database busy" (statements)."""
    from stratstab.web.demo import seed_demo

    application = build_app(database_url)
    seed_demo(application.state.session_factory, store=application.state.store)
    delegate, chinese = login(application, "us1"), login(application, "cn1")
    before = len(delegate.get(f"/api/v1/dialogues/{SLUG}/statements").json())
    url = f"/api/v1/dialogues/{SLUG}/statements"
    for text in ("a\x00b", "\x1b[31mred", "tab\tand\nlines\x7f"):
        answer = delegate.post(url, json={"text_en": text})
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "text_en"
        assert "control characters" in answer.json()["detail"]
    assert "控制字符" in chinese.post(url, json={"text_zh": "甲\x00乙"}).json()["detail"]
    login_answer = delegate.post(
        "/api/v1/auth/login", json={"username": "us\x001", "password": "x"}
    )
    assert login_answer.status_code == 422
    page = _page_form(delegate, f"/dialogues/{SLUG}/statements", {"text_en": "a\x00b"})
    assert page.status_code == 422 and "control characters" in page.text
    for address in (f"/api/v1/dialogues/{SLUG}%00", "/api/v1/history?q=a%00b"):
        answer = delegate.get(address)
        assert answer.status_code == 422, (address, answer.text)
    assert len(delegate.get(f"/api/v1/dialogues/{SLUG}/statements").json()) == before
    assert delegate.post(url, json={"text_en": "Tabs\tand\nlines stay allowed."}).status_code == 201


def test_new_dialogue_form_takes_the_api_schema(seeded):
    """The set-up form validates with the API's ``DialogueCreate``: the same limits and
    the same refusal of control characters, shown on the form in the reader's language."""
    facilitator = login(seeded, "facilitator")
    base = {"slug": "form-schema", "title": "T", "track": "II", "parties": ["US", "CN"]}
    for change in ({"title": "T\x00"}, {"description": HUGE}, {"title": "t" * 301}):
        page = _page_form(facilitator, "/dialogues", {**base, **change})
        assert page.status_code == 422, change
        assert 'data-testid="form-error"' in page.text
    slugs = {d["slug"] for d in facilitator.get("/api/v1/dialogues").json()}
    assert "form-schema" not in slugs
    assert _page_form(facilitator, "/dialogues", base).status_code == 303
