"""Errors a person can cause reach web pages and API answers in the reader's language.

Service-layer errors carry a locale key (``StratstabError.with_key``); the web shows the
key's text.  Three checks: every key named in the code exists in English and Chinese
and the Chinese holds no English sentence; every error raised in the dialogue and
account services names a key; and real errors, caused through the API and the pages by
a Chinese-speaking user, come back without an English sentence.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from stratstab.accounts import service as accounts
from stratstab.web.dialogues import members as members_service

from .helpers import login

SRC = Path(__file__).resolve().parents[2] / "src" / "stratstab"
LOCALES = SRC / "web" / "locales"
# Three words of Latin letters in a row: an English sentence (or part of one).
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;'-]+[A-Za-z]{2,}){2,}")
# Modules whose errors reach the web; each raise there names a locale key.
KEYED_MODULES = sorted(
    [*(SRC / "web" / "dialogues").glob("*.py"), *(SRC / "accounts").glob("*.py")]
)
# Refusals of the server's own settings (read at start, never a visitor's input).
SETTINGS_ONLY = {"throttle.py"}
ERRORS = {"InputError", "NotFoundError", "ConflictError", "GoneError", "Forbidden"}
# Raised only on the command line (``--as``), never on the web.
CLI_ONLY = {("report.py", "InputError", "--as")}
PASSWORD = "quay-lantern-orchard-47"


def _lookup(tree: dict, key: str):
    node = tree
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _named_keys() -> set[str]:
    keys = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r'\.with_key\(\s*"([\w.]+)"', text))
        keys |= set(re.findall(r'\bkey="(dlgerr\.[\w.]+)"', text))
        keys |= set(re.findall(r'\b(?:StaleTurn|QuotaExceeded)\(\s*"([\w.]+)"', text))
    return keys


def test_every_error_key_exists_in_both_languages_and_zh_has_no_english():
    en = yaml.safe_load((LOCALES / "en.yaml").read_text(encoding="utf-8"))
    zh = yaml.safe_load((LOCALES / "zh.yaml").read_text(encoding="utf-8"))
    keys = _named_keys()
    assert len(keys) >= 40
    missing = [k for k in sorted(keys) if _lookup(en, k) is None or _lookup(zh, k) is None]
    assert not missing, missing
    english = {k: _lookup(zh, k) for k in keys if ENGLISH.search(str(_lookup(zh, k)))}
    assert not english, english


def _raises_without_key(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or node.exc is None:
            continue
        call = node.exc
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            if call.func.attr == "with_key":
                continue
        if not isinstance(call, ast.Call):
            continue
        name = (
            call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        )
        if name not in ERRORS:
            continue
        fields = [k.value.value for k in call.keywords if isinstance(k.value, ast.Constant)]
        if any((path.name, name, field) in CLI_ONLY for field in fields):
            continue
        found.append(f"{path.name}:{node.lineno} {name}")
    return found


def test_errors_of_the_dialogue_and_account_services_name_a_locale_key():
    unkeyed = [
        line
        for path in KEYED_MODULES
        if path.name not in SETTINGS_ONLY
        for line in _raises_without_key(path)
    ]
    assert not unkeyed, unkeyed


@pytest.fixture()
def zh_world(app):
    with app.state.session_factory() as db:
        accounts.create_user(db, username="fac", password=PASSWORD, role="facilitator", locale="zh")
        accounts.create_user(db, username="wang", password=PASSWORD, role="member", locale="zh")
        accounts.create_user(db, username="root", password=PASSWORD, role="admin", locale="zh")
        db.commit()
    fac = login(app, "fac", PASSWORD)
    body = {
        "slug": "zh-errors",
        "title": "T",
        "title_zh": "测试",
        "track": "II",
        "parties": ["CN", "US"],
    }
    assert fac.post("/api/v1/dialogues", json=body).status_code == 201
    members_service.add_member(
        app.state.store, "zh-errors", username="wang", role="delegate", party="CN"
    )
    return app, fac, login(app, "wang", PASSWORD), login(app, "root", PASSWORD), body


def _chinese_without_english(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and not ENGLISH.search(text)


def test_errors_reach_a_chinese_reader_in_chinese(zh_world):
    app, fac, wang, root, body = zh_world
    slug = body["slug"]
    cases = [
        (fac.post("/api/v1/dialogues", json=body), 409),  # slug taken
        (fac.get("/api/v1/dialogues/nowhere"), 404),
        (wang.post(f"/api/v1/dialogues/{slug}/scope/reveal", json={"confirm": True}), 403),
        (fac.post(f"/api/v1/dialogues/{slug}/scope/reveal", json={"confirm": True}), 400),
        (fac.post(f"/api/v1/dialogues/{slug}/rounds/close", json={"outcome": ""}), 400),
        (wang.post(f"/api/v1/dialogues/{slug}/votes", json={"statement": "s0", "value": 1}), 404),
        (
            fac.post(
                f"/api/v1/dialogues/{slug}/invitations", json={"role": "delegate", "party": "RU"}
            ),
            400,
        ),
        (
            fac.post(
                f"/api/v1/dialogues/{slug}/invitations", json={"role": "observer", "party": "CN"}
            ),
            400,
        ),
        (fac.delete(f"/api/v1/dialogues/{slug}/members/nobody"), 400),  # confirm first
        (root.put("/api/v1/users/root/role", json={"role": "observer"}), 409),
        (root.put("/api/v1/users/wang/role", json={"role": "delegate"}), 400),
    ]
    problems = []
    for answer, status in cases:
        detail = answer.json().get("detail", "")
        if answer.status_code != status or not _chinese_without_english(str(detail)):
            problems.append(
                f"{answer.request.method} {answer.request.url.path}: "
                f"{answer.status_code} {detail!r}"
            )
    assert not problems, "\n".join(problems)
    # The same errors on the pages: a Chinese error page, no English sentence in its message.
    page = wang.post(f"/dialogues/{slug}/reveal", data={"confirm": "1"})
    assert page.status_code == 403
    message = re.search(r'role="alert"[^>]*>([^<]+)<', page.text) or re.search(
        r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', page.text
    )
    assert message and _chinese_without_english(message.group(1)), page.text[-1500:]
