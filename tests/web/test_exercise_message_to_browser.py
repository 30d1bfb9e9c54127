"""Browser test: the message "To" list on a three-sided run page shows its whole default
label, in English and Chinese, on a desktop and on a 390 px phone screen.  The run is
the three-sided co-orbital approach scenario.  Screenshots go to
``test-artifacts/screenshots/`` (numbered 50 and up)."""

from __future__ import annotations

import pytest

from .exercise_pages import demo_with_russia, seat_delegations
from .exercise_pages import set_locale as _locale
from .test_browser import CHROMIUM, open_page, shot  # noqa: F401

pytestmark = pytest.mark.browser
assert CHROMIUM

EXERCISE = "asat-approach-early-warning-three-sided"
LABELS = {"en": ("Automatic", "the side whose message this answers"), "zh": ("自动", "所回复消息")}

# Width the default option's text needs inside the select, measured with the select's
# own font, against the room the select gives it (its inner width less the arrow).
FITS = """(select) => {
    const style = getComputedStyle(select);
    const canvas = document.createElement('canvas').getContext('2d');
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.options[select.selectedIndex].text;
    const room = select.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight) - 20;
    return {text, need: canvas.measureText(text).width, room,
            right: select.getBoundingClientRect().right,
            page: document.documentElement.clientWidth};
}"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """The demo workspace with a Russian delegation added (head ru1, delegate ru2)."""
    with demo_with_russia(tmp_path_factory.mktemp("to")) as url:
        yield url


def test_the_default_recipient_label_is_short_and_whole(open_page):  # noqa: F811
    control = open_page("facilitator")
    seats = {"US": ("us1", "us2"), "CN": ("cn1", "cn2"), "RU": ("ru1", "ru2")}
    run_url = seat_delegations(control, EXERCISE, seats, seed=3, turns=2)
    ru = open_page("ru1")
    for lang in ("en", "zh"):
        _locale(ru, lang)
        for width in (1280, 390):
            ru.set_viewport_size({"width": width, "height": 900})
            ru.goto(run_url)
            select = ru.locator("[data-testid=message-to]")
            label, help_words = LABELS[lang]
            assert select.locator("option").all_inner_texts() == (
                [label, "United States", "China"] if lang == "en" else [label, "美国", "中国"]
            )
            fit = select.evaluate(FITS)
            assert fit["text"] == label and fit["need"] <= fit["room"], fit
            assert fit["right"] <= fit["page"], fit  # the select stays on the screen
            # The rule behind "automatic" is spelt out beside the form and on hover.
            assert help_words in ru.inner_text("#message-to-help")
            assert help_words in select.get_attribute("title")
            ru.locator("[data-testid=decision-form] h3").first.scroll_into_view_if_needed()
            shot(ru, f"50-message-to-{lang}-{width}")
