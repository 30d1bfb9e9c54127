"""Account administration in the browser, once in English and once in Chinese.

An admin disables an account (through the confirmation step) while its user is logged
in elsewhere — the user's next page goes to the login form — enables it again, changes
its role, and issues a password-reset link; the user opens the link, is refused a weak
password, sets a strong one, logs in with it, and the link then answers "used".
Screenshots: ``test-artifacts/screenshots/admin-<lang>-*.png``.
"""

from __future__ import annotations

import pytest

from stratstab.accounts import service as accounts

from . import setup_flow as flow
from .helpers import build_app
from .server import running

pytestmark = pytest.mark.browser

PASSWORD = "quay-lantern-orchard-47"
NEW_PASSWORD = "violet-harbour-tundra-82"
LOCALES = {"en": "en-GB", "zh": "zh-CN"}
# A word of each language that must show on the users page in it (the other must not).
WORDS = {
    "en": {"disabled": "disabled", "confirm": "Disable this account?", "used": "used already"},
    "zh": {"disabled": "已停用", "confirm": "停用此账户？", "used": "已被使用"},
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_admin_disables_changes_role_and_resets_by_link(browser, tmp_path, lang):
    app = build_app(f"sqlite:///{tmp_path / 'admin.sqlite'}")
    with app.state.session_factory() as db:
        accounts.create_user(db, username="root", password=PASSWORD, role="admin", locale=lang)
        accounts.create_user(
            db, username="mei", password=PASSWORD, role="observer", display_name="Mei", locale=lang
        )
        db.commit()
    words = WORDS[lang]
    with running(app) as base_url:

        def page_for():
            context = browser.new_context(
                base_url=base_url, locale=LOCALES[lang], viewport={"width": 1280, "height": 900}
            )
            return context.new_page()

        admin, mei = page_for(), page_for()
        flow.log_in(admin, "root", PASSWORD)
        flow.log_in(mei, "mei", PASSWORD)

        admin.goto("/admin/users")
        admin.click('[data-testid="disable-mei"]')
        admin.wait_for_load_state("networkidle")
        assert words["confirm"] in admin.inner_text("body")
        flow.shot(admin, f"admin-{lang}-1-confirm-disable")
        admin.click('[data-testid="confirm"]')
        admin.wait_for_load_state("networkidle")
        row = admin.inner_text('[data-testid="account-mei"]')
        assert words["disabled"] in row
        flow.shot(admin, f"admin-{lang}-2-disabled")

        mei.goto("/assess")
        mei.wait_for_load_state("networkidle")
        assert "/login" in mei.url  # the open session ended at once

        admin.click('[data-testid="enable-mei"]')
        admin.wait_for_load_state("networkidle")
        admin.select_option('[data-testid="role-form-mei"] select', "facilitator")
        admin.click('[data-testid="role-form-mei"] button')
        admin.wait_for_load_state("networkidle")
        assert admin.locator('[data-testid="admin-done"]').is_visible()
        admin.fill('#user-mei input[name="hours"]', "2")
        admin.click('[data-testid="reset-mei"]')
        admin.wait_for_load_state("networkidle")
        url = admin.inner_text('[data-testid="reset-url"]')
        flow.shot(admin, f"admin-{lang}-3-reset-link")

        mei.goto(url)
        mei.fill("input[name=password]", "mei12345")
        mei.fill("input[name=password_again]", "mei12345")
        mei.click('[data-testid="reset-submit"]')
        mei.wait_for_load_state("networkidle")
        assert mei.locator('[data-testid="form-error"]').is_visible()
        flow.shot(mei, f"admin-{lang}-4-weak-password")
        mei.fill("input[name=password]", NEW_PASSWORD)
        mei.fill("input[name=password_again]", NEW_PASSWORD)
        mei.click('[data-testid="reset-submit"]')
        mei.wait_for_load_state("networkidle")
        assert mei.locator('[data-testid="reset-done"]').is_visible()
        flow.log_in(mei, "mei", NEW_PASSWORD)
        mei.goto(url)
        assert words["used"] in mei.inner_text('[data-testid="reset-gone"]')
        flow.shot(mei, f"admin-{lang}-5-link-used")
        # No English sentence on the Chinese pages seen here.
        if lang == "zh":
            admin.goto("/admin/users")
            assert "Password-reset link" not in admin.inner_text("body")
            assert "Disable" not in admin.inner_text("main")
