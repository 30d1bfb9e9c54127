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
