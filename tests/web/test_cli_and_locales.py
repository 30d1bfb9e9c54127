"""``stratstab serve`` error handling, locale files, settings and the demo seed."""

from __future__ import annotations

import subprocess
import sys

from stratstab.web.i18n import Translator, catalogue, negotiate_locale
from tests.waiting import HANG_GUARD_S


def test_serve_with_unusable_database_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stratstab",
            "serve",
            "--database-url",
            f"sqlite:///{blocker}/sub/x.sqlite",
        ],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_database_password_is_not_shown():
    from stratstab.errors import StoreError
    from stratstab.web.database import open_database

    try:
        open_database("postgresql+psycopg://user:hunter2@127.0.0.1:1/none")
    except StoreError as exc:
        assert "hunter2" not in str(exc)
    else:  # pragma: no cover - nothing listens on port 1
        raise AssertionError("expected StoreError")


def test_locales_have_the_same_keys_and_placeholders():
    english, chinese = catalogue("en"), catalogue("zh")
    assert set(english) == set(chinese)
    for key, text in english.items():
        for name in ("{n}", "{side}", "{code}", "{voted}", "{total}"):
            assert (name in text) == (name in chinese[key]), key


def test_translator_and_negotiation():
    t = Translator("zh")
    assert t("nav.home") == "首页" and t("no.such.key") == "no.such.key"
    assert t.pick("Missile defense", "导弹防御") == "导弹防御"
    assert Translator("en").pick("", "导弹防御") == "导弹防御"
    assert (
        negotiate_locale(
            user_locale=None,
            cookie_locale=None,
            accept_language="zh-CN,zh;q=0.9,en;q=0.8",
            default="en",
        )
        == "zh"
    )
    assert (
        negotiate_locale(user_locale="en", cookie_locale="zh", accept_language="zh", default="en")
        == "en"
    )


def test_demo_seed_is_idempotent(demo_app):
    from stratstab.web.demo import DEMO_USERS, seed_demo

    before = len(demo_app.state.store.vote_history("us-china-track2"))
    rows = seed_demo(demo_app.state.session_factory, store=demo_app.state.store)
    assert len(rows) == len(DEMO_USERS)
    assert len(demo_app.state.store.vote_history("us-china-track2")) == before


def test_every_key_a_template_names_is_in_both_locales():
    """A key missing from the catalogue shows as its raw name ("ex.side.US") on the page."""
    import re
    from importlib.resources import files

    templates = files("stratstab.web") / "templates"
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")
    prefixed = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+\.)["']\s*~""")
    english, chinese = catalogue("en"), catalogue("zh")
    named: set[str] = set()
    prefixes: set[str] = set()

    def walk(folder):
        for entry in folder.iterdir():
            if entry.is_dir():
                walk(entry)
            elif entry.name.endswith(".html"):
                text = entry.read_text(encoding="utf-8")
                named.update(pattern.findall(text))
                prefixes.update(prefixed.findall(text))

    walk(templates)
    assert len(named) > 100
    missing = sorted(key for key in named if key not in english or key not in chinese)
    assert not missing, missing
    # Keys built from a prefix ("ex.side." ~ side) need at least one entry under it.
    empty = sorted(p for p in prefixes if not any(k.startswith(p) for k in english))
    assert not empty, empty
    for side in ("US", "CN", "RU"):
        assert f"ex.side.{side}" in english and f"ex.side.{side}" in chinese
