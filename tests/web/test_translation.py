"""Bilingual statements: originals, translations by people, machine suggestions.

The machine suggestions come from a real HTTP server on loopback that speaks the
OpenAI chat-completions shape, started by the test.
"""

from __future__ import annotations

import pytest

from stratstab.accounts.models import AuditEvent
from stratstab.dialogue.language import detect_language, original_of
from stratstab.web.app import create_app
from stratstab.web.demo import seed_demo
from stratstab.web.settings import Settings

from ..chat_server import ChatServer
from .helpers import SECRET, SLUG, login

ZH_TEXT = "双方应承诺不首先使用核武器。"
EN_SUGGESTION = "Both sides should commit to no first use of nuclear weapons."


class Translating(ChatServer):
    """Answers every request with one fixed English sentence."""

    def reply(self, body: dict) -> str:
        return EN_SUGGESTION


class Failing(ChatServer):
    status = 500

    def reply(self, body: dict) -> str:
        return "boom"


def _app(tmp_path, url: str | None = None):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'tr.sqlite'}",
        secret_key=SECRET,
        translation_llm_url=url,
        translation_llm_model="test-model",
    )
    app = create_app(settings)
    seed_demo(app.state.session_factory, store=app.state.store)
    return app


def _zh_statement(app) -> str:
    cn = login(app, "cn1")
    made = cn.post(f"/api/v1/dialogues/{SLUG}/statements", json={"text_zh": ZH_TEXT})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["original_language"] == "zh" and body["text_en"] == ""
    return body["id"]


def _find(client, statement_id: str) -> dict | None:
    rows = client.get(f"/api/v1/dialogues/{SLUG}/statements").json()
    return next((s for s in rows if s["id"] == statement_id), None)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("A nuclear war cannot be won.", "en"),
        ("核战争打不赢。", "zh"),
        ("DF-41 导弹", "zh"),
        ("", "en"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_original_of_prefers_the_only_text():
    assert original_of("", "中文") == "zh"
    assert original_of("English", "") == "en"
    assert original_of("English", "中文", default="zh") == "zh"


def test_translator_writes_the_other_language(tmp_path):
    app = _app(tmp_path)
    statement = _zh_statement(app)
    translator, us = login(app, "translator"), login(app, "us1")
    # Pending: the translator sees it (to translate during moderation), US voters do not.
    assert _find(translator, statement)["moderation"] == "pending"
    assert _find(us, statement) is None
    path = f"/api/v1/dialogues/{SLUG}/statements/{statement}/translation"
    # The original is not a translation; delegates do not translate.
    refused = translator.put(path, json={"language": "zh", "text": "改写"})
    assert refused.status_code == 400 and refused.json()["field"] == "language"
    assert login(app, "cn2").put(path, json={"language": "en", "text": "x"}).status_code == 403
    done = translator.put(path, json={"language": "en", "text": EN_SUGGESTION})
    assert done.status_code == 200, done.text
    assert done.json()["text_en"] == EN_SUGGESTION and done.json()["text_zh"] == ZH_TEXT
    assert done.json()["translated_by"] == "translator"
    login(app, "facilitator").patch(
        f"/api/v1/dialogues/{SLUG}/statements/{statement}", json={"moderation": "accepted"}
    )
    seen = _find(us, statement)
    assert seen["text_en"] == EN_SUGGESTION and seen["original_language"] == "zh"
    assert seen["suggestion"] is None
    with app.state.session_factory() as db:
        actions = [e.action for e in db.query(AuditEvent).filter_by(actor_name="translator")]
    assert "statement.translate" in actions


def test_vote_card_shows_own_language_first_with_original(tmp_path):
    app = _app(tmp_path)
    statement = _zh_statement(app)
    login(app, "translator").put(
        f"/api/v1/dialogues/{SLUG}/statements/{statement}/translation",
        json={"language": "en", "text": EN_SUGGESTION},
    )
    login(app, "facilitator").patch(
        f"/api/v1/dialogues/{SLUG}/statements/{statement}", json={"moderation": "accepted"}
    )
    page = login(app, "us1").get(f"/dialogues/{SLUG}/statements").text
    row = page.split(f'data-testid="statement-row-{statement}"')[1].split("</tr>")[0]
    assert row.index(EN_SUGGESTION) < row.index(ZH_TEXT)
    assert "original" in row.split(EN_SUGGESTION)[1]
    zh_page = login(app, "cn2").get(f"/dialogues/{SLUG}/statements").text  # cn2 reads Chinese
    zh_row = zh_page.split(f'data-testid="statement-row-{statement}"')[1].split("</tr>")[0]
    assert zh_row.index(ZH_TEXT) < zh_row.index(EN_SUGGESTION)
    assert "译文" in zh_row and "original" not in zh_row


def test_machine_suggestion_is_not_called_unless_configured(tmp_path):
    app = _app(tmp_path)
    statement = _zh_statement(app)
    answer = login(app, "translator").post(
        f"/api/v1/dialogues/{SLUG}/statements/{statement}/translation/suggestion"
    )
    assert answer.status_code == 409 and "not configured" in answer.json()["detail"]
    page = login(app, "translator").get(f"/dialogues/{SLUG}/statements").text
    assert f'data-testid="suggest-{statement}"' not in page


def test_machine_suggestion_waits_for_a_person(tmp_path):
    with Translating() as server:
        app = _app(tmp_path, server.url)
        statement = _zh_statement(app)
        translator, fac = login(app, "translator"), login(app, "facilitator")
        base = f"/api/v1/dialogues/{SLUG}/statements/{statement}/translation/suggestion"
        made = translator.post(base)
        assert made.status_code == 200, made.text
    body = made.json()
    assert body["text_en"] == "" and body["suggestion"]["text"] == EN_SUGGESTION
    assert body["suggestion"]["machine"] is True and "test-model" in body["suggestion"]["source"]
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "test-model"
    prompt = request["body"]["messages"][-1]["content"]
    assert ZH_TEXT in prompt and "no first use = 不首先使用核武器" in prompt  # glossary hint
    fac.patch(f"/api/v1/dialogues/{SLUG}/statements/{statement}", json={"moderation": "accepted"})
    # Voters see neither the suggestion nor an English text until someone accepts it.
    us_view = _find(login(app, "us1"), statement)
    assert us_view["text_en"] == "" and us_view["suggestion"] is None
    page = translator.get(f"/dialogues/{SLUG}/statements").text
    assert f'data-testid="suggestion-{statement}"' in page and EN_SUGGESTION in page
    accepted = translator.post(base + "/accept")
    assert accepted.status_code == 200
    assert accepted.json()["text_en"] == EN_SUGGESTION and accepted.json()["suggestion"] is None
    assert "machine suggestion accepted" in accepted.json()["translated_by"]
    assert _find(login(app, "us1"), statement)["text_en"] == EN_SUGGESTION
    assert translator.post(base + "/accept").status_code == 400  # nothing left to accept


def test_failing_endpoint_changes_nothing(tmp_path):
    with Failing() as server:
        app = _app(tmp_path, server.url)
        statement = _zh_statement(app)
        translator = login(app, "translator")
        answer = translator.post(
            f"/api/v1/dialogues/{SLUG}/statements/{statement}/translation/suggestion"
        )
        page = translator.post(
            f"/dialogues/{SLUG}/statements/{statement}/translation/suggest",
            data={},
            headers={"Accept": "text/html"},
        )
    assert answer.status_code == 502 and "failed" in answer.json()["detail"]
    assert page.status_code == 502
    row = _find(translator, statement)
    assert row["suggestion"] is None and row["text_en"] == ""


def test_sealed_statements_reach_the_translator_not_the_other_party(tmp_path):
    app = _app(tmp_path)
    fac = login(app, "facilitator")
    made = fac.post(
        f"/api/v1/dialogues/{SLUG}/statements", json={"text_en": "Sealed item", "sealed": True}
    ).json()
    assert _find(login(app, "cn1"), made["id"]) is None
    translator = login(app, "translator")
    assert _find(translator, made["id"])["sealed"]  # translated before the reveal
    answer = translator.put(
        f"/api/v1/dialogues/{SLUG}/statements/{made['id']}/translation",
        json={"language": "zh", "text": "密封的陈述"},
    )
    assert answer.status_code == 200
    assert _find(login(app, "cn1"), made["id"]) is None  # still sealed to the parties
