"""Resolved dates in the chat and the Timeline tab, in Debian's chromium against the real server."""
from __future__ import annotations

import pytest
from test_browser import ask, page, shot  # noqa: F401  (fixtures shared with the chat tests)

pytestmark = pytest.mark.browser


def test_answer_shows_its_relative_date_on_the_calendar(page):
    text = ask(page, "When did Ryabkov say Russia and the US cannot discuss only the INF Treaty?", 1)
    assert "“on Monday” → Monday 10 January 2022, the day of the report" in text and "[1]" in text
    assert "derived:" not in text  # the derivation only on demand (issue 29)
    shot(page, "dates-01-chat-answer")


def test_event_filter_in_the_chat(page):
    page.get_by_text("Events the articles report").click()
    page.fill("#nd-ev-since textarea, #nd-ev-since input", "1987")
    page.fill("#nd-ev-until textarea, #nd-ev-until input", "1988")
    text = ask(page, "When was the treaty signed?", 1)
    assert "December 8, 1987" in text
    page.fill("#nd-ev-since textarea, #nd-ev-since input", "someday")
    text = ask(page, "When was the treaty signed?", 2)
    assert "cannot read the date" in text
    shot(page, "dates-02-event-filter")


def test_timeline_tab(page):
    page.get_by_role("tab", name="Timeline").click()
    page.fill("#nd-tl-query textarea", "INF Treaty")
    page.click("#nd-tl-go")
    page.wait_for_selector("#nd-timeline li.nd-tl-entry", timeout=60_000)
    view = page.locator("#nd-timeline").inner_text()
    assert view.index("December 8, 1987") < view.index("June 1, 1988") < view.index("In 1992") < view.index("Year not stated")
    assert "20 October (year not stated)" in view and "2 February (year not stated)" in view
    assert page.locator("#nd-timeline li.nd-tl-dated").count() >= 3
    shot(page, "dates-03-timeline")
    page.locator("#nd-tl-citations label").first.click()
    mark = page.locator("#nd-tl-panel #nd-cited")
    mark.wait_for(timeout=30_000)
    assert "December 8, 1987" in mark.inner_text()
    page.wait_for_timeout(500)
    box = mark.bounding_box()
    assert box and 0 <= box["y"] <= 1000
    shot(page, "dates-04-timeline-citation")
