"""Issue 28 in a real browser: a near miss (the articles state something close, not the asked fact) is
refused with the nearest passages, not answered with confidence. Screenshot: test-artifacts/28-*.png."""
from __future__ import annotations

import pytest
from chatserver import launch_chromium, shot, start_chat, stop  # noqa: F401
from test_browser import ask, page  # noqa: F401  (fixtures shared with the first browser tests)
from test_browser_chat import EXPAND_CHAT

pytestmark = pytest.mark.browser


def test_28_a_near_miss_is_refused_with_the_nearest_passages(page):
    # the seeds report one Lavrov-Blinken meeting, on a Friday in January 2022 in Geneva; December is asked
    text = ask(page, "Where did Lavrov and Blinken meet in December 2021?", 1)
    assert "do not answer" in text
    bot = page.locator("#nd-chat [data-testid='bot']").first
    assert bot.locator("strong").filter(has_text="Geneva").count() == 0  # no answer in bold
    assert page.locator("#nd-citations label").count() >= 1  # the nearest passages, to check by hand
    page.evaluate(EXPAND_CHAT)
    page.wait_for_timeout(300)
    shot(page, "28-1-near-miss-refused-with-nearest-passages")
