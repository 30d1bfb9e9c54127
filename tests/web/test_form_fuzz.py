"""Hypothesis fuzzing of the page forms delegates and facilitators post.

The login form, the new-dialogue form, the statement form and the vote card are posted
with arbitrary Unicode, huge strings, NUL and other control characters, empty and
missing fields, repeated fields, and raw bytes that are not UTF-8.  Whatever arrives:

- the answer is never a server error;
- a refusal (4xx) is a page in the reader's language with a message, not an empty body;
- a form that carries a control character in a field the page reads is refused, so
  nothing with a NUL or an escape reaches the database.

Deterministic and bounded: derandomized generation, no example database, a fixed
number of examples per form.
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratstab.web.demo import seed_demo
from stratstab.web.demo_dialogue import DEMO_SLUG
from stratstab.web.shapes import has_control_characters

from .helpers import build_app, login

EXAMPLES_PER_FORM = 40

# Derandomized, without an example database or deadline: the suite's profile (tests/conftest.py).
FUZZ_SETTINGS = settings(max_examples=EXAMPLES_PER_FORM, suppress_health_check=list(HealthCheck))

# Text a person or an attacker might send: any Unicode (no lone surrogates: a form is
# UTF-8), text salted with control characters, huge strings, and the usual suspects.
CONTROL = st.sampled_from(["\x00", "\x1b", "\x07", "\x7f", "\x85", "\x0b"])
PLAIN = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=40)
SALTED = st.tuples(PLAIN, CONTROL, PLAIN).map("".join)
HUGE = st.tuples(
    st.sampled_from(["x", "中", "\U0001f680", " ", "\x00"]), st.integers(2_000, 300_000)
)
TEXT = st.one_of(
    PLAIN,
    SALTED,
    HUGE.map(lambda part: part[0] * part[1]),
    st.sampled_from(
        ["", " ", "null", "None", "-1", "0", "1", "1e309", "NaN", "<script>", "../../etc/passwd"]
    ),
)


def _form(
    valid: dict[str, object], fuzzed: dict[str, st.SearchStrategy]
) -> st.SearchStrategy[dict]:
    """A form that would be accepted, with up to three fields dropped, or replaced by a
    fuzzed value (``fuzzed``, else any :data:`TEXT`), once or repeated."""
    names = sorted(set(valid) | set(fuzzed))

    def value(name: str) -> st.SearchStrategy:
        strategy = st.one_of(fuzzed.get(name, TEXT), TEXT)
        return st.one_of(st.none(), strategy, st.lists(strategy, min_size=2, max_size=3))

    changes = st.dictionaries(st.sampled_from(names), st.none(), max_size=3).flatmap(
        lambda chosen: st.fixed_dictionaries({name: value(name) for name in chosen})
    )

    def apply(change: dict) -> dict:
        form = {**valid, **change}
        return {name: v for name, v in form.items() if v is not None}

    return changes.map(apply)


# Replaced by a fresh slug on each post, so that an accepted form is not a duplicate.
NEW_SLUG = "fuzz-new"
SLUGS = itertools.count()
LOGIN = _form({"username": "us1", "password": "wrong-password-1", "next": "/"}, {})
NEW_DIALOGUE = _form(
    {"slug": NEW_SLUG, "title": "Fuzzed", "track": "II", "parties": ["US", "CN"]},
    {"slug": st.from_regex(r"\Afuzz-[a-z0-9]{1,12}\Z"), "parties": st.sampled_from(["US", "RU"])},
)
STATEMENT = _form(
    {"text_en": "Both sides keep a crisis hotline staffed.", "topics": "cyber"},
    {"original_language": st.sampled_from(["en", "zh"]), "sealed": st.sampled_from(["true", "on"])},
)
VOTE = _form(
    {"statement": "1", "value": "1", "importance": "2"},
    {"value": st.integers().map(str), "importance": st.integers().map(str)},
)

# Fields a page reads but passes on without storing.
UNSTORED = {"next", "idempotency_key"}


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    application = build_app(f"sqlite:///{tmp_path_factory.mktemp('forms') / 'forms.sqlite'}")
    seed_demo(application.state.session_factory, store=application.state.store)
    return application


@pytest.fixture(scope="module")
def clients(fuzz_app):
    from fastapi.testclient import TestClient

    anonymous = TestClient(fuzz_app)
    anonymous.headers["X-CSRF-Token"] = anonymous.get("/api/v1/auth/csrf").json()["csrf_token"]
    return {
        "anonymous": anonymous,
        "delegate": login(fuzz_app, "us1"),
        "facilitator": login(fuzz_app, "facilitator"),
    }


def _post(client, url: str, form: dict, raw: bytes | None = None):
    if raw is not None:
        headers = {"content-type": "application/x-www-form-urlencoded"}
        return client.post(url, content=raw, headers=headers, follow_redirects=False)
    return client.post(url, data=form, follow_redirects=False)


def _check(response, form: dict) -> None:
    assert response.status_code < 500, response.text[:500]
    if 400 <= response.status_code < 500:
        assert "text/html" in response.headers["content-type"]
        message = re.search(r'role="alert"[^>]*>([^<]*)<', response.text)
        assert message and message.group(1).strip(), response.text[:500]
    stored = {name: value for name, value in form.items() if name not in UNSTORED}
    if has_control_characters(stored):
        assert 400 <= response.status_code < 500, (response.status_code, form)


@FUZZ_SETTINGS
@given(form=LOGIN)
def test_login_form(clients, form):
    _check(_post(clients["anonymous"], "/login", form), form)


@FUZZ_SETTINGS
@given(form=NEW_DIALOGUE)
def test_new_dialogue_form(clients, form):
    if form.get("slug") == NEW_SLUG:
        form = {**form, "slug": f"{NEW_SLUG}-{next(SLUGS)}"}
    _check(_post(clients["facilitator"], "/dialogues", form), form)


@FUZZ_SETTINGS
@given(form=STATEMENT)
def test_statement_form(clients, form):
    _check(_post(clients["delegate"], f"/dialogues/{DEMO_SLUG}/statements", form), form)


@FUZZ_SETTINGS
@given(form=VOTE)
def test_vote_form(clients, form):
    _check(_post(clients["delegate"], f"/dialogues/{DEMO_SLUG}/vote", form), form)


@FUZZ_SETTINGS
@given(
    url=st.sampled_from(
        [
            "/login",
            "/dialogues",
            f"/dialogues/{DEMO_SLUG}/statements",
            f"/dialogues/{DEMO_SLUG}/vote",
        ]
    ),
    raw=st.binary(max_size=300),
)
def test_forms_take_raw_bytes(clients, url, raw):
    client = clients[
        "anonymous" if url == "/login" else "facilitator" if url == "/dialogues" else "delegate"
    ]
    response = _post(client, url, {}, raw=raw)
    assert response.status_code < 500, response.text[:500]
