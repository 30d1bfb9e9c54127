"""Weak new passwords are refused wherever an account gets one; reasons in both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from stratstab.accounts import service as accounts
from stratstab.accounts.models import User
from stratstab.accounts.password_policy import WeakPasswordError, check_new_password
from stratstab.errors import InputError

from .helpers import build_app, login

STRONG = "tidal-lantern-orchard-47"
WEAK = [
    "12345678",
    "password",
    " " * 8,
    "\x00" * 8,
    "\x00" * 16,
    "password-123",
    "qwertyuiopasdf",
    "aaaaaaaaaaaaaaaa",
]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused(password):
    with pytest.raises(WeakPasswordError) as caught:
        check_new_password(password, username="ann.lee")
    assert isinstance(caught.value, InputError)
    assert caught.value.field == "password"


def test_the_user_name_and_display_name_do_not_make_a_password():
    for password in ("delegate-wang-mei", "Delegate-Wang-Mei", "wangmei2024!"):
        with pytest.raises(WeakPasswordError):
            check_new_password(password, username="delegate-wang-mei", display_name="Wang Mei")


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\u0085", "\ud800"])
def test_control_characters_are_refused_even_in_a_strong_password(character):
    with pytest.raises(WeakPasswordError) as caught:
        check_new_password(STRONG + character + "quay", username="ann")
    assert "control" in str(caught.value)


def test_a_strong_password_passes_and_unicode_is_welcome():
    check_new_password(STRONG, username="ann")
    check_new_password("长城 月光 茶馆 2031 渡口", username="ann")


def test_feedback_of_the_estimator_is_in_the_message():
    with pytest.raises(WeakPasswordError) as caught:
        check_new_password("password-123", username="ann")
    assert "commonly used password" in str(caught.value)
    assert caught.value.feedback  # locale keys of the estimator's warning and suggestions


def test_account_creation_checks_the_password(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'pw.sqlite'}")
    with app.state.session_factory() as db:
        with pytest.raises(WeakPasswordError):
            accounts.create_user(db, username="bob", password="bob12345", role="observer")
        accounts.create_user(db, username="root", password=STRONG, role="admin")
        db.commit()
        assert db.scalar(select(User.username).where(User.username == "bob")) is None


def test_admin_api_and_page_refuse_weak_passwords_in_both_languages(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'pw.sqlite'}")
    with app.state.session_factory() as db:
        accounts.create_user(db, username="root", password=STRONG, role="admin")
        db.commit()
    admin = login(app, "root", STRONG)
    body = {"username": "carol", "password": "12345678", "role": "observer"}
    answer = admin.post("/api/v1/users", json=body)
    assert answer.status_code == 400
    assert answer.json()["field"] == "password"
    assert "top-10 common password" in answer.json()["detail"]
    page = admin.post("/admin/users", data={**body, "password": "carol-carol-carol"})
    assert page.status_code == 400 and "too easy to guess" in page.text
    admin.put("/api/v1/auth/me/locale", json={"locale": "zh"})
    page = admin.post("/admin/users", data=body)
    assert page.status_code == 400
    assert "密码未被接受" in page.text and "最常用的 10 个密码" in page.text
    assert "common password" not in page.text
    created = admin.post("/api/v1/users", json={**body, "password": STRONG})
    assert created.status_code == 201
